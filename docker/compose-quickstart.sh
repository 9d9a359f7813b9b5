#!/usr/bin/env bash
# Brings docker-compose.yml's stack up (the service on PostgreSQL), runs the README's quick start
# against it, then the console's browser test against the same stack (ConsoleOnImageTests, see
# below), and takes the stack down with its volumes. The quick start is every ```bash block of
# README.md, run in order as QuickstartTests runs it against the service in process: only the port
# differs, each block sees what the blocks before it exported, and between two blocks the script
# waits until no operation is pending or running. The commands run in a directory whose
# data/admin-token is the admin token the service wrote to its data volume, so the README's way of
# reading the token works as it is.
#
# After the quick start, while the stack is up, ConsoleOnImageTests drives the image's console in
# Debian's headless Chromium (./mvnw test, which compiles the tests where they are not yet): sign
# in with the admin token, suspend demo guest 1 and resume it (the quick start leaves it RUNNING).
# Where /usr/bin/chromium or /usr/bin/chromedriver is missing it says so and runs without it.
#
# XSO_IMAGE and POSTGRES_IMAGE choose the images (docker/build-images.sh builds both here); the
# API is published on a free port of 127.0.0.1. COMPOSE_PROJECT_NAME names the stack
# (xso-quickstart); MVNW_OPTS are more options for ./mvnw (e.g. -o). Uses `docker compose`, else
# `docker-compose`.
set -euo pipefail
cd "$(dirname "$0")/.."

export XSO_IMAGE="${XSO_IMAGE:-xso/orchestrator:latest}"
export POSTGRES_IMAGE="${POSTGRES_IMAGE:-xso/postgres:15}"
export XSO_PORT=0 # Docker picks a free port
project="${COMPOSE_PROJECT_NAME:-xso-quickstart}"

if docker compose version >/dev/null 2>&1; then
  compose=(docker compose -p "$project")
else
  compose=(docker-compose -p "$project")
fi

