#!/usr/bin/env bash
# Runs the commands of docs/containers.md as they are written: the block under "## The image" (the
# image built, run, its admin token read, the API asked, the container removed), the first block
# under "## docker compose" (the stack up, its token read, the API asked, the stack down), and the
# API token file block there (the stack up with an operator token, which the harness then uses). What differs
# comes from the environment only: the images (XSO_BASE_IMAGE for the service's base,
# POSTGRES_IMAGE; xso/jre:17 and xso/postgres:15 by default, as docker/build-images.sh builds them
# where no registry answers), and `docker compose` runs docker-compose where Compose v2 is missing.
# Each block must print the demo guests. Needs port 8080 on 127.0.0.1 free, as the docs assume.
set -euo pipefail
cd "$(dirname "$0")/.."

export XSO_BASE_IMAGE="${XSO_BASE_IMAGE:-xso/jre:17}"
export POSTGRES_IMAGE="${POSTGRES_IMAGE:-xso/postgres:15}"
doc=docs/containers.md

# the first ```sh block after a heading of docs/containers.md
block() {
  awk -v heading="$1" '
    $0 == heading { in_section = 1; next }
    in_section && /^## / { exit }
    in_section && /^```sh$/ { in_block = 1; next }
    in_block && /^```$/ { exit }
    in_block { print }
  ' "$doc"
}

# what the reader's docker does: `docker build` on the base given by the environment, and
# `docker compose` as docker-compose where the compose plugin is missing
docker() {
  if [ "${1:-}" = "build" ]; then
    shift
    command docker build --build-arg "BASE_IMAGE=$XSO_BASE_IMAGE" "$@"
  elif [ "${1:-}" = "compose" ] && ! command docker compose version >/dev/null 2>&1; then
    shift
    docker-compose "$@"
  else
    command docker "$@"
  fi
}
export -f docker

cleanup() {
  command docker rm -f xso >/dev/null 2>&1 || true
  command docker volume rm xso-data >/dev/null 2>&1 || true
  docker-compose down -v >/dev/null 2>&1 || true
  rm -f api-tokens
}
trap cleanup EXIT
cleanup

# what the harness adds after a block: the API token file block says nothing of its own, so the
# stack it started is asked with the operator token it made, and taken down
after_block() {
  case "$1" in
    "## docker compose (API tokens)")
      printf '%s\n' 'until curl -sf localhost:8080/actuator/health/readiness; do sleep 2; done' \
        'curl -s -H "Authorization: Bearer $token" localhost:8080/api/v1/domains' \
        'docker compose down -v; rm -f api-tokens' ;;
  esac
}

for heading in "## The image" "## docker compose" "## docker compose (API tokens)"; do
  if [ "$heading" = "## docker compose (API tokens)" ]; then
    # the second sh block of the section: the API token file
    script="$(awk '
      $0 == "## docker compose" { in_section = 1; next }
      in_section && /^## / { exit }
      in_section && /^```sh$/ { n++; if (n == 2) { in_block = 1 }; next }
      in_block && /^```$/ { exit }
      in_block { print }
    ' "$doc")"
  else
    script="$(block "$heading")"
  fi
  if [ -z "$script" ]; then
    echo "::: $doc has no sh block under '$heading'" >&2
    exit 1
  fi
  echo "::: $doc, '$heading':"
  echo "$script" | sed 's/^/    /'
  start=$SECONDS
  out="$(timeout 600 bash -euo pipefail -c "$script"$'\n'"$(after_block "$heading")" 2>&1)" || {
    echo "$out" | tail -40
    echo "::: '$heading' failed" >&2
    exit 1
  }
  if ! grep -q '"name":"demo-1"' <<<"$out"; then
    echo "$out" | tail -40
    echo "::: '$heading' ran, but the API did not list the demo guests" >&2
    exit 1
  fi
  echo "::: '$heading' passed in $((SECONDS - start)) s"
done
