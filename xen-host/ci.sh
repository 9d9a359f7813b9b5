#!/usr/bin/env bash
# The real-Xen stage of .ci/run: the service's jar and the libxl shim (the libxl stage before it
# packaged both; they are packaged again only where missing), the Xen test host image
# (xen-host/build.sh, its debootstrapped tree cached between runs where the machine keeps
# ~/.cache), then the real-Xen tests, which boot it under QEMU and drive the service in its dom0.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
if ! ls target/xen-suspend-orchestrator-*.jar >/dev/null 2>&1 || [ ! -f target/native/libxso_libxl.so ]; then
  ./mvnw -B -q -Plibxl package -DskipTests
fi
xen-host/build.sh target/xen-host
echo "::: Xen test host built in $((SECONDS - start)) s"
./mvnw -B -Pxen-host test
