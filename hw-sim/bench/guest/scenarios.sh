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
# collect: parses the plant's summary into PL[key] and every BENCH line of the bench into BN[key]
# (bash builtins only: process starts are slow under TCG).
declare -A PL BN
parse_into() {  # parse_into FILE PREFIX ARRAY
    local -n arr=$3
    local line tok
    arr=()
    while IFS= read -r line; do
        [[ "$line" == "$2"* ]] || continue
        for tok in $line; do [[ "$tok" == *=* ]] && arr[${tok%%=*}]=${tok#*=}; done
    done < "$1"
}
collect() { parse_into /tmp/plant.out PLANT PL; parse_into /tmp/bench.out BENCH BN; }
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
    for ((i = 0; i < 200; i++)); do [[ -s /tmp/plant.ready ]] && return 0; sleep 0.01; done
    fail plant-start "(plant not ready)"; return 1
}
stop_plant() { sleep 0.1; kill -TERM "$PLANT_PID" 2>/dev/null; wait "$PLANT_PID" 2>/dev/null; cat /tmp/plant.out; collect; }

# Checks every run shares: no step while disabled, ENABLE de-asserted before start and at the end, the
# program de-asserted it itself before closing, and the line is at its pull (disabled) afterwards.
common_checks() {
        expect steps_while_disabled "${PL[steps_disabled]:-}" -eq 0
    expect enable_before_start "${PL[enable_initial]:-}" -eq 0
    expect enable_at_end "${PL[enable_final]:-}" -eq 0
    line_value pump-enable; expect enable_line_is_pull "$REPLY" -eq 1
    line_value pump-step; expect step_line_low "$REPLY" -eq 0
    local off close; off=${PL[last_enable_off_ns]:-}; close=${BN[close_ns]:-}
    if [[ -n "$close" ]]; then expect enable_off_before_close "$off" -lt "$close"; fi
}

result() { local up; read -r up _ < /proc/uptime; echo "PUMP-BENCH-RESULT [$SCENARIO] $* (guest uptime $up s)"; }

# ---- 1. exact step count, infuse ------------------------------------------------------------------------
SCENARIO=steps
reset_pulls; start_plant
N=2000
timeout 30 "$BENCH" run --chip "$CHIP" --count $N --rate 2000 > /tmp/bench.out 2>&1
echo "bench exit $?"; cat /tmp/bench.out; stop_plant
expect plant_steps "${PL[steps]:-}" -eq $N
expect bench_steps "${BN[backend_steps]:-}" -eq $N
expect infuse_steps "${PL[steps_infuse]:-}" -eq $N
expect enable_on_edges "${PL[enable_on_edges]:-}" -eq 1
expect enable_off_edges "${PL[enable_off_edges]:-}" -eq 1
expect enable_to_first_step_ns "${PL[enable_to_step_min_ns]:-}" -ge 2000000
common_checks
result "commanded=$N counted=${PL[steps]:-} enable_to_first_step_ns=${PL[enable_to_step_min_ns]:-}"

# ---- 2. direction: DIR set before the first step of each direction ----------------------------------------
SCENARIO=direction
reset_pulls; start_plant
timeout 30 "$BENCH" run --chip "$CHIP" --count 300 --retract-count 200 --rate 1000 > /tmp/bench.out 2>&1
echo "bench exit $?"; cat /tmp/bench.out; stop_plant
expect infuse_steps "${PL[steps_infuse]:-}" -eq 300
expect retract_steps "${PL[steps_retract]:-}" -eq 200
expect dir_setup_ns "${PL[dir_setup_min_ns]:-}" -ge 1000
common_checks
result "infuse=${PL[steps_infuse]:-} retract=${PL[steps_retract]:-} dir_setup_min_ns=${PL[dir_setup_min_ns]:-}"

# ---- 3. a step within the 2 ms settle time is refused and ENABLE dropped ----------------------------------
SCENARIO=settle
reset_pulls; start_plant
timeout 30 "$BENCH" settle --chip "$CHIP" > /tmp/bench.out 2>&1
echo "bench exit $?"; cat /tmp/bench.out; stop_plant
grep -q 'refusal=.*settling' /tmp/bench.out || fail step_refused "(no settle refusal)"
expect plant_steps_warmup_only "${PL[steps]:-}" -eq 1
expect enable_on_edges "${PL[enable_on_edges]:-}" -eq 2
expect enable_off_edges "${PL[enable_off_edges]:-}" -eq 2
common_checks
result "refused=yes steps=${PL[steps]:-} (1 warm-up step)"

