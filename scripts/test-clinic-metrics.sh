#!/usr/bin/env bash
# Issue 16 item 4, the real peers of pumpd's metrics textfile: Debian's prometheus-node-exporter reads the file
# with its textfile collector, Debian's Prometheus scrapes node_exporter every second and evaluates
# deploy/prometheus/pump-alerts.yml, and pumpd runs on the simulator. The script
#  1. starts an infusion with pumpctl and queries Prometheus's HTTP API (/api/v1/query?query=pump_delivered_ml)
#     until it agrees with `pumpctl status --json`: while running within what the pump delivers between two of
#     its 5-second writes plus a scrape, and exactly once the infusion is paused (the pause writes the file);
#  2. checks that no series in Prometheus carries the patient identifier given at the start;
#  3. presses e-stop and waits for PumpHighPriorityAlarm{code="estop"} to fire in Prometheus itself;
#  4. stops pumpd and waits for PumpUnreachable{cause="pumpd"} (its file older than 30 s) to fire;
#  5. runs `promtool check rules` and `promtool test rules` (the simulated e-stop series and the other rules);
#  6. with --screenshot FILE: saves headless chromium's view of the Prometheus graph page of pump_delivered_ml.
# Everything listens on 127.0.0.1 only, on free ports above the defaults; every wait has a deadline (no fixed
# sleep before an assertion); the whole run is bounded (< 2 min) and its processes are stopped on exit.
# Needs: prometheus, prometheus-node-exporter (scripts/setup-debian.sh), curl, python3; chromium for --screenshot.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH
screenshot=""
if [ "${1:-}" = "--screenshot" ]; then screenshot="$(realpath -m "$2")"; fi
BIN="${PUMP_BIN_DIR:-$(swift build --show-bin-path)}"
for tool in prometheus promtool prometheus-node-exporter curl python3 "$BIN/pumpd" "$BIN/pumpctl"; do
  command -v "$tool" >/dev/null || { echo "test-clinic-metrics: $tool is missing (run scripts/setup-debian.sh and swift build)" >&2; exit 1; }
