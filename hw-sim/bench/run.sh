#!/bin/bash
# Runs the whole gpio-sim bench: (a) kernel + gpio-sim.ko, (b) initramfs, the plant and the bench program,
# (c) boots the guest, (d) creates the chip, (e) runs the scenarios. Prints the guest's result lines, one
# verdict line and the boot+test wall time; exits non-zero on any failure or a hang (timeout).
# Usage: hw-sim/bench/run.sh [--timeout SECONDS]
source "$(dirname "$0")/lib.sh"
TIMEOUT=240
[[ "${1:-}" == "--timeout" ]] && TIMEOUT=$2
export PATH=/opt/swift/usr/bin:$PATH

"$BENCH_DIR/prepare-kernel.sh"
"$BENCH_DIR/build-initramfs.sh"
ABI=$(kernel_abi); OUT="$CACHE/$ABI"
mkdir -p "$CACHE/bin"
gcc -O2 -Wall -Wextra -Werror -o "$CACHE/bin/plant" "$BENCH_DIR/plant/plant.c" -lgpiod || die "plant build failed"
log "swift build --product gpiod-bench"
(cd "$REPO_DIR" && swift build --product gpiod-bench 2>&1 | tail -n 3) || die "gpiod-bench build failed"
BENCH_BIN="$REPO_DIR/.build/debug/gpiod-bench"
[[ -x "$BENCH_BIN" ]] || die "no $BENCH_BIN"

# The guest mounts fresh tmpfs on /tmp and /run, hiding anything there on the host (CI may clone the repo
# under /tmp). Stage the guest scripts and the bench program under the cache, which the guest sees.
STAGE="$CACHE/stage"
rm -rf "$STAGE" && mkdir -p "$STAGE"
cp -r "$BENCH_DIR/guest" "$STAGE/guest"
cp "$BENCH_BIN" "$STAGE/gpiod-bench"
BENCH_BIN="$STAGE/gpiod-bench"

LOG="$CACHE/last-run.log"
log "booting the guest (timeout ${TIMEOUT}s), serial log: $LOG"
start=$(date +%s.%N)
"$BENCH_DIR/boot.sh" "$TIMEOUT" "$STAGE/guest/scenarios.sh" "$BENCH_BIN" "$CACHE/bin/plant" > "$LOG" 2>&1
status=$?
wall=$(echo "$(date +%s.%N) - $start" | bc)
grep -E '^PUMP-BENCH-(RESULT|CHECK)' "$LOG" | tr -d '\r'
verdict=$(grep -a -m1 '^PUMP-BENCH: ' "$LOG" | tr -d '\r')
printf 'boot+test wall time: %.1f s\n' "$wall"
if [[ $status -eq 124 || $status -eq 137 ]]; then echo "PUMP-BENCH: FAIL timeout after ${TIMEOUT}s"; exit 1; fi
if [[ -z "$verdict" ]]; then echo "PUMP-BENCH: FAIL no verdict (qemu exit $status, see $LOG)"; exit 1; fi
echo "$verdict"
[[ "$verdict" == "PUMP-BENCH: PASS"* ]]