# ---- 4. e-stop input edge: ENABLE off, steps stop ----------------------------------------------------------
SCENARIO=estop
reset_pulls; start_plant --pull "$SIMDEV/sim_gpio$(line_offset estop)/pull" pull-up --after-steps 500
timeout 30 "$BENCH" run --chip "$CHIP" --count 100000 --rate 1000 --stop-on-event > /tmp/bench.out 2>&1
echo "bench exit $?"; cat /tmp/bench.out; stop_plant
P=/tmp/plant.out; B=/tmp/bench.out
grep -q 'event=emergencyStopPressed' $B || fail estop_event "(no emergencyStopPressed event)"
grep -q 'estop_input=true' $B || fail estop_input "(readInputs does not show the e-stop)"
action=${PL[action_ns]:-}; event=${BN[event_ns]:-}
en_lat=${PL[enable_off_after_action_ns]:-}
handler_lat=$(( ${event:-0} - ${action:-0} ))
last_step=${PL[last_step_ns]:-}; step_lat=$(( ${last_step:-0} - ${action:-0} ))
expect enable_off_latency_ns "$en_lat" -ge 0
expect enable_off_latency_ns "$en_lat" -le 50000000
expect steps_after_enable_off "${PL[steps_after_enable_off]:-}" -eq 0
common_checks
result "enable_off_latency_us=$((en_lat / 1000)) handler_latency_us=$((handler_lat / 1000)) last_step_after_edge_us=$((step_lat / 1000)) steps_after_edge=${PL[steps_after_action]:-} steps_after_enable_off=${PL[steps_after_enable_off]:-}"

# ---- 5. syringe removed: the event is reported (the bench's handler stops as the supervisor would) ---------
SCENARIO=syringe
reset_pulls; start_plant --pull "$SIMDEV/sim_gpio$(line_offset syringe-present)/pull" pull-up --after-steps 200
timeout 30 "$BENCH" run --chip "$CHIP" --count 100000 --rate 1000 --stop-on-event > /tmp/bench.out 2>&1
echo "bench exit $?"; cat /tmp/bench.out; stop_plant
P=/tmp/plant.out; B=/tmp/bench.out
grep -q 'event=syringeRemoved' $B || fail syringe_event "(no syringeRemoved event)"
grep -q 'syringe_input=false' $B || fail syringe_input "(readInputs still shows a syringe)"
action=${PL[action_ns]:-}; event=${BN[event_ns]:-}
handler_lat=$(( ${event:-0} - ${action:-0} ))
expect handler_latency_ns "$handler_lat" -ge 0
expect handler_latency_ns "$handler_lat" -le 50000000
expect steps_after_enable_off "${PL[steps_after_enable_off]:-}" -eq 0
common_checks
result "handler_latency_us=$((handler_lat / 1000)) enable_off_latency_us=$(( ${PL[enable_off_after_action_ns]:-} / 1000 ))"

# ---- 6. kill -9 mid-run: no further steps, ENABLE falls to its pull (disabled) ----------------------------
# kill_run ENABLE_PULL: runs the bench forever at 1 kHz and lets the plant SIGKILL it after 300 steps.
kill_run() {
    reset_pulls; set_pull pump-enable "$1"; rm -f /tmp/bench.pid
    start_plant --kill-pid-file /tmp/bench.pid --after-steps 300
    "$BENCH" run --chip "$CHIP" --forever --rate 1000 > /tmp/bench.out 2>&1 &
    BENCH_PID=$!; echo $BENCH_PID > /tmp/bench.pid
    ( sleep 20; kill -9 $BENCH_PID 2>/dev/null ) & local guard=$!
    wait $BENCH_PID; KILL_STATUS=$?; kill $guard 2>/dev/null
    echo "bench exit $KILL_STATUS"; cat /tmp/bench.out; sleep 0.2; stop_plant
}
SCENARIO=kill9
kill_run up
P=/tmp/plant.out
expect killed_by_sigkill "$KILL_STATUS" -eq 137
expect steps_after_kill "${PL[steps_after_action]:-}" -eq 0
expect enable_at_end "${PL[enable_final]:-}" -eq 0
line_value pump-enable; expect enable_line_is_pull "$REPLY" -eq 1
line_value pump-step; expect step_line_low "$REPLY" -eq 0
result "steps_before_kill=${PL[steps]:-} steps_after_kill=${PL[steps_after_action]:-} enable_release_after_kill_us=$(( ${PL[enable_off_after_action_ns]:-} / 1000 ))"

# ---- 7. sensitivity: the same kill with ENABLE wrongly pulled to "enabled" must be caught ------------------
# Proves scenario 6 detects the hazard it guards against (HAZ-003): without the hardware pull-up the driver
# stays enabled after the process dies, and the checks above would fail.
SCENARIO=kill9-wrong-pull
kill_run down
P=/tmp/plant.out
expect killed_by_sigkill "$KILL_STATUS" -eq 137
expect hazard_visible_enable_left_on "${PL[enable_final]:-}" -eq 1
result "enable_after_kill=${PL[enable_final]:-} (1 = motor left enabled: the hazard the pull-up prevents)"

if ((${#FAILED[@]})); then
    echo "PUMP-BENCH: FAIL ${FAILED[*]}"
    exit 1
fi
echo "PUMP-BENCH: PASS scenarios=7"
