#!/bin/bash
# Runs the whole gpio-sim bench: (a) kernel + gpio-sim.ko, (b) initramfs, the plant and the programs under
# test (pumpd, pumpctl, gpiod-bench; debug builds), (c) boots the guest, (d) creates the chip, (e) runs the
# scenarios. Prints the guest's result lines, a PASS/FAIL table, the latency figures, one verdict line and
# the boot+test wall time; exits non-zero on any failed check, a missing verdict or a hang (timeout).
# Usage: hw-sim/bench/run.sh [--timeout SECONDS]
source "$(dirname "$0")/lib.sh"
TIMEOUT=290
[[ "${1:-}" == "--timeout" ]] && TIMEOUT=$2
export PATH=/opt/swift/usr/bin:$PATH

"$BENCH_DIR/prepare-kernel.sh"
"$BENCH_DIR/build-initramfs.sh"
ensure_packages jq
mkdir -p "$CACHE/bin"
gcc -O2 -Wall -Wextra -Werror -o "$CACHE/bin/plant.$$" "$BENCH_DIR/plant/plant.c" -lgpiod || die "plant build failed"
mv "$CACHE/bin/plant.$$" "$CACHE/bin/plant"
for product in pumpd pumpctl gpiod-bench; do
    log "swift build --product $product"
    (cd "$REPO_DIR" && swift build --product "$product" 2>&1 | tail -n 3) || die "$product build failed"
done
BUILD_DIR=$(cd "$REPO_DIR" && swift build --show-bin-path)

# The guest mounts fresh tmpfs on /tmp and /run, hiding anything there on the host (CI may clone the repo
# under /tmp). Stage the guest scripts, the binaries and their bundled resources under the cache, which the
# guest sees; one fresh stage per run so concurrent runs cannot swap files under each other.
STAGE=$(mktemp -d "$CACHE/stage.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
cp -r "$BENCH_DIR/guest" "$STAGE/guest"
mkdir "$STAGE/bin"
for product in pumpd pumpctl gpiod-bench; do
    [[ -x "$BUILD_DIR/$product" ]] || die "no $BUILD_DIR/$product"
    cp "$BUILD_DIR/$product" "$STAGE/bin/"
done
cp -r "$BUILD_DIR"/*.resources "$STAGE/bin/" 2>/dev/null || true
cp "$CACHE/bin/plant" "$STAGE/bin/plant"

LOG="$STAGE/run.log"
log "booting the guest (timeout ${TIMEOUT}s), serial log: $CACHE/last-run.log"
start=$(date +%s.%N)
status=0
"$BENCH_DIR/boot.sh" "$TIMEOUT" "$STAGE/guest/scenarios.sh" "$STAGE/bin" "$STAGE/bin/plant" > "$LOG" 2>&1 || status=$?
wall=$(echo "$(date +%s.%N) - $start" | bc)
cp "$LOG" "$CACHE/last-run.log"
grep -a -E '^PUMP-BENCH-(RESULT|CHECK)' "$LOG" | tr -d '\r' || true
echo
echo "scenario                     verdict"
grep -a '^PUMP-BENCH-TABLE [PF]' "$LOG" | tr -d '\r' | awk '{printf "  %-27s %s\n", $3, $2}' || true
grep -a '^PUMP-BENCH-LATENCY' "$LOG" | tr -d '\r' || true
verdict=$(grep -a -m1 '^PUMP-BENCH: ' "$LOG" | tr -d '\r' || true)
printf 'boot+test wall time: %.1f s\n' "$wall"
if [[ $status -eq 124 || $status -eq 137 ]]; then echo "PUMP-BENCH: FAIL timeout after ${TIMEOUT}s (see $CACHE/last-run.log)"; exit 1; fi
if [[ -z "$verdict" ]]; then echo "PUMP-BENCH: FAIL no verdict (qemu exit $status, see $CACHE/last-run.log)"; exit 1; fi
echo "$verdict"
[[ "$verdict" == "PUMP-BENCH: PASS"* ]]
