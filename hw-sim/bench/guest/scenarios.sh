#!/bin/bash
# Guest side of the bench (runs in the chroot over the host root). Usage: scenarios.sh BENCH_BIN PLANT_BIN
# Creates the bench chip, runs every scenario with a fresh plant, prints one `PUMP-BENCH-RESULT` line per
# scenario and a final verdict line `PUMP-BENCH: PASS|FAIL ...`. Times are CLOCK_MONOTONIC, shared by the
# plant and the bench program.
set -u
BENCH=$1 PLANT=$2
source "$(dirname "$0")/setup-chip.sh"
setup_chip || { echo "PUMP-BENCH: FAIL setup"; exit 1; }
echo "PUMP-BENCH-INFO chip=$CHIP sim=$SIMDEV"

FAILED=()
SCENARIO=""
fail() { echo "PUMP-BENCH-CHECK FAIL [$SCENARIO] $*"; FAILED+=("$SCENARIO:$1"); }
# kv FILE PREFIX KEY: the value of KEY= on the first line starting with PREFIX.
kv() { grep -m1 "^$2" "$1" | tr ' ' '\n' | sed -n "s/^$3=//p" | head -n1 | tr -d '"'; }
# expect NAME ACTUAL OP EXPECTED  (OP: -eq -ne -lt -le -gt -ge)
expect() {
    local name=$1 actual=$2 op=$3 want=$4
    if [[ -z "$actual" ]] || ! [[ "$actual" =~ ^-?[0-9]+$ ]] || ! [ "$actual" "$op" "$want" ]; then
        fail "$name" "($name=$actual, expected $op $want)"
    fi
}

# The hardware's pulls: ENABLE (active low) pulled up = disabled, SLEEP (active low) pulled down = asleep,
# STEP/DIR pulled down; every switch at its safe level (pulls down: e-stop released, syringe present and
# plunger clamped (active low), no end of travel, no occlusion).
reset_pulls() {
    local l
    for l in "${BENCH_LINES[@]}"; do set_pull "$l" down; done
    set_pull pump-enable up
}

# start_plant [PLANT ARGS...]: a fresh plant following STEP/DIR/ENABLE.
start_plant() {
    rm -f /tmp/plant.ready /tmp/plant.out
    "$PLANT" --chip "$CHIP" --ready-file /tmp/plant.ready "$@" > /tmp/plant.out 2>&1 &
    PLANT_PID=$!
    for _ in $(seq 100); do [[ -s /tmp/plant.ready ]] && return 0; sleep 0.02; done
    fail plant-start "(plant not ready)"; return 1
}
stop_plant() { sleep 0.1; kill -TERM "$PLANT_PID" 2>/dev/null; wait "$PLANT_PID" 2>/dev/null; cat /tmp/plant.out; }

# Checks every run shares: no step while disabled, ENABLE de-asserted before start and at the end, the
# program de-asserted it itself before closing, and the line is at its pull (disabled) afterwards.
common_checks() {
    local P=/tmp/plant.out B=/tmp/bench.out
    expect steps_while_disabled "$(kv $P PLANT steps_disabled)" -eq 0
    expect enable_before_start "$(kv $P PLANT enable_initial)" -eq 0
    expect enable_at_end "$(kv $P PLANT enable_final)" -eq 0
    expect enable_line_is_pull "$(line_value pump-enable)" -eq 1
    expect step_line_low "$(line_value pump-step)" -eq 0
    local off close; off=$(kv $P PLANT last_enable_off_ns); close=$(kv $B "BENCH close_ns" close_ns)
    if [[ -n "$close" ]]; then expect enable_off_before_close "$off" -lt "$close"; fi
}

result() { echo "PUMP-BENCH-RESULT [$SCENARIO] $*"; }

# ---- 1. exact step count, infuse ------------------------------------------------------------------------
SCENARIO=steps
reset_pulls; start_plant
N=2000
timeout 30 "$BENCH" run --chip "$CHIP" --count $N --rate 2000 > /tmp/bench.out 2>&1
echo "bench exit $?"; cat /tmp/bench.out; stop_plant
expect plant_steps "$(kv /tmp/plant.out PLANT steps)" -eq $N
expect bench_steps "$(kv /tmp/bench.out 'BENCH done' backend_steps)" -eq $N
expect infuse_steps "$(kv /tmp/plant.out PLANT steps_infuse)" -eq $N
expect enable_on_edges "$(kv /tmp/plant.out PLANT enable_on_edges)" -eq 1
expect enable_off_edges "$(kv /tmp/plant.out PLANT enable_off_edges)" -eq 1
expect enable_to_first_step_ns "$(kv /tmp/plant.out PLANT enable_to_step_min_ns)" -ge 2000000
common_checks
result "commanded=$N counted=$(kv /tmp/plant.out PLANT steps) enable_to_first_step_ns=$(kv /tmp/plant.out PLANT enable_to_step_min_ns)"

# ---- 2. direction: DIR set before the first step of each direction ----------------------------------------
SCENARIO=direction
reset_pulls; start_plant
timeout 30 "$BENCH" run --chip "$CHIP" --count 300 --retract-count 200 --rate 1000 > /tmp/bench.out 2>&1
echo "bench exit $?"; cat /tmp/bench.out; stop_plant
expect infuse_steps "$(kv /tmp/plant.out PLANT steps_infuse)" -eq 300
expect retract_steps "$(kv /tmp/plant.out PLANT steps_retract)" -eq 200
expect dir_setup_ns "$(kv /tmp/plant.out PLANT dir_setup_min_ns)" -ge 1000
common_checks
result "infuse=$(kv /tmp/plant.out PLANT steps_infuse) retract=$(kv /tmp/plant.out PLANT steps_retract) dir_setup_min_ns=$(kv /tmp/plant.out PLANT dir_setup_min_ns)"

