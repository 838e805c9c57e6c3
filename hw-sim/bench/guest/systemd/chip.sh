#!/bin/bash
# pumpbench-chip.service (before pumpd.service, every boot): creates the bench gpio-sim chip and sets every
# input to its safe level, as a board's GPIO controller exists before its daemon starts. The scenarios find
# it again with find_chip.
set -u
GUEST_DIR=$(cd "$(dirname "$0")/.." && pwd)
source "$GUEST_DIR/setup-chip.sh"
source "$GUEST_DIR/common.sh"
setup_chip || exit 1
reset_pulls
udevadm settle --timeout=30 || true
echo "PUMP-BENCH-INFO chip $CHIP ready at $(cut -d' ' -f1 /proc/uptime) s"
