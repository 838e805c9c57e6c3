#!/usr/bin/env bash
# Real-peer test of pump-hl7-bridge (issue 16 item 4): pumpd on the simulator, the bridge on 127.0.0.1 (a free
# port), an infusion started with pumpctl, and ORU^R01 messages sent by the PyPI `hl7` package's `mllp_send`
# client (scripts/setup-debian.sh installs it). Checks:
#   1. an in-range reading is accepted (ACK AA) and shows in `pumpctl status --json` with source monitor;
#   2. 186/104 mmHg is accepted and the vital-sign interlock stops the infusion (state alarm, motor off, the
#      delivered volume stops growing);
#   3. a malformed message, a duplicate control id and an older reading get a NAK and change nothing;
#   4. another bed's message gets AR.
# Bounded: every client call has a timeout and the whole script is run under `timeout` by test-all.sh; all
# processes it starts are stopped by their pid on exit. Prints "N passed, M failed"; exits non-zero on a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH
BIN="${PUMP_BIN_DIR:-$(swift build --show-bin-path)}"
for tool in pumpd pumpctl pump-hl7-bridge; do
  [ -x "$BIN/$tool" ] || { echo "test-hl7-bridge: $BIN/$tool is missing; run swift build first" >&2; exit 1; }
done
python3 -c 'import hl7.client' 2>/dev/null || {
  echo "test-hl7-bridge: the python 'hl7' package is missing; run scripts/setup-debian.sh (pip install hl7)" >&2; exit 1; }
SCRIPTS="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')"
if [ -x "$SCRIPTS/mllp_send" ]; then MLLP_SEND=("$SCRIPTS/mllp_send"); else MLLP_SEND=(python3 -m hl7.client); fi