# ---- 3. a step within the 2 ms settle time is refused and ENABLE dropped ----------------------------------
SCENARIO=settle
reset_pulls; start_plant
timeout 30 "$BENCH" settle --chip "$CHIP" > /tmp/bench.out 2>&1
echo "bench exit $?"; cat /tmp/bench.out; stop_plant
grep -q 'refusal=.*settling' /tmp/bench.out || fail step_refused "(no settle refusal)"
expect plant_steps_warmup_only "$(kv /tmp/plant.out PLANT steps)" -eq 1
expect enable_on_edges "$(kv /tmp/plant.out PLANT enable_on_edges)" -eq 2
expect enable_off_edges "$(kv /tmp/plant.out PLANT enable_off_edges)" -eq 2
common_checks
result "refused=yes steps=$(kv /tmp/plant.out PLANT steps) (1 warm-up step)"

# ---- 4. e-stop input edge: ENABLE off, steps stop ----------------------------------------------------------
SCENARIO=estop
reset_pulls; start_plant --pull "$SIMDEV/sim_gpio$(line_offset estop)/pull" pull-up --after-steps 500
timeout 30 "$BENCH" run --chip "$CHIP" --count 100000 --rate 1000 --stop-on-event > /tmp/bench.out 2>&1
echo "bench exit $?"; cat /tmp/bench.out; stop_plant
P=/tmp/plant.out; B=/tmp/bench.out
grep -q 'event=emergencyStopPressed' $B || fail estop_event "(no emergencyStopPressed event)"
grep -q 'estop_input=true' $B || fail estop_input "(readInputs does not show the e-stop)"
action=$(kv $P PLANT action_ns); event=$(kv $B 'BENCH done' event_ns)
en_lat=$(kv $P PLANT enable_off_after_action_ns)
handler_lat=$(( ${event:-0} - ${action:-0} ))
last_step=$(kv $P PLANT last_step_ns); step_lat=$(( ${last_step:-0} - ${action:-0} ))
expect enable_off_latency_ns "$en_lat" -ge 0
expect enable_off_latency_ns "$en_lat" -le 50000000
expect steps_after_enable_off "$(kv $P PLANT steps_after_enable_off)" -eq 0
common_checks
result "enable_off_latency_us=$((en_lat / 1000)) handler_latency_us=$((handler_lat / 1000)) last_step_after_edge_us=$((step_lat / 1000)) steps_after_edge=$(kv $P PLANT steps_after_action) steps_after_enable_off=$(kv $P PLANT steps_after_enable_off)"

# ---- 5. syringe removed: the event is reported (the bench's handler stops as the supervisor would) ---------
SCENARIO=syringe
reset_pulls; start_plant --pull "$SIMDEV/sim_gpio$(line_offset syringe-present)/pull" pull-up --after-steps 200
timeout 30 "$BENCH" run --chip "$CHIP" --count 100000 --rate 1000 --stop-on-event > /tmp/bench.out 2>&1
echo "bench exit $?"; cat /tmp/bench.out; stop_plant
P=/tmp/plant.out; B=/tmp/bench.out
grep -q 'event=syringeRemoved' $B || fail syringe_event "(no syringeRemoved event)"
grep -q 'syringe_input=false' $B || fail syringe_input "(readInputs still shows a syringe)"
action=$(kv $P PLANT action_ns); event=$(kv $B 'BENCH done' event_ns)
handler_lat=$(( ${event:-0} - ${action:-0} ))
expect handler_latency_ns "$handler_lat" -ge 0
expect handler_latency_ns "$handler_lat" -le 50000000
expect steps_after_enable_off "$(kv $P PLANT steps_after_enable_off)" -eq 0
common_checks
result "handler_latency_us=$((handler_lat / 1000)) enable_off_latency_us=$(( $(kv $P PLANT enable_off_after_action_ns) / 1000 ))"

# ---- 6. kill -9 mid-run: no further steps, ENABLE falls to its pull (disabled) ----------------------------
SCENARIO=kill9
reset_pulls; rm -f /tmp/bench.pid
start_plant --kill-pid-file /tmp/bench.pid --after-steps 300
"$BENCH" run --chip "$CHIP" --forever --rate 1000 > /tmp/bench.out 2>&1 &
BENCH_PID=$!; echo $BENCH_PID > /tmp/bench.pid
( sleep 20; kill -9 $BENCH_PID 2>/dev/null ) & GUARD=$!
wait $BENCH_PID; status=$?; kill $GUARD 2>/dev/null
echo "bench exit $status"; cat /tmp/bench.out; sleep 0.2; stop_plant
P=/tmp/plant.out
expect killed_by_sigkill "$status" -eq 137
expect steps_after_kill "$(kv $P PLANT steps_after_action)" -eq 0
expect enable_at_end "$(kv $P PLANT enable_final)" -eq 0
expect enable_line_is_pull "$(line_value pump-enable)" -eq 1
expect step_line_low "$(line_value pump-step)" -eq 0
result "steps_before_kill=$(kv $P PLANT steps) steps_after_kill=$(kv $P PLANT steps_after_action) enable_release_after_kill_us=$(( $(kv $P PLANT enable_off_after_action_ns) / 1000 ))"

if ((${#FAILED[@]})); then
    echo "PUMP-BENCH: FAIL ${FAILED[*]}"
    exit 1
fi
echo "PUMP-BENCH: PASS scenarios=6"
