#!/usr/bin/env bash
# On-demand load test (docs/fuzzing-and-load.md): pumpd on the simulator at real speed, one infusion without
# and one with 100 concurrent clients polling status and sending invalid commands; compares the step emitter's
# p50/p99 lateness (within 10 % or a small absolute floor) and checks that nothing changed.
#   bash scripts/load-test.sh [SECONDS_PER_RUN]   (default 30; PUMP_LOAD_INTERVAL_MS=0 hammers)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH
swift build --build-tests
export PUMP_BIN_DIR="$(swift build --show-bin-path)"
PUMP_LOAD_TIMING=1 PUMP_LOAD_SECONDS="${1:-30}" swift test --skip-build --filter LoadTests