WORK="$(mktemp -d /tmp/pump-hl7-test.XXXXXX)"
PUMPD_PID=""; BRIDGE_PID=""
cleanup() {
  for pid in $BRIDGE_PID $PUMPD_PID; do kill "$pid" 2>/dev/null || true; done
  for pid in $BRIDGE_PID $PUMPD_PID; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

passed=0; failed=0
check() {  # check NAME CONDITION-COMMAND...
  local name="$1"; shift
  if "$@"; then passed=$((passed + 1)); echo "ok   $name"; else failed=$((failed + 1)); echo "FAIL $name"; fi
}

GROUP="$(id -gn)"
SOCK="$WORK/pumpd.sock"
printf 'realtime = false\n' > "$WORK/pumpd.toml"
"$BIN/pumpd" --backend sim --sim-speed 10 --socket "$SOCK" --state-dir "$WORK/state" --config "$WORK/pumpd.toml" \
  --control-group "$GROUP" --read-only-group "$GROUP" --socket-group "$GROUP" --allow-root --log-level warning \
  2> "$WORK/pumpd.log" &
PUMPD_PID=$!
ctl() { "$BIN/pumpctl" --socket "$SOCK" "$@"; }
status_json() { ctl status --json; }
field() {  # field PYTHON-EXPRESSION-ON-s  (reads status --json)
  status_json | python3 -c "import json,sys; s=json.load(sys.stdin); print(*[f'{v:.10g}' if isinstance(v, float) else v for v in (lambda *a: a)($1)])"
}
for _ in $(seq 1 200); do ctl status >/dev/null 2>&1 && break; sleep 0.1; done
ctl status >/dev/null || { echo "pumpd did not come up:"; cat "$WORK/pumpd.log"; exit 1; }

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
printf 'listen = "127.0.0.1:%s"\nsocket = "%s"\nbed = "CHAIR2"\n' "$PORT" "$SOCK" > "$WORK/hl7-bridge.toml"
"$BIN/pump-hl7-bridge" --config "$WORK/hl7-bridge.toml" > "$WORK/bridge.out" 2> "$WORK/bridge.log" &
BRIDGE_PID=$!
for _ in $(seq 1 200); do grep -q listening "$WORK/bridge.out" 2>/dev/null && break; sleep 0.1; done
grep -q listening "$WORK/bridge.out" || { echo "the bridge did not come up:"; cat "$WORK/bridge.log"; exit 1; }

BASE="$(date -u +%s)"   # observation times count up from 2 minutes ago
stamp() { date -u -d "@$((BASE - 120 + $1))" +%Y%m%d%H%M%S+0000; }
# oru CONTROL-ID SECONDS SBP DBP HR SPO2 [BED]: one ORU^R01, segments joined by CR (SPO2 "-": no SpO2 OBX).
oru() {
  local t; t="$(stamp "$2")"
  printf 'MSH|^~\\&|MONITOR|CLINIC|PUMP|CHAIR2|%s||ORU^R01^ORU_R01|%s|P|2.5\r' "$t" "$1"
  printf 'PID|1||PAT-17^^^CLINIC^MR||Doe^Jane\rPV1|1|O|KETAMINE^^%s\rOBR|1|||VITALS^Vital signs|||%s\r' "${7:-CHAIR2}" "$t"
  printf 'OBX|1|NM|8480-6^Systolic blood pressure^LN||%s|mm[Hg]^^UCUM|||||F\r' "$3"
  printf 'OBX|2|NM|8462-4^Diastolic blood pressure^LN||%s|mm[Hg]^^UCUM|||||F\r' "$4"
  printf 'OBX|3|NM|8867-4^Heart rate^LN||%s|/min^^UCUM|||||F\r' "$5"
  [ "$6" = - ] || printf 'OBX|4|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC||%s|262688^MDC_DIM_PERCENT^MDC|||||F\r' "$6"
}
# send FILE-STEM: sends $WORK/STEM.hl7 with mllp_send and leaves the ACK in $WORK/STEM.ack, one segment per line.
send() {
  printf '\x1c' >> "$WORK/$1.hl7"   # mllp_send reads messages separated by the MLLP end block
  timeout 20 "${MLLP_SEND[@]}" --file "$WORK/$1.hl7" -p "$PORT" 127.0.0.1 | tr '\r\013\034' '\n\n\n' > "$WORK/$1.ack"
}
ack_code() { grep -a '^MSA|' "$WORK/$1.ack" | head -1 | cut -d'|' -f2; }
ack_text() { grep -a '^MSA|' "$WORK/$1.ack" | head -1 | cut -d'|' -f4; }
equals() { [ "$1" = "$2" ] || { echo "     expected '$2', got '$1'"; return 1; }; }

# 1. An in-range reading before the start: AA, and status shows it with source monitor.
oru V1 0 122 76 70 98 > "$WORK/v1.hl7"; send v1
check "in-range reading answered AA" equals "$(ack_code v1)" AA
check "status shows the monitor's reading" equals "$(field "s['vitals']['source'], s['vitals']['sbp_mmhg'], s['vitals']['dbp_mmhg']")" "monitor 122 76"
ctl start --drug ketamine --profile mood --weight-kg 70 --dose-mg-per-kg 0.5 --duration-min 40 \
  --concentration-mg-per-ml 1 --syringe bd-50 --yes > /dev/null
check "the infusion runs" equals "$(field "s['state']")" running
oru V2 10 124 78 72 97 > "$WORK/v2.hl7"; send v2
check "a second in-range reading during the infusion is AA" equals "$(ack_code v2)" AA
check "the infusion still runs" equals "$(field "s['state'], s['vitals']['sbp_mmhg']")" "running 124"

R1="$(field "s['delivered_ml']")"; sleep 1; R2="$(field "s['delivered_ml']")"
check "delivery progresses while running ($R1 then $R2 mL)" python3 -c "import sys; sys.exit(not $R2 > $R1)"

# 2. 186/104 mmHg: accepted, and the interlock stops delivery.
oru V3 20 186 104 96 97 > "$WORK/v3.hl7"; send v3
check "186/104 answered AA (pumpd took the reading)" equals "$(ack_code v3)" AA
check "the AA says the interlock paused the infusion" grep -q paused <(ack_text v3)
check "the interlock stopped the infusion" equals \
  "$(field "s['state'], s['motor_enabled'], any(a['code'] == 'vitals-out-of-range' for a in s['alarms'])")" "alarm False True"
D1="$(field "s['delivered_ml']")"; sleep 2; D2="$(field "s['delivered_ml']")"
check "delivery stopped (delivered $D1 then $D2 mL)" equals "$D2" "$D1"

# 3. Refused without touching the pump: malformed, duplicate control id, older reading.
BEFORE="$(field "s['state'], s['delivered_ml'], s['vitals']['sbp_mmhg'], s['vitals']['measured_at'], len(s['alarms'])")"
printf 'this is not an HL7 message' > "$WORK/bad1.hl7"; send bad1
check "a non-HL7 message is AE" equals "$(ack_code bad1)" AE
oru BAD2 30 120 80 70 98 | sed 's/|120|mm/|12\\Q\\0|mm/' > "$WORK/bad2.hl7"; send bad2
check "a bad escape sequence is AE" equals "$(ack_code bad2)" AE
oru BAD3 30 16 10 70 98 | sed 's/mm\[Hg\]/kPa/g' > "$WORK/bad3.hl7"; send bad3
check "wrong units (kPa) are AE" equals "$(ack_code bad3)" AE
oru V4 40 120 80 70 - > "$WORK/bad4.hl7"; send bad4
check "a set without SpO2 is AE" equals "$(ack_code bad4)" AE
oru V3 50 120 80 70 98 > "$WORK/dup.hl7"; send dup
check "a repeated control id is AR" equals "$(ack_code dup)" AR
oru V5 5 120 80 70 98 > "$WORK/old.hl7"; send old
check "a reading older than the last accepted one is AR" equals "$(ack_code old)" AR
check "the refused messages changed nothing" equals \
  "$(field "s['state'], s['delivered_ml'], s['vitals']['sbp_mmhg'], s['vitals']['measured_at'], len(s['alarms'])")" "$BEFORE"

# 4. Another bed: AR, nothing forwarded.
oru W1 60 120 80 70 98 CHAIR3 > "$WORK/bed.hl7"; send bed
check "another bed's message is AR" equals "$(ack_code bed)" AR
check "the AR names the bed" grep -aq "CHAIR3" <(ack_text bed)
check "still nothing changed" equals \
  "$(field "s['state'], s['delivered_ml'], s['vitals']['sbp_mmhg'], s['vitals']['measured_at'], len(s['alarms'])")" "$BEFORE"

echo "test-hl7-bridge: $passed passed, $failed failed"
if [ "$failed" -ne 0 ]; then
  echo "--- bridge log"; cat "$WORK/bridge.log"; echo "--- pumpd log"; cat "$WORK/pumpd.log"
  exit 1
fi
