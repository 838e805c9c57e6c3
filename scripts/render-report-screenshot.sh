#!/usr/bin/env bash
# Reproduces docs/images/report.png and docs/report-sample.html from a real simulated session:
# pumpd on the plant simulator (60× speed, SCHED_FIFO, simulated patient monitor) runs a 0.8 mg/kg ketamine
# program with an override reason, a nurse-entered vital-sign set, a titration, an occlusion that is released,
# acknowledged and resumed, and runs to completion; `pumpctl report` writes the HTML, and headless Chromium
# prints it on A4 (print-to-pdf), whose first page pdftoppm turns into a 150 dpi PNG (1240×1754 px).
# Needs root for apt (chromium, poppler-utils) and for SCHED_FIFO. Takes about a minute.
# Usage: bash scripts/render-report-screenshot.sh [SIM_SPEED]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH
SPEED=${1:-60}
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
if [ ${#need[@]} -gt 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"; fi
swift build --product pumpd >/dev/null
swift build --product pumpctl >/dev/null
BIN=$(swift build --show-bin-path)
WORK=$(mktemp -d /tmp/pumpd-report.XXXXXX)
GROUP=$(id -gn)
# SCHED_FIFO keeps the control loop's heartbeat on time on a busy machine; the simulated monitor reports
# vital signs every 2 virtual minutes.
printf 'realtime = true\nsim_vitals = true\nsim_vitals_interval_s = 120\n' > "$WORK/pumpd.toml"
"$BIN/pumpd" --backend sim --socket "$WORK/pumpd.sock" --state-dir "$WORK/state" --sim-speed "$SPEED" \
  --config "$WORK/pumpd.toml" --control-group "$GROUP" --read-only-group "$GROUP" --socket-group "$GROUP" \
  --log-level warning 2> "$WORK/pumpd.log" &
PUMPD=$!
trap 'kill $PUMPD 2>/dev/null; wait $PUMPD 2>/dev/null; rm -rf "$WORK"' EXIT
export PUMPD_SOCKET="$WORK/pumpd.sock" NO_COLOR=1 TZ=${TZ:-Europe/Zurich}
ctl() { "$BIN/pumpctl" "$@" >/dev/null; }
for _ in $(seq 1 100); do "$BIN/pumpctl" status >/dev/null 2>&1 && break; sleep 0.1; done
# Virtual minutes → real seconds at this speed.
wait_min() { sleep "$(awk -v m="$1" -v s="$SPEED" 'BEGIN { printf "%.2f", m * 60 / s }')"; }

ctl vitals --sbp 126 --dbp 79 --hr 71 --spo2 98
ctl start --drug ketamine --profile mood --weight-kg 72 --height-cm 178 --dose-mg-per-kg 0.8 --duration-min 40 \
  --concentration-mg-per-ml 2 --syringe bd-50 --patient-id DEMO-07 \
  --override-reason "Clinician order: partial response to 0.5 mg/kg in sessions 1-3" --yes
wait_min 9
ctl titrate --dose-mg-per-kg 0.75 --override-reason "Dose reduced after dissociation score 3" --yes
wait_min 6
ctl sim inject occlusion
while ! "$BIN/pumpctl" status --json | grep -q '"state":"alarm"'; do sleep 0.2; done
wait_min 2
ctl sim inject occlusion-release
"$BIN/pumpctl" status | sed -n '/Alarms/,$p'
ctl ack
ctl vitals --sbp 138 --dbp 86 --hr 78 --spo2 97
ctl resume
while "$BIN/pumpctl" status --json | grep -q '"state":"running"'; do sleep 0.5; done
wait_min 4
ctl ack || true
"$BIN/pumpctl" status
"$BIN/pumpctl" sessions
"$BIN/pumpctl" report --output docs/report-sample.html
"$BIN/pumpctl" report --format csv --output docs/report-sample.csv
"$BIN/pumpctl" report --format json --output docs/report-sample.json
chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer --print-to-pdf="$WORK/report.pdf" \
  "file://$PWD/docs/report-sample.html" 2>/dev/null
pdfinfo "$WORK/report.pdf" | grep -E 'Pages|Page size'
pdftoppm -r 150 -f 1 -l 1 -png -singlefile "$WORK/report.pdf" docs/images/report
ls -l docs/images/report.png docs/report-sample.html
