#!/bin/bash
# The systemd bench: boots Debian's own systemd as PID 1 in the qemu guest (host root read-only over 9p with
# an overlay whose upper layer is on a fresh guest disk image, guest/systemd/init), installs the pumpd .deb
# with dpkg and checks the packaged service as an admin meets it: Type=notify readiness, nurse / observer /
# other users against the socket, the watchdog killing a stopped pumpd and Restart= bringing it back
# interrupted with the motor off, `systemctl reboot` mid-infusion keeping the journal, journalctl,
# systemd-analyze security on the live unit, dpkg -r/-P (guest/systemd/scenarios.sh).
# The guest reboots once: phase 1 ends with `systemctl reboot` (qemu runs with -no-reboot and exits), this
# script boots the same disk again and phase 2 checks what survived.
# Prints the guest's result lines, a PASS/FAIL table, one verdict line (`PUMP-BENCH-SYSTEMD: PASS|FAIL`) and
# the wall time; exits non-zero on any failure, a missing verdict or a timeout.
# Usage: hw-sim/bench/run-systemd.sh [--deb FILE] [--timeout SECONDS_PER_BOOT]
#   --deb FILE  the package to test (default: the newest .build/deb/pumpd_*.deb, which scripts/test-deb.sh
#               leaves there; built with scripts/build-deb.sh when there is none)
source "$(dirname "$0")/lib.sh"
TIMEOUT=240 DEB=""
while (($#)); do
    case $1 in
        --deb) DEB=$2; shift 2 ;;
        --timeout) TIMEOUT=$2; shift 2 ;;
        *) die "usage: $0 [--deb FILE] [--timeout SECONDS]" ;;
    esac
done
export PATH=/opt/swift/usr/bin:$PATH

"$BENCH_DIR/prepare-kernel.sh"
ABI=$(kernel_abi); OUT="$CACHE/$ABI"
"$BENCH_DIR/build-initramfs.sh" "$BENCH_DIR/guest/systemd/init" initramfs-systemd.cpio.gz
# In the guest: systemd, udev (the package's gpio rule), dbus (systemd-analyze security asks the manager over
# the bus), jq, python3 (the other user's raw connect), e2fsprogs for the disk image.
ensure_packages systemd udev dbus jq python3 e2fsprogs util-linux passwd
if [[ -z "$DEB" ]]; then
    DEB=$(ls -t "$REPO_DIR"/.build/deb/pumpd_*.deb 2>/dev/null | head -n1 || true)
    [[ -n "$DEB" ]] || DEB=$(bash "$REPO_DIR/scripts/build-deb.sh" --out "$REPO_DIR/.build/deb" | tail -n1)
fi
[[ -f "$DEB" ]] || die "no package $DEB"
log "package under test: $DEB"

# Stage (the guest sees the host root, but its /tmp and /run are its own): guest scripts, bench fixtures, .deb.
STAGE=$(mktemp -d "$CACHE/stage-systemd.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
cp -r "$BENCH_DIR/guest" "$STAGE/guest"
cp "$DEB" "$STAGE/pumpd.deb"
DISK=$STAGE/disk.img
truncate -s 384M "$DISK"
mkfs.ext4 -q -F -L pumpbench "$DISK"

start=$(date +%s.%N)
verdict="" status=0
: > "$STAGE/all.log"
for boot in 1 2; do
    LOG=$STAGE/boot$boot.log
    log "boot $boot (timeout ${TIMEOUT}s), serial log: $CACHE/last-systemd-boot$boot.log"
    b0=$(date +%s.%N)
    PUMP_HW_SIM_INITRD="$OUT/initramfs-systemd.cpio.gz" PUMP_HW_SIM_DISK="$DISK" PUMP_HW_SIM_MEM=1536M \
        PUMP_HW_SIM_APPEND="systemd.unit=multi-user.target systemd.show_status=auto" \
        "$BENCH_DIR/boot.sh" "$TIMEOUT" "$STAGE/guest/systemd/scenarios.sh" "$STAGE" > "$LOG" 2>&1 || status=$?
    printf 'boot %d: %.1f s\n' "$boot" "$(echo "$(date +%s.%N) - $b0" | bc)"
    cp "$LOG" "$CACHE/last-systemd-boot$boot.log"
    cat "$LOG" >> "$STAGE/all.log"
    if [[ $status -eq 124 || $status -eq 137 ]]; then
        grep -a -E '^PUMP-BENCH-(RESULT|CHECK|INFO)' "$LOG" | tr -d '\r' || true
        echo "PUMP-BENCH-SYSTEMD: FAIL timeout after ${TIMEOUT}s in boot $boot (see $CACHE/last-systemd-boot$boot.log)"; exit 1
    fi
    grep -aq '^PUMP-BENCH-SYSTEMD-REBOOTING' "$LOG" || break
done
wall=$(echo "$(date +%s.%N) - $start" | bc)
grep -a -E '^PUMP-BENCH-(RESULT|CHECK|INFO)' "$STAGE/all.log" | tr -d '\r' || true
echo
echo "systemd scenario                 verdict"
grep -a '^PUMP-BENCH-TABLE [PF]' "$STAGE/all.log" | tr -d '\r' | awk '{printf "  %-31s %s\n", $3, $2}' || true
verdict=$(grep -a -m1 '^PUMP-BENCH-SYSTEMD: ' "$STAGE/all.log" | tr -d '\r' || true)
printf 'systemd bench wall time (2 boots): %.1f s\n' "$wall"
if [[ -z "$verdict" ]]; then echo "PUMP-BENCH-SYSTEMD: FAIL no verdict (qemu exit $status, see $CACHE/last-systemd-boot*.log)"; exit 1; fi
echo "$verdict"
[[ "$verdict" == "PUMP-BENCH-SYSTEMD: PASS"* ]]
