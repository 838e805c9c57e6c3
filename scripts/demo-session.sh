#!/usr/bin/env bash
# The main job on the simulator: builds pumpd and pumpctl, starts pumpd on the plant simulator at 100× speed (the simulator's maximum) in
# a temporary directory, and runs a short nurse session with pumpctl: program + confirm, status, titrate,
# pause/resume, a snapshot of the live view, completion, and the journal. Stops the daemon at the end.
# Usage: bash scripts/demo-session.sh [SIM_SPEED]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH
SPEED=${1:-100}
swift build --product pumpd >/dev/null
swift build --product pumpctl >/dev/null
BIN=$(swift build --show-bin-path)
WORK=$(mktemp -d /tmp/pumpd-demo.XXXXXX)
GROUP=$(id -gn)
printf 'realtime = false\n' > "$WORK/pumpd.toml"
"$BIN/pumpd" --backend sim --socket "$WORK/pumpd.sock" --state-dir "$WORK/state" --sim-speed "$SPEED" \
  --config "$WORK/pumpd.toml" --control-group "$GROUP" --read-only-group "$GROUP" --socket-group "$GROUP" \
  --log-level warning 2> "$WORK/pumpd.log" &
PUMPD=$!
trap 'kill $PUMPD 2>/dev/null; wait $PUMPD 2>/dev/null; rm -rf "$WORK"' EXIT
export PUMPD_SOCKET="$WORK/pumpd.sock" NO_COLOR=1
for _ in $(seq 1 100); do "$BIN/pumpctl" status >/dev/null 2>&1 && break; sleep 0.1; done
step() { printf '\n$ pumpctl %s\n' "$*"; "$BIN/pumpctl" "$@" || printf '(exit %d)\n' $?; }

echo "pumpd on the simulator at ${SPEED}× (40 virtual minutes take $((2400 / SPEED)) s)"
step start --drug ketamine --profile mood --weight-kg 70 --dose-mg-per-kg 1.2 --duration-min 40 \
  --concentration-mg-per-ml 1 --syringe bd-50 --patient-id DEMO-1 --yes
step start --drug ketamine --profile mood --weight-kg 70 --dose-mg-per-kg 0.5 --duration-min 40 \
  --concentration-mg-per-ml 1 --syringe bd-50 --patient-id DEMO-1 --yes
sleep 3
step status
step titrate --dose-mg-per-kg 0.55 --yes
step pause
sleep 1
step resume
sleep 2
printf '\n$ pumpctl watch   (one frame)\n'
timeout 1 "$BIN/pumpctl" watch 2>/dev/null | tail -n 24 || true
while "$BIN/pumpctl" status --json | grep -q '"state":"running"'; do sleep 1; done
step status
step ack
step log --limit 20
