#!/usr/bin/env bash
# Builds the Xen test host from Debian's packages only: a dom0 disk image (Xen 4.17, Debian's 6.1
# kernel as dom0, xen-utils, a Java 17 runtime, the service's jar and its libxl shim, the workload
# sink) and a small PV guest (Debian's kernel, a busybox initramfs whose workload writes, reads back
# and verifies blocks on its xvda and reports each one, sequence-numbered, over its vif).
#
#   xen-host/build.sh [OUT_DIR]          (as root; default target/xen-host)
#
# Needs: debootstrap, e2fsprogs (mkfs.ext4 -d), cpio, gzip, busybox-static, a JDK (javac), the
# service's jar (./mvnw package) and the shim (./mvnw -Plibxl package: target/native/libxso_libxl.so,
# built against the same libxenlight 4.17 that the dom0 runs).
#
# The debootstrapped root file system is cached as a tarball under XSO_XEN_HOST_CACHE (default
# ~/.cache/xso/xen-host), keyed by the suite, the package list and the mirror: a later build
# reuses it (about 1.5 minutes saved); with no cache it is built from scratch. The image itself is
# rebuilt on every run from the cached tree, this directory's files and the current jar.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
out="${1:-$root/target/xen-host}"
cache="${XSO_XEN_HOST_CACHE:-$HOME/.cache/xso/xen-host}"
jar="${XSO_JAR:-$(ls "$root"/target/xen-suspend-orchestrator-*.jar 2>/dev/null | grep -v -e "-sources" -e "-javadoc" | head -n 1 || true)}"
shim="${XSO_SHIM:-$root/target/native/libxso_libxl.so}"
suite=bookworm
packages="linux-image-amd64,xen-hypervisor-4.17-amd64,xen-utils-4.17,xen-utils-common,systemd-sysv,udev,iproute2,bridge-utils,kmod,procps,busybox-static,ifupdown,openjdk-17-jre-headless"
# the Debian mirror apt already uses on this machine, unless told
mirror="${XSO_DEBIAN_MIRROR:-$({ cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null || true; } \
  | awk '/^(URIs:|deb )/ { for (i = 2; i <= NF; i++) if ($i ~ /^https?:\/\/.*\/debian\/?$/) { print $i; exit } }')}"

say() { printf '::: [%s] %s\n' "$(date +%T)" "$*"; }
[ "$(id -u)" = 0 ] || { echo "build.sh: run as root (debootstrap, chroot, device nodes)" >&2; exit 2; }
for tool in debootstrap mkfs.ext4 cpio gzip busybox javac; do
  command -v "$tool" >/dev/null || { echo "build.sh: $tool is missing" >&2; exit 2; }
done

