#!/usr/bin/env bash
# Builds the service image, and the images it needs where no public image registry is reachable,
# from Debian's packages only:
#
#   xso/debian:bookworm      debootstrap --variant=minbase of Debian bookworm, imported
#   xso/jre:17               + openjdk-17-jre-headless                  (docker/jre/Dockerfile)
#   xso/postgres:15          + postgresql-15, postgres:15-compatible     (docker/postgres/Dockerfile)
#   xso/orchestrator:latest  the service: ./Dockerfile on xso/jre:17, from target/*.jar
#
# The Debian base is made only when absent; the JRE and PostgreSQL are built every time on Docker's
# layer cache, so their package layers are reused and a change of their files is taken
# (--rebuild-bases makes all three again, without the cache). The service image is built every
# time, from a jar packaged first (--no-package uses the jar in target/ as it is). Names can be changed with DEBIAN_IMAGE, JRE_IMAGE, POSTGRES_IMAGE and
# XSO_IMAGE; DEBIAN_MIRROR overrides the mirror read from apt's sources; MVNW_OPTS are added to
# the Maven command (-o to package offline). debootstrap needs root.
#
#   docker/build-images.sh [--rebuild-bases] [--no-package] [--bases-only]
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_IMAGE="${DEBIAN_IMAGE:-xso/debian:bookworm}"
JRE_IMAGE="${JRE_IMAGE:-xso/jre:17}"
POSTGRES_IMAGE="${POSTGRES_IMAGE:-xso/postgres:15}"
XSO_IMAGE="${XSO_IMAGE:-xso/orchestrator:latest}"

rebuild=false
package=true
service=true
for arg in "$@"; do
  case "$arg" in
    --rebuild-bases) rebuild=true ;;
    --no-package) package=false ;;
    --bases-only) service=false ;;
    *) echo "unknown option $arg" >&2; exit 2 ;;
  esac
done

have_image() { docker image inspect "$1" >/dev/null 2>&1; }

# the Debian mirror apt uses here (deb822 sources or a one-line sources.list), else Debian's CDN
debian_mirror() {
  if [ -n "${DEBIAN_MIRROR:-}" ]; then
    echo "$DEBIAN_MIRROR"
    return
  fi
  local uri
  uri="$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)"
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri="$(awk '$1 == "deb" && $3 ~ /^bookworm$/ { print $2; exit }' /etc/apt/sources.list)"
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

timed() {
  local what="$1" start=$SECONDS
  shift
  echo "::: $what"
  "$@"
  echo "::: $what: $((SECONDS - start)) s"
}

# (a subshell, so that the root file system is removed however it ends)
build_debian() (
  mirror="$(debian_mirror)"
  rootfs="$(mktemp -d "${TMPDIR:-/var/tmp}/xso-rootfs.XXXXXX")"
  trap 'rm -rf "$rootfs"' EXIT
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror"
  # what an image does not carry: package lists (each image's build fetches its own) and caches
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb
  printf 'deb %s bookworm main\ndeb %s bookworm-updates main\n' "$mirror" "$mirror" > "$rootfs/etc/apt/sources.list"
  tar --numeric-owner -C "$rootfs" -c . \
    | docker import --change 'CMD ["bash"]' --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      - "$DEBIAN_IMAGE"
)

if $rebuild || ! have_image "$DEBIAN_IMAGE"; then
  timed "base $DEBIAN_IMAGE (debootstrap from $(debian_mirror))" build_debian
else
  echo "::: base $DEBIAN_IMAGE present"
fi

cache=()
$rebuild && cache=(--no-cache)
timed "base $JRE_IMAGE" docker build "${cache[@]}" --build-arg "DEBIAN_IMAGE=$DEBIAN_IMAGE" -t "$JRE_IMAGE" docker/jre
timed "base $POSTGRES_IMAGE" docker build "${cache[@]}" --build-arg "DEBIAN_IMAGE=$DEBIAN_IMAGE" \
  -t "$POSTGRES_IMAGE" docker/postgres

if ! $service; then
  exit 0
fi

if $package; then
  # shellcheck disable=SC2086 # MVNW_OPTS is a list of options, e.g. -o
  timed "jar" ./mvnw -B ${MVNW_OPTS:-} package -DskipTests
fi
jars=(target/*.jar)
if [ "${#jars[@]}" -ne 1 ] || [ ! -f "${jars[0]}" ]; then
  echo "expected one jar in target/, found: ${jars[*]}" >&2
  exit 1
fi
timed "service $XSO_IMAGE" docker build --build-arg "BASE_IMAGE=$JRE_IMAGE" -t "$XSO_IMAGE" .
docker image ls --format '{{.Repository}}:{{.Tag}}  {{.Size}}' \
  | grep -E "^($DEBIAN_IMAGE|$JRE_IMAGE|$POSTGRES_IMAGE|$XSO_IMAGE) "
