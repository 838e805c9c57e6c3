#!/bin/bash
# Step (c): boots the guest under qemu TCG (qboot + the uncompressed vmlinux, PVH entry) with the host root
# shared read-only, runs GUEST_SCRIPT [ARGS...] inside it and copies the serial console to stdout.
# Usage: boot.sh TIMEOUT_SECONDS GUEST_SCRIPT [ARG...]   (args must not contain spaces or commas)
# Exit status: 124 on timeout, otherwise qemu's.
# The systemd mode (run-systemd.sh) sets PUMP_HW_SIM_INITRD (its own initramfs), PUMP_HW_SIM_DISK (a raw
# disk image attached as virtio /dev/vda) and PUMP_HW_SIM_APPEND (extra kernel command-line words).
source "$(dirname "$0")/lib.sh"
ABI=$(kernel_abi); OUT="$CACHE/$ABI"
INITRD=${PUMP_HW_SIM_INITRD:-$OUT/initramfs.cpio.gz}
extra=()
[[ -n "${PUMP_HW_SIM_DISK:-}" ]] && extra+=(-drive "file=$PUMP_HW_SIM_DISK,format=raw,if=virtio")
timeout_s=$1; script=$2; shift 2
args=$(IFS=,; echo "$*")
# The guest's clock keeps running while the host deschedules qemu, so on a loaded host a stall of the qemu
# process looks like a stalled control loop to pumpd (heartbeat-missed). The emulator therefore runs at a
# raised host priority (nice -10 by default; PUMP_HW_SIM_NICE overrides; ignored without root).
exec nice -n "${PUMP_HW_SIM_NICE:--10}" timeout --kill-after=5 "$timeout_s" qemu-system-x86_64 -accel tcg -cpu qemu64 -smp 1 -m "${PUMP_HW_SIM_MEM:-1G}" \
    -bios /usr/share/qemu/qboot.rom -kernel "$OUT/vmlinux" -initrd "$INITRD" "${extra[@]}" \
    -append "console=ttyS0 panic=-1 loglevel=4 pumpbench.script=$script pumpbench.args=$args${PUMP_HW_SIM_APPEND:+ $PUMP_HW_SIM_APPEND}" \
    -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
    -nographic -no-reboot -nodefaults -serial stdio -monitor none
