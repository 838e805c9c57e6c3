#!/bin/bash
# Guest side of the bench (runs in the chroot over the host root). Usage: scenarios.sh BIN_DIR PLANT_BIN
# BIN_DIR holds pumpd, pumpctl, gpiod-bench and the bundled library resources. Creates the bench chip, runs
# the driver-level scenarios (gpiod-bench) and the daemon scenarios (pumpd --backend gpiod driven by
# pumpctl), each with a fresh plant; prints one `PUMP-BENCH-RESULT PASS|FAIL [scenario] ...` line per
# scenario, `PUMP-BENCH-LATENCY` lines and a final verdict `PUMP-BENCH: PASS|FAIL ...`. Times are
# CLOCK_MONOTONIC, shared by the plant and the programs under test.
set -u
BIN=$1 PLANT=$2
GUEST_DIR=$(cd "$(dirname "$0")" && pwd)
BENCH=$BIN/gpiod-bench PUMPD=$BIN/pumpd PUMPCTL=$BIN/pumpctl
# Scenarios in NOT_IN_VERDICT are run and reported, marked (not-in-verdict), but do not decide the verdict:
# new sensor scenarios that do not pass reliably yet (see hw-sim/bench/README.md).
NOT_IN_VERDICT=${NOT_IN_VERDICT-pumpd-encoder-complete pumpd-stall pumpd-encoder-dead pumpd-occlusion-force pumpd-pressure-silent sensitivity-stall-without-encoder}
source "$GUEST_DIR/setup-chip.sh"
source "$GUEST_DIR/common.sh"
setup_chip || { echo "PUMP-BENCH: FAIL setup"; exit 1; }
echo "PUMP-BENCH-INFO chip=$CHIP sim=$SIMDEV"

source "$GUEST_DIR/driver-scenarios.sh"
source "$GUEST_DIR/pumpd-scenarios.sh"
# The sensor scenarios (encoder, driver fault): PUMP_BENCH_SENSORS=0 leaves them out. The load-cell
# scenarios cannot pass under TCG (see hw-sim/bench/README.md) and run only with PUMP_BENCH_PRESSURE=1.
[[ ${PUMP_BENCH_SENSORS:-1} == 1 ]] && source "$GUEST_DIR/sensor-scenarios.sh"
[[ ${PUMP_BENCH_PRESSURE:-0} == 1 ]] && source "$GUEST_DIR/pressure-scenarios.sh"
source "$GUEST_DIR/silence-scenarios.sh"

echo "PUMP-BENCH-TABLE ---------------------------------------"
for r in "${RESULTS[@]}"; do echo "PUMP-BENCH-TABLE $r"; done
if ((${#FAILED[@]})); then
    echo "PUMP-BENCH: FAIL ${FAILED[*]}"
    exit 1
fi
echo "PUMP-BENCH: PASS scenarios=${#RESULTS[@]}"
