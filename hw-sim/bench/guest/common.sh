# Sourced by the guest scenario scripts (bash, inside the chroot): result bookkeeping, the plant process,
# and the checks every run shares. Needs setup-chip.sh sourced first and PLANT set.
# Bash builtins wherever possible: every process start costs milliseconds under TCG.

FAILED=()
SCENARIO=""
declare -a RESULTS=()
# fail NAME DETAIL: records a failed check of the current scenario.
# Scenarios named in NOT_IN_VERDICT (space-separated) are run and reported, but their failures do not fail
# the bench verdict (new scenarios that do not pass yet; each such result line says so).
# (scenarios.sh sets the list before sourcing this file.)
XFAILED=()
fail() {
    if [[ " ${NOT_IN_VERDICT:-} " == *" $SCENARIO "* ]]; then
        echo "PUMP-BENCH-CHECK FAIL (not in verdict) [$SCENARIO] $*"; XFAILED+=("$SCENARIO:$1")
    else
        echo "PUMP-BENCH-CHECK FAIL [$SCENARIO] $*"; FAILED+=("$SCENARIO:$1")
    fi
}
# expect NAME ACTUAL OP EXPECTED  (OP: -eq -ne -lt -le -gt -ge; ACTUAL must be an integer)
expect() {
    local name=$1 actual=$2 op=$3 want=$4
    if [[ -z "$actual" ]] || ! [[ "$actual" =~ ^-?[0-9]+$ ]] || ! [ "$actual" "$op" "$want" ]; then
        fail "$name" "($name=$actual, expected $op $want)"
    fi
}
# expect_eq_text NAME ACTUAL EXPECTED: string equality.
expect_eq_text() { [[ "$2" == "$3" ]] || fail "$1" "($1=$2, expected $3)"; }