work="$(mktemp -d)"
passed=false
finish() {
  if ! $passed; then
    echo "::: compose logs (last 80 lines of each service)"
    "${compose[@]}" logs --no-color --tail=80 || true
  fi
  "${compose[@]}" down -v --remove-orphans >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap finish EXIT

fail() {
  echo "::: compose quick start FAILED: $*" >&2
  exit 1
}

"${compose[@]}" down -v --remove-orphans >/dev/null 2>&1 || true
start=$SECONDS
"${compose[@]}" up -d --no-build

container="$("${compose[@]}" ps -q xso)"
status=""
while [ $((SECONDS - start)) -lt 300 ]; do
  status="$(docker inspect -f '{{.State.Health.Status}}' "$container")"
  [ "$status" = healthy ] && break
  [ "$(docker inspect -f '{{.State.Running}}' "$container")" = true ] || fail "the service's container stopped"
  sleep 1
done
[ "$status" = healthy ] || fail "the service was not healthy within 300 s (last status: $status)"
echo "::: stack healthy $((SECONDS - start)) s after docker compose up"

port="$("${compose[@]}" port xso 8080 | awk -F: '{ print $NF }')"
[ -n "$port" ] || fail "no published port"

mkdir -p "$work/data"
if "${compose[@]}" exec -T xso test -f data/admin-token </dev/null; then
  "${compose[@]}" exec -T xso cat data/admin-token </dev/null > "$work/data/admin-token"
  echo "::: the admin token from the data volume is at data/admin-token"
else
  echo "::: the service wrote no admin token (it runs without authentication)"
fi

quiet() {
  local pending
  for _ in $(seq 1 120); do
    pending="$("${compose[@]}" exec -T db psql -U xso -d xso -tAc \
      "select count(*) from operations where state in ('PENDING', 'RUNNING')" </dev/null | tr -d '[:space:]')"
    [ "$pending" = 0 ] && return 0
    sleep 0.5
  done
  fail "operations still pending or running after 60 s"
}

# the ```bash blocks of README.md, NUL-separated
blocks="$work/blocks"
awk '/^```bash$/ { inside = 1; next } /^```$/ && inside { inside = 0; printf "%c", 0; next } inside { print }' \
  README.md > "$blocks"
transcript="$work/transcript"
: > "$transcript"
exports=""
n=0
while IFS= read -r -d '' -u 3 block; do
  n=$((n + 1))
  script="${block//localhost:8080/localhost:$port}"
  echo "::: block $n"
  echo "$script"
  if ! out="$(cd "$work" && timeout 120 bash -euo pipefail -c "$exports$script" 2>&1 </dev/null)"; then
    echo "$out"
    fail "block $n exited with an error"
  fi
  echo "$out" | cut -c1-400
  echo "$out" >> "$transcript"
  # what a block exports stays set for the blocks after it, as in the reader's terminal
  exports+="$(grep '^export ' <<< "$script" || true)"$'\n'
  quiet
done 3< "$blocks"
[ "$n" -gt 0 ] || fail "no \`\`\`bash block in README.md"

# what the quick start shows: demo guests, an accepted suspend, a resume that succeeded with new
# grant refs, nothing lost, duplicated or corrupted, and a stale If-Match refused
for expected in '"name":"demo-1"' 'HTTP/1.1 202' '"state":"SUCCEEDED"' '"allRefsNew":true' \
    '"lost":0' '"duplicated":0' '"mismatches":0' '"code":"PRECONDITION_FAILED"'; do
  grep -qF -- "$expected" "$transcript" || fail "the quick start's output lacks $expected"
done
for unexpected in '"allRefsNew":false' '"state":"FAILED"'; do
  if grep -qF -- "$unexpected" "$transcript"; then fail "the quick start's output has $unexpected"; fi
done
if grep -qE '"(lost|duplicated|mismatches)":[1-9]' "$transcript"; then
  fail "the quick start lost, duplicated or corrupted data"
fi
# and it went through the compose stack's PostgreSQL
ops="$("${compose[@]}" exec -T db psql -U xso -d xso -tAc "select count(*) from operations" </dev/null \
  | tr -d '[:space:]')"
[ "${ops:-0}" -ge 2 ] || fail "PostgreSQL holds $ops operations, expected the quick start's suspend and resume"

echo "::: the quick start passed: $n blocks, $ops operations in PostgreSQL, $((SECONDS - start)) s"

# the console of the image, in a browser, against the stack the quick start used
console="not run (no /usr/bin/chromium or /usr/bin/chromedriver)"
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  [ -s "$work/data/admin-token" ] || fail "no admin token for the console test"
  console_start=$SECONDS
  report=target/surefire-reports/TEST-org.xso.web.ConsoleOnImageTests.xml
  rm -f "$report"
  echo "::: ConsoleOnImageTests against http://127.0.0.1:$port"
  # shellcheck disable=SC2086 # MVNW_OPTS is a list of options, e.g. -o
  if ! ./mvnw -B ${MVNW_OPTS:-} test -Dtest=ConsoleOnImageTests -Dsurefire.failIfNoSpecifiedTests=false \
      "-Dxso.console.url=http://127.0.0.1:$port" "-Dxso.console.token-file=$work/data/admin-token" \
      > "$work/console-test.log" 2>&1 </dev/null; then
    cat "$work/console-test.log"
    fail "ConsoleOnImageTests failed (screenshots in target/console-screenshots/)"
  fi
  grep -E 'ConsoleOnImageTests|Tests run:' "$work/console-test.log" | sort -u
  # it must have run, not been skipped
  grep -q 'tests="1"' "$report" && grep -q 'skipped="0"' "$report" && grep -q 'failures="0"' "$report" \
    || fail "ConsoleOnImageTests did not run (see above)"
  # its suspend and resume went through the stack's PostgreSQL too
  after="$("${compose[@]}" exec -T db psql -U xso -d xso -tAc "select count(*) from operations" </dev/null \
    | tr -d '[:space:]')"
  [ "${after:-0}" -ge $((ops + 2)) ] || fail "PostgreSQL holds $after operations after the console test, expected $((ops + 2))"
  ops="$after"
  console="passed in $((SECONDS - console_start)) s (target/console-screenshots/on-image.png)"
fi

passed=true
echo "::: compose quick start passed: $n blocks, $ops operations in PostgreSQL; the console test $console;" \
  "$((SECONDS - start)) s"