done
started=$SECONDS
work="$(mktemp -d /tmp/pump-clinic-XXXXXX)"
pids=()
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ $status -ne 0 ]; then
    echo "--- pumpd log"; tail -20 "$work/pumpd.log" 2>/dev/null || true
    echo "--- node_exporter log"; tail -5 "$work/node_exporter.log" 2>/dev/null || true
    echo "--- prometheus log"; tail -10 "$work/prometheus.log" 2>/dev/null || true
    echo "--- metrics file"; cat "$work/metrics/pumpd.prom" 2>/dev/null || true
  fi
  rm -rf "$work"
  exit $status
}
trap cleanup EXIT
trap 'exit 143' TERM INT   # so `timeout` or ^C still runs the cleanup
fail() { echo "test-clinic-metrics FAILED: $*" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.2 s until it succeeds or the deadline passes;
# the whole run also has a budget of 115 s.
budget=115
wait_for() {
  local limit=$1 what=$2; shift 2
  local deadline=$((SECONDS + limit))
  until "$@"; do
    [ $SECONDS -lt $deadline ] || fail "$what (not within ${limit} s)"
    [ $((SECONDS - started)) -lt $budget ] || fail "$what (the run's ${budget} s budget is spent)"
    sleep 0.2
  done
}

speed=20
chair="ci-chair-1"
patient="MRN-CLINIC-4711"
group="$(id -gn)"
mkdir -p "$work/metrics"
ne_port=$(free_port); prom_port=$(free_port)
prom="http://127.0.0.1:$prom_port"
sock="$work/pumpd.sock"

cat > "$work/pumpd.toml" <<TOML
realtime = false
step_timing = "dispatch"
chair = "$chair"
metrics_file = "$work/metrics/unused.prom"
TOML
# --metrics-file overrides the file's metrics_file (the flag is what is tested here).
"$BIN/pumpd" --backend sim --sim-speed "$speed" --state-dir "$work/state" --socket "$sock" --allow-root \
  --control-group "$group" --read-only-group "$group" --socket-group "$group" --config "$work/pumpd.toml" \
  --metrics-file "$work/metrics/pumpd.prom" --log-level warning 2>"$work/pumpd.log" &
pids+=($!)

prometheus-node-exporter --web.listen-address="127.0.0.1:$ne_port" --collector.disable-defaults \
  --collector.textfile --collector.textfile.directory="$work/metrics" >"$work/node_exporter.log" 2>&1 &
pids+=($!)

cp deploy/prometheus/pump-alerts.yml "$work/"
cat > "$work/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [pump-alerts.yml]
scrape_configs:
  - job_name: pump-chairs
    honor_labels: true
    scrape_timeout: 900ms
    static_configs:
      - targets: ["127.0.0.1:$ne_port"]
        labels: {chair: $chair}
YAML
promtool check config "$work/prometheus.yml" >/dev/null
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address="127.0.0.1:$prom_port" --log.level=warn >"$work/prometheus.log" 2>&1 &
pids+=($!)

ctl() { "$BIN/pumpctl" --socket "$sock" "$@"; }
# status_field KEY: one field of `pumpctl status --json`.
status_field() { ctl status --json | python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
# prom_value QUERY: the single sample's value (empty when the result is empty).
prom_value() {
  curl -sf --max-time 2 "$prom/api/v1/query" --data-urlencode "query=$1" \
    | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if len(r)==1 else "")'
}
has_value() { [ -n "$(prom_value "$1" 2>/dev/null)" ]; }

wait_for 20 "pumpd answers on its socket" sh -c "\"$BIN/pumpctl\" --socket \"$sock\" status >/dev/null 2>&1"
wait_for 30 "Prometheus scrapes pump_info of $chair through node_exporter" has_value "pump_info{chair=\"$chair\"}"
[ "$(prom_value "pump_state{chair=\"$chair\",state=\"idle\"}")" = 1 ] || fail "Prometheus does not show $chair idle"

ctl start --drug ketamine --profile mood --weight-kg 70 --dose-mg-per-kg 0.5 --duration-min 40 \
  --concentration-mg-per-ml 1 --syringe bd-50 --patient-id "$patient" --yes >/dev/null
wait_for 20 "pumpd reports running" sh -c "[ \"\$(\"$BIN/pumpctl\" --socket \"$sock\" status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"state\"])')\" = running ]"

# Running: Prometheus lags pumpctl by at most one 5-second write interval plus a scrape (and the query's own
# delay), so the values agree within what the pump delivers in that time. The start's own write shows a few
# microlitres; a later, larger value proves the periodic write reaches Prometheus during the infusion.
rate_ml_per_h=$(status_field rate_ml_per_h)
is_one() { [ "$(prom_value "$1" 2>/dev/null)" = 1 ]; }
wait_for 20 "Prometheus shows $chair running (the start's write)" is_one "pump_state{chair=\"$chair\",state=\"running\"}"
first=$(prom_value "pump_delivered_ml{chair=\"$chair\"}")
close_while_running() {
  local p s
  p=$(prom_value "pump_delivered_ml{chair=\"$chair\"}") || return 1
  s=$(status_field delivered_ml) || return 1
  [ -n "$p" ] || return 1
  python3 - "$p" "$s" "$rate_ml_per_h" "$speed" "$first" "$minimum" <<'PY'
import sys
p, s, rate, speed, first, minimum = (float(x) for x in sys.argv[1:])
window = rate / 3600 * speed * (5 + 2 + 1)   # mL in one write interval + two scrapes + slack, real seconds
sys.exit(0 if p > first and p >= minimum and s >= p and s - p <= window else 1)
PY
}
# For the screenshot the infusion runs until Prometheus holds a few writes' worth of the ramp.
minimum=0; [ -z "$screenshot" ] || minimum=4
wait_for 45 "Prometheus's pump_delivered_ml follows pumpctl status while running" close_while_running
echo "running: Prometheus pump_delivered_ml=$(prom_value "pump_delivered_ml{chair=\"$chair\"}") mL, pumpctl status delivered_ml=$(status_field delivered_ml) mL (start's write: $first mL)"

# Paused: the pause writes the file at once and the amount stands still, so the values become equal.
paused_at=$(date +%s%N)
ctl pause >/dev/null
file_paused() { grep -q "pump_state{chair=\"$chair\",state=\"paused\"} 1.0" "$work/metrics/pumpd.prom" 2>/dev/null; }
wait_for 10 "the pause rewrites the metrics file" file_paused
echo "pause: metrics file rewritten $(( ($(date +%s%N) - paused_at) / 1000000 )) ms after pumpctl pause was sent (incl. pumpctl); $(wc -c < "$work/metrics/pumpd.prom") bytes"
equal_when_paused() {
  local p s
  p=$(prom_value "pump_delivered_ml{chair=\"$chair\"}") || return 1
  s=$(status_field delivered_ml) || return 1
  python3 -c "import sys; sys.exit(0 if abs(float('$p') - float('$s')) <= 1e-9 * max(1, abs(float('$s'))) else 1)"
}
wait_for 20 "Prometheus's pump_delivered_ml equals pumpctl status once paused" equal_when_paused
[ "$(prom_value "pump_state{chair=\"$chair\",state=\"paused\"}")" = 1 ] || fail "Prometheus does not show $chair paused"
delivered=$(status_field delivered_ml)
echo "paused: Prometheus pump_delivered_ml = pumpctl status delivered_ml = $delivered mL"
for key in target_ml delivered_mg; do
  metric="pump_${key}"
  p=$(prom_value "$metric{chair=\"$chair\"}"); s=$(status_field "$key")
  python3 -c "import sys; sys.exit(0 if abs(float('$p') - float('$s')) <= 1e-9 * max(1, abs(float('$s'))) else 1)" \
    || fail "$metric is $p in Prometheus but $key is $s in pumpctl status"
done

# No patient identifier in any series Prometheus holds for the chair.
series=$(curl -sf --max-time 5 "$prom/api/v1/series" --data-urlencode "match[]={chair=\"$chair\"}")
echo "$series" | grep -q pump_delivered_ml || fail "the series list is empty"
if echo "$series" | grep -q "$patient"; then fail "a series carries the patient identifier"; fi

# E-stop: the high-priority alert fires in Prometheus from the real scrape.
ctl estop >/dev/null || true
wait_for 30 "PumpHighPriorityAlarm fires for the e-stop" \
  has_value "ALERTS{alertname=\"PumpHighPriorityAlarm\",alertstate=\"firing\",chair=\"$chair\",code=\"estop\"}"
echo "e-stop: PumpHighPriorityAlarm{chair=\"$chair\",code=\"estop\"} firing in Prometheus"

if [ -n "$screenshot" ]; then
  command -v chromium >/dev/null || fail "chromium is missing (apt-get install chromium)"
  mkdir -p "$(dirname "$screenshot")"
  url="$prom/graph?g0.expr=pump_delivered_ml&g0.tab=0&g0.range_input=1m&g1.expr=pump_alarm_active%20%3D%3D%201&g1.tab=1"
  timeout 60 chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars --window-size=1400,1250 \
    --virtual-time-budget=8000 --user-data-dir="$work/chromium" --screenshot="$screenshot" "$url" >/dev/null 2>&1 \
    || fail "chromium could not take the screenshot"
  [ -s "$screenshot" ] || fail "no screenshot written"
  echo "screenshot: $screenshot"
fi

# The PumpUnreachable rule's selector matches what node_exporter really exports for the file, and the rule fires
# once pumpd has stopped rewriting it for 30 s (pumpd stopped with SIGTERM: the file stays, and ages).
has_value "node_textfile_mtime_seconds{chair=\"$chair\",file=~\"(.*/)?pumpd\\\\.prom\"}" \
  || fail "node_exporter exports no node_textfile_mtime_seconds for pumpd.prom"
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true
stopped_at=$SECONDS
wait_for 60 "PumpUnreachable fires after pumpd stopped" \
  has_value "ALERTS{alertname=\"PumpUnreachable\",alertstate=\"firing\",chair=\"$chair\",cause=\"pumpd\"}"
echo "pumpd stopped: PumpUnreachable{cause=\"pumpd\"} firing $((SECONDS - stopped_at)) s later"

promtool check rules deploy/prometheus/pump-alerts.yml
(cd deploy/prometheus && promtool check config prometheus.yml >/dev/null && promtool test rules pump-alerts.test.yml)
echo "test-clinic-metrics: PASS in $((SECONDS - started)) s"