# Parses `KEY=VALUE` tokens of the lines starting with PREFIX in FILE into the associative array ARRAY.
declare -A PL BN PA
parse_into() {  # parse_into FILE PREFIX ARRAY
    local -n arr=$3
    local line tok
    arr=()
    [[ -f "$1" ]] || return 0
    while IFS= read -r line; do
        [[ "$line" == "$2 "* ]] || continue
        for tok in $line; do [[ "$tok" == *=* ]] && arr[${tok%%=*}]=${tok#*=}; done
    done < "$1"
}
# PLANT-ALARM lines: window=i keys go to PA[w<i>_key].
parse_alarm_windows() {
    local line tok w
    PA=()
    while IFS= read -r line; do
        [[ "$line" == "PLANT-ALARM "* ]] || continue
        w=""
        for tok in $line; do
            [[ "$tok" == window=* ]] && { w=${tok#window=}; continue; }
            [[ "$tok" == *=* && -n "$w" ]] && PA[w${w}_${tok%%=*}]=${tok#*=}
        done
    done < /tmp/plant.out
}

# The hardware's pulls: ENABLE (active low) pulled up = disabled, SLEEP (active low) pulled down = asleep,
# STEP/DIR pulled down; every switch at its safe level (pulls down: e-stop released, syringe present and
# plunger clamped (active low), no end of travel, no occlusion, driver nFAULT released, HX711 DOUT high).
reset_pulls() {
    local l
    for l in "${BENCH_LINES[@]}"; do set_pull "$l" down; done
    set_pull pump-enable up
    set_pull driver-fault up   # nFAULT is active low (open drain with a pull-up): up = no fault
    set_pull hx711-dout up     # HX711 DOUT high = no conversion ready (a silent chip)
}

# start_plant [PLANT ARGS...]: a fresh plant following the controller's outputs. The plant is the instrument:
# it runs at a real-time priority above the program under test (pumpd: 20, its step thread 50) so it always
# drains the kernel's line-event queue (16 events per line in the v1 uAPI) in time.
PLANT_PREFIX=${PLANT_PREFIX-chrt -f 60}
start_plant() {
    rm -f /tmp/plant.ready /tmp/plant.out /tmp/plant.actions /tmp/plant.enable-offs
    $PLANT_PREFIX "$PLANT" --chip "$CHIP" --ready-file /tmp/plant.ready --action-file /tmp/plant.actions \
        --enable-file /tmp/plant.enable-offs "$@" > /tmp/plant.out 2>&1 &
    PLANT_PID=$!
    local i
    for ((i = 0; i < 200; i++)); do [[ -s /tmp/plant.ready ]] && { boost_plant_irqs; return 0; }; sleep 0.01; done
    fail plant-start "(plant not ready)"; return 1
}
# boost_plant_irqs: the kernel threads that turn the plant's line interrupts into events (irq/NN-plant,
# SCHED_FIFO 50 by default) are part of the instrument. At the same priority as pumpd's step thread they do
# not preempt it, and two STEP pulses a few microseconds apart become one event (steps were lost that way:
# 1480 counted of 1550). Raised to 80 they run at every edge.
boost_plant_irqs() {
    local d comm n=0
    for d in /proc/[0-9]*; do
        read -r comm < "$d/comm" 2>/dev/null || continue
        [[ $comm == irq/*-plant ]] || continue
        chrt -f -p 80 "${d#/proc/}" > /dev/null 2>&1 && ((n++))
    done
    ((n >= 3)) || fail plant-irq-priority "(raised $n irq/*-plant threads, expected one per plant line)"
}
# mark_plant: starts a new alarm-output window in the plant.
mark_plant() { kill -USR1 "$PLANT_PID" 2>/dev/null; }
# stop_plant [SETTLE_S]: lets the plant watch SETTLE_S more seconds (default 0.1), then reads its summary.
stop_plant() {
    sleep "${1:-0.1}"
    kill -TERM "$PLANT_PID" 2>/dev/null; wait "$PLANT_PID" 2>/dev/null
    cat /tmp/plant.out
    parse_into /tmp/plant.out PLANT PL
    parse_alarm_windows
}
# count_lines FILE: sets REPLY to the number of lines in FILE (0 if missing).
count_lines() {
    REPLY=0
    [[ -f $1 ]] || return 0
    local line; while IFS= read -r line; do ((REPLY++)); done < "$1"
}
# wait_lines FILE N TIMEOUT_S: waits until FILE has N lines.
wait_lines() {
    local deadline=$(( ${EPOCHREALTIME/./} + $3 * 1000000 ))
    while :; do
        count_lines "$1"; ((REPLY >= $2)) && return 0
        (( ${EPOCHREALTIME/./} > deadline )) && return 1
        sleep 0.05
    done
}
# wait_plant_actions N TIMEOUT_S: waits until the plant has taken N actions.
wait_plant_actions() { wait_lines /tmp/plant.actions "$1" "$2"; }
# wait_enable_offs N TIMEOUT_S: waits until the plant has seen N ENABLE-off edges.
wait_enable_offs() { wait_lines /tmp/plant.enable-offs "$1" "$2"; }

# Checks every run shares: no step while disabled, ENABLE de-asserted before the start and at the end, and
# the ENABLE line at its pull (disabled), STEP low afterwards.
common_checks() {
    expect steps_while_disabled "${PL[steps_disabled]:-}" -eq 0
    expect enable_before_start "${PL[enable_initial]:-}" -eq 0
    expect enable_at_end "${PL[enable_final]:-}" -eq 0
    line_value pump-enable; expect enable_line_disabled "$REPLY" -eq 1
    line_value pump-step; expect step_line_low "$REPLY" -eq 0
}

# result TEXT: one PUMP-BENCH-RESULT line for the current scenario; the verdict is PASS unless a check of
# this scenario failed.
result() {
    local up verdict=PASS f
    for f in "${FAILED[@]}" "${XFAILED[@]}"; do [[ "$f" == "$SCENARIO:"* ]] && verdict=FAIL; done
    [[ " ${NOT_IN_VERDICT:-} " == *" $SCENARIO "* ]] && verdict="$verdict(not-in-verdict)"
    read -r up _ < /proc/uptime
    echo "PUMP-BENCH-RESULT $verdict [$SCENARIO] $* (guest uptime $up s)"
    RESULTS+=("$verdict $SCENARIO")
}

# ms NS: nanoseconds to a millisecond string with two decimals.
ms() { local v=${1:-0}; [[ "$v" =~ ^-?[0-9]+$ ]] || { echo "$v"; return; }; printf '%d.%02d' $((v / 1000000)) $(( (v % 1000000) / 10000 )); }