# ---- the dom0's root file system, debootstrapped once -----------------------------------------
key="$(printf '%s\n' "$suite" "$packages" "$mirror" | sha256sum | cut -c1-16)"
tarball="$cache/rootfs-$suite-$key.tar"
mkdir -p "$cache" "$out"
if [ ! -f "$tarball" ]; then
  say "debootstrap $suite from $mirror (cached afterwards as $tarball)"
  tmp="$(mktemp -d "$cache/debootstrap.XXXXXX")"
  debootstrap --variant=minbase --include="$packages" "$suite" "$tmp" "$mirror" >"$cache/debootstrap.log" 2>&1 \
    || { tail -n 30 "$cache/debootstrap.log" >&2; rm -rf "$tmp"; exit 1; }
  rm -rf "$tmp/var/cache/apt/archives"/*.deb "$tmp/var/lib/apt/lists"/*
  tar -C "$tmp" -cf "$tarball.partial" . && mv "$tarball.partial" "$tarball"
  rm -rf "$tmp"
else
  say "root file system from the cache ($tarball)"
fi
rootfs="$out/rootfs"
rm -rf "$rootfs"; mkdir -p "$rootfs"
tar -C "$rootfs" -xf "$tarball"
kver="$(ls "$rootfs/lib/modules" | sort -V | tail -n 1)"
say "kernel $kver, Xen $(ls "$rootfs"/boot/xen-4.17*.gz | head -n 1 | xargs -n1 basename)"

# ---- dom0's configuration ---------------------------------------------------------------------
say "configuring dom0"
echo dom0 >"$rootfs/etc/hostname"
echo "/dev/vda / ext4 defaults 0 1" >"$rootfs/etc/fstab"
chroot "$rootfs" sh -c 'echo root:root | chpasswd'
# a root shell on Xen's console (hvc0): the tests drive dom0 through it
d="$rootfs/etc/systemd/system/serial-getty@hvc0.service.d"; mkdir -p "$d"
printf '[Service]\nExecStart=\nExecStart=-/sbin/agetty --autologin root --noclear --keep-baud %%I 115200,38400,9600 $TERM\n' >"$d/autologin.conf"
ln -sf /lib/systemd/system/serial-getty@.service "$rootfs/etc/systemd/system/getty.target.wants/serial-getty@hvc0.service"
# xenbr0 has no ports: guest traffic stays inside the VM. eth0 is QEMU's user network, which only
# carries the port forwards from the host's loopback (QEMU runs it with restrict=on).
cat >"$rootfs/etc/network/interfaces" <<'EOT'
auto lo
iface lo inet loopback
auto xenbr0
iface xenbr0 inet static
  bridge_ports none
  bridge_stp off
  bridge_fd 0
  address 10.99.0.1/24
auto eth0
iface eth0 inet static
  address 10.0.2.15/24
EOT
echo 'xen-blkback' >"$rootfs/etc/modules-load.d/xso.conf"; echo 'xen-netback' >>"$rootfs/etc/modules-load.d/xso.conf"
chroot "$rootfs" systemctl enable xen.service xenstored.service xenconsoled.service xen-init-dom0.service >/dev/null 2>&1 || true
# xendomains would save and restore guests itself at shutdown and boot: the tests own the guests
chroot "$rootfs" systemctl disable xendomains.service >/dev/null 2>&1 || true
# quiet journald on the console, no timers that compete for the emulated CPUs
mkdir -p "$rootfs/etc/systemd/journald.conf.d"
printf '[Journal]\nForwardToConsole=no\nStorage=volatile\n' >"$rootfs/etc/systemd/journald.conf.d/xso.conf"
chroot "$rootfs" systemctl mask apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer >/dev/null 2>&1 || true

# ---- the service, its shim and the workload sink ----------------------------------------------
[ -f "$jar" ] || { echo "build.sh: no service jar (./mvnw package -DskipTests), or set XSO_JAR" >&2; exit 2; }
[ -f "$shim" ] || { echo "build.sh: no libxl shim at $shim (./mvnw -Plibxl package -DskipTests)" >&2; exit 2; }
say "installing the service ($(basename "$jar")), the shim and the sink"
install -d "$rootfs/opt/xso" "$rootfs/etc/xso" "$rootfs/var/lib/xso"
install -D -m 0644 "$jar" "$rootfs/tmp/xso-boot/xso.jar"
install -m 0755 "$shim" "$rootfs/opt/xso/libxso_libxl.so"
install -m 0644 "$here/dom0/application.properties" "$rootfs/etc/xso/application.properties"
install -m 0644 "$here/dom0/xso.service" "$here/dom0/xso-sink.service" "$rootfs/etc/systemd/system/"
chroot "$rootfs" systemctl enable xso.service xso-sink.service >/dev/null 2>&1
javac --release 17 -d "$rootfs/opt/xso/sink" "$here/dom0/WorkloadSink.java"
# the tests' admin token: its hash in the service's tokens file, the token itself beside the image
token="$(head -c 32 /dev/urandom | sha256sum | cut -c1-48)"
printf '%s\n' "$token" >"$out/admin-token"; chmod 600 "$out/admin-token"
printf '%s admin xen-host-tests\n' "$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)" >"$rootfs/etc/xso/api-tokens"
chmod 600 "$rootfs/etc/xso/api-tokens"
# Class data sharing, as Spring Boot documents it: the jar extracted (a thin jar, its libraries in
# lib/), and one training start, run here natively by dom0's own JVM in a chroot, writes the archive
# that every start in dom0 maps instead of parsing and verifying the same classes under emulation.
# The training start runs the dom0 configuration on a throw-away database and stops once the
# context is refreshed (there is no Xen in the chroot: the libxl adapter starts, and says it is down).
say "extracting the service and writing its class data sharing archive"
# (the JVM finds its libraries relative to /proc/self/exe)
mount -t proc proc "$rootfs/proc"
trap 'umount "$rootfs/proc" 2>/dev/null || true' EXIT
chroot "$rootfs" java -Djarmode=tools -jar /tmp/xso-boot/xso.jar extract --destination /opt/xso/app >"$out/cds-extract.log" 2>&1 \
  || { cat "$out/cds-extract.log" >&2; exit 1; }
rm -rf "$rootfs/tmp/xso-boot"
train="$rootfs/tmp/xso-cds"; mkdir -p "$train"
chroot "$rootfs" sh -c 'cd /tmp/xso-cds && exec java -XX:ArchiveClassesAtExit=/opt/xso/xso.jsa -Xms128m -Xmx1536m \
    -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dspring.context.exit=onRefresh -jar /opt/xso/app/xso.jar \
    --spring.config.additional-location=file:/etc/xso/application.properties \
    --spring.datasource.url="jdbc:h2:file:/tmp/xso-cds/xso;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH" \
    --xso.libxl.state-dir=/tmp/xso-cds/libxl --xso.security.admin-token-file=/tmp/xso-cds/admin-token \
    --server.port=0' >"$out/cds-training.log" 2>&1 || { tail -n 40 "$out/cds-training.log" >&2; exit 1; }
umount "$rootfs/proc"; trap - EXIT
rm -rf "$train"
[ -s "$rootfs/opt/xso/xso.jsa" ] || { echo "build.sh: the training start wrote no archive ($out/cds-training.log)" >&2; exit 1; }

# ---- the guest --------------------------------------------------------------------------------
say "building the guest's initramfs"
ir="$out/guest-initramfs"; rm -rf "$ir"; mkdir -p "$ir"/{bin,proc,sys,dev,tmp,run,www/cgi-bin}
cp "$(command -v busybox)" "$ir/bin/busybox"
m="$rootfs/lib/modules/$kver/kernel/drivers"
cp "$m/block/xen-blkfront.ko" "$m/net/xen-netfront.ko" "$ir/"
install -m 0755 "$here/guest/init" "$ir/init"
install -m 0755 "$here/guest/verify" "$ir/www/cgi-bin/verify"
install -m 0755 "$here/guest/stats" "$ir/www/cgi-bin/stats"
install -d "$rootfs/root/guests"
(cd "$ir" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$rootfs/root/guests/initrd.gz"
sed "s/@KVER@/$kver/" "$here/guest/guest.cfg.in" >"$rootfs/root/guests/guest.cfg.in"
install -m 0755 "$here/dom0/xso-guest" "$rootfs/usr/local/sbin/xso-guest"

# ---- what QEMU boots --------------------------------------------------------------------------
say "writing the boot files and the disk image"
zcat "$rootfs"/boot/xen-4.17*.gz >"$out/xen"
cp "$rootfs/boot/vmlinuz-$kver" "$out/vmlinuz"
cp "$rootfs/boot/initrd.img-$kver" "$out/initrd.img"
rm -f "$out/dom0.img"; truncate -s 4G "$out/dom0.img"
mkfs.ext4 -q -F -d "$rootfs" "$out/dom0.img"
rm -rf "$rootfs" "$ir"
{
  echo "built=$(date -u +%FT%TZ)"
  echo "kernel=$kver"
  echo "jar=$(basename "$jar") $(sha256sum "$jar" | cut -c1-16)"
  echo "rootfs=$(basename "$tarball")"
} >"$out/build-info"
say "done: $out"
