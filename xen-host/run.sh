#!/usr/bin/env bash
# Boots the Xen test host that build.sh made, under QEMU's software emulation (TCG): Xen 4.17, then
# Debian's kernel as dom0 from DIR/dom0.img, which starts xenstored, the service (xso.service, on
# the libxl adapter) and the workload sink. Xen's and dom0's consoles are this process's standard
# input and output (a root shell on hvc0 once dom0 is up). Nothing leaves the VM: QEMU's user
# network only forwards two ports of the host's loopback into dom0.
#
#   xen-host/run.sh [DIR] [SERVICE_PORT] [SINK_PORT]     (defaults: target/xen-host 18080 18081)
#
# then: curl -H "Authorization: Bearer $(cat DIR/admin-token)" http://127.0.0.1:18080/api/v1/domains
#
# KVM is not used: where /dev/kvm is itself a nested software hypervisor, Xen stops at its first
# shadow-stack instruction. SMAP and SMEP are hidden from Xen, which otherwise faults in dom0's
# first instructions under TCG. The image is not changed: dom0 writes to a temporary overlay
# (-snapshot), so every boot starts from what build.sh made.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="${1:-$here/../target/xen-host}"
service_port="${2:-18080}"
sink_port="${3:-18081}"
[ -f "$dir/dom0.img" ] || { echo "run.sh: no $dir/dom0.img: build it with xen-host/build.sh" >&2; exit 2; }
exec qemu-system-x86_64 \
  -accel tcg,thread=${XSO_TCG_THREAD:-multi} -cpu max,-smap,-smep,-pcid,-invpcid,-avx,-avx2,-fma,-f16c,-vaes,-vpclmulqdq,-xsave,-xsaveopt,-xsavec,-xsaves -machine q35 -smp "${XSO_XEN_HOST_CPUS:-2}" -m "${XSO_XEN_HOST_MEMORY:-4096}" \
  -display none -monitor none -serial stdio -no-reboot \
  -kernel "$dir/xen" \
  -append "console=com1 com1=115200,8n1 dom0_mem=2560M,max:2560M dom0_max_vcpus=2 pcid=0 loglvl=warning guest_loglvl=warning noreboot" \
  -initrd "$dir/vmlinuz root=/dev/vda rw console=hvc0 net.ifnames=0 quiet systemd.show_status=0,$dir/initrd.img" \
  -drive "file=$dir/dom0.img,if=virtio,format=raw,cache=unsafe" -snapshot \
  -nic "user,model=virtio-net-pci,restrict=on,hostfwd=tcp:127.0.0.1:$service_port-:8080,hostfwd=tcp:127.0.0.1:$sink_port-:5002"
