#!/usr/bin/env bash
# The long power-loss campaign on demand: kill -9 of the real pumpd at KILLS (default 1000) seeded random points
# across infusions, each followed by a restart (hw-sim/scenarios/haz010-power-loss-campaign.toml sets the seed,
# speed and delays; CI runs the same test with the file's 20 kills). Prints one `power-loss-result` line.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH
KILLS="${1:-1000}"
swift build --build-tests
export PUMP_BIN_DIR="$(swift build --show-bin-path)"
PUMP_POWER_LOSS_KILLS="$KILLS" swift test --skip-build --filter powerLossCampaign 2>&1 | tee .build/power-loss-campaign.log \
  | grep -E "power-loss-result|passed|failed|error|violated"
