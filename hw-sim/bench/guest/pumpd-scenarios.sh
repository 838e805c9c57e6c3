# Sourced by scenarios.sh: the scenarios that run the real daemon, `pumpd --backend gpiod`, on the bench
# chip and drive it with `pumpctl` exactly as a nurse would. The plant follows the lines through the bench
# loopback and acts on the switches; every figure below comes from kernel edge time stamps.
#
# pumpd runs with the bench drug library (guest/pumpd/bench-drug-library.toml: programs of seconds, which the
# clinical library does not allow) and the pin map guest/pumpd/pin-map.json (inputs with bias "asIs":
# gpio-sim implements bias by moving its simulated pull, which is the plant's switch).
PD=/tmp/pumpd
export PUMPD_SOCKET=$PD/pumpd.sock
ESTOP_TRIALS=${ESTOP_TRIALS:-5}
CONTROL_PERIOD_MS=${CONTROL_PERIOD_MS:-200}
ESTOP_BOUND_MS=50       # enforced: e-stop / syringe edge -> ENABLE off, every trial
# A short program that completes in real time: 0.002 mg/kg x 50 kg = 0.1 mg = 0.1 mL at 1 mg/mL in a BD 10 mL
# syringe over 0.15 min (9 s), about 1550 microsteps at ~170 steps/s. The long one (0.5 mL over 1 min) is
# interrupted by the e-stop, syringe and kill scenarios.
PROGRAM_SHORT=(--drug bench-saline --profile mood --weight-kg 50 --dose-mg-per-kg 0.002 --duration-min 0.15
               --concentration-mg-per-ml 1 --syringe bd-10)
PROGRAM_LONG=(--drug bench-saline --profile mood --weight-kg 50 --dose-mg-per-kg 0.01 --duration-min 1
              --concentration-mg-per-ml 1 --syringe bd-10)
STEPS_BEFORE_ACTION=60  # steps after ENABLE on before the plant acts (e-stop, syringe, kill)

ctl() { "$PUMPCTL" "$@"; }
PUMPD_PREFIX=${PUMPD_PREFIX-chrt -f 20}

# write_pumpd_config: the daemon's TOML (the chip name is only known once the chip is live).
# PUMPD_SENSOR_TOML: extra [gpio] keys and sensor tables (default: encoder and pressure declared absent).
write_pumpd_config() {
    local sensors=${PUMPD_SENSOR_TOML-$'encoder = "absent"\npressure = "absent"'}
    mkdir -p "$PD/state"
    cat > "$PD/pumpd.toml" <<TOML
backend = "gpiod"
# The guest runs under TCG, 10-50x slower than hardware, and its clock keeps running while the host
# deschedules qemu: the control period is the longest pumpd accepts (heartbeat limit 400 ms instead of
# 100 ms) so emulator stalls do not read as a stalled control loop. Everything else is the shipped default.
control_period_ms = $CONTROL_PERIOD_MS
drug_library = "$GUEST_DIR/pumpd/bench-drug-library.toml"
gpio_pin_map = "$GUEST_DIR/pumpd/pin-map.json"

[gpio]
chip = "$CHIP"
$sensors
TOML
}

# start_pumpd: starts the daemon in the background and waits until `pumpctl status` answers.
start_pumpd() {
    local t0=${EPOCHREALTIME/./} i
    $PUMPD_PREFIX "$PUMPD" --config "$PD/pumpd.toml" --socket "$PUMPD_SOCKET" --state-dir "$PD/state" --allow-root \
        --control-group root --read-only-group root --socket-group root --log-level notice >> "$PD/pumpd.log" 2>&1 &
    PUMPD_PID=$!
    echo "$PUMPD_PID" > "$PD/pumpd.pid"
    for ((i = 0; i < 300; i++)); do
        if [[ -S "$PUMPD_SOCKET" ]] && status_read; then
            PUMPD_START_MS=$(( (${EPOCHREALTIME/./} - t0) / 1000 ))
            echo "pumpd pid $PUMPD_PID ready after $PUMPD_START_MS ms"
            return 0
        fi
        kill -0 "$PUMPD_PID" 2>/dev/null || break
        sleep 0.1
    done
    fail pumpd_start "(pumpd did not answer; log below)"; cat "$PD/pumpd.log"; return 1
}

# status_read: `pumpctl status --raw` (the protocol envelope) into ST_STATE, ST_MOTOR, ST_TARGET_STEPS, ST_DELIVERED_STEPS,
# ST_ALARMS (comma-separated codes, "-" for none). Returns non-zero when pumpd does not answer.
status_read() {
    local json
    json=$(ctl status --raw 2>/dev/null) || return 1
    ST_JSON=$json
    # (a here-string, not process substitution: the guest has no /dev/fd)
    read -r ST_STATE ST_MOTOR ST_TARGET_STEPS ST_DELIVERED_STEPS ST_ALARMS <<< "$(jq -r '.result.status |
        "\(.state) \(.motor_enabled) \(.target_steps // -1) \(.delivered_steps // -1) \([.alarms[].code] | join(",") | if . == "" then "-" else . end)"' <<< "$json")"
    [[ -n "${ST_STATE:-}" ]]
}

# wait_status TIMEOUT_S CONDITION: polls status until the bash CONDITION (over ST_*) holds.
wait_status() {
    local deadline=$(( ${EPOCHREALTIME/./} + $1 * 1000000 ))
    while :; do
        if status_read && eval "$2"; then return 0; fi
        (( ${EPOCHREALTIME/./} > deadline )) && return 1
        sleep 0.4   # every pumpctl start costs the slow guest CPU time: poll gently
    done
}
has_alarm() { [[ ",$ST_ALARMS," == *",$1,"* ]]; }

# start_program NAME...: `pumpctl start --raw --yes` with the program; sets PROGRAM_STEPS from the validate
# answer (the daemon's own step count for the program, never a number written here).
start_program() {
    local out
    out=$(ctl start --raw --yes "$@" 2>&1); local rc=$?
    PROGRAM_STEPS=$(jq -r 'select(.result.program != null) | .result.program.steps // empty' <<< "$out" 2>/dev/null | head -n1)
    if ((rc != 0)); then fail start_refused "(pumpctl start exit $rc: $out)"; return 1; fi
}

# no_open_session: stops and acknowledges whatever an earlier scenario left open.
no_open_session() {
    status_read || return 0
    case $ST_STATE in running|paused|alarm|interrupted) ctl stop > /dev/null 2>&1 ;; esac
    [[ $ST_ALARMS == - ]] || ctl ack > /dev/null 2>&1
}

# reset_session: after an alarm, the switch is released by the caller; stop the session and acknowledge.
reset_session() {
    ctl stop > /dev/null 2>&1
    ctl ack > /dev/null 2>&1
    wait_status 5 '[[ $ST_ALARMS == - || $ST_ALARMS != *estop* && $ST_ALARMS != *syringe-removed* ]]' \
        || fail alarms_cleared "(alarms still active after release and ack: $ST_ALARMS)"
}

# ---- pumpd-complete: start-up, idle, a whole short program, completion ---------------------------------
SCENARIO=pumpd-complete
reset_pulls
write_pumpd_config
start_plant   # before pumpd: the plant sees every edge pumpd makes when it requests its lines
start_pumpd || { result "pumpd did not start"; return 0; }
expect_eq_text idle_state "$ST_STATE" idle
expect_eq_text idle_motor "$ST_MOTOR" false
# Idle: the alarm outputs show "normal" (green), nothing else.
line_value led-green; expect idle_green_on "$REPLY" -eq 1
line_value led-red; expect idle_red_dark "$REPLY" -eq 0
line_value alarm-buzzer; expect idle_buzzer_quiet "$REPLY" -eq 0
t_start=${EPOCHREALTIME/./}
start_program "${PROGRAM_SHORT[@]}"
mark_plant    # window 0 ends: pumpd opening its lines, idling, starting
sleep 2
mark_plant    # window 1: 2 s of the running infusion
# Wait for the end on the plant (ENABLE off), not by polling pumpd: the guest has no CPU to spare.
wait_enable_offs 1 60 || fail completion "(ENABLE still on after 60 s)"
wait_status 10 '[[ $ST_STATE != running ]]' || fail completion "(still $ST_STATE)"
[[ $ST_STATE == completed ]] || fail completed_state "(state $ST_STATE: $(jq -c '[.result.status.alarms[].message]' <<< "$ST_JSON"))"
t_done=${EPOCHREALTIME/./}
mark_plant    # window 3: the infusion-complete alarm (medium); window 2 was the rest of the run
expect_eq_text completed_motor "$ST_MOTOR" false
has_alarm infusion-complete || fail complete_alarm "(alarms: $ST_ALARMS)"
line_value pump-enable; expect enable_line_disabled_after_completion "$REPLY" -eq 1
sleep 4.5     # two periods of the 0.5 Hz medium-priority flashing
stop_plant
expect program_steps_known "${PROGRAM_STEPS:-}" -gt 0
expect target_steps_equal_program "$ST_TARGET_STEPS" -eq "${PROGRAM_STEPS:-0}"
expect delivered_steps_equal_target "$ST_DELIVERED_STEPS" -eq "${PROGRAM_STEPS:-0}"
expect counted_steps_equal_program "${PL[steps]:-}" -eq "${PROGRAM_STEPS:-0}"
expect infuse_steps "${PL[steps_infuse]:-}" -eq "${PROGRAM_STEPS:-0}"
expect retract_steps "${PL[steps_retract]:-}" -eq 0
# DIR: an edge seen by the plant must precede the first step by >= 1 us; every step ran with DIR = infuse.
[[ "${PL[dir_setup_min_ns]:-}" == -1 ]] || expect dir_setup_ns "${PL[dir_setup_min_ns]:-}" -ge 1000
expect enable_on_edges "${PL[enable_on_edges]:-}" -eq 1
expect enable_off_edges "${PL[enable_off_edges]:-}" -eq 1
expect enable_to_first_step_ns "${PL[enable_to_step_min_ns]:-}" -ge 2000000
expect sleep_awake_at_first_step "${PL[sleep_at_first_step]:-}" -eq 1
expect steps_while_asleep "${PL[steps_asleep]:-}" -eq 0
expect_eq_text microstep_levels_at_first_step "${PL[ms_at_first_step]:-}" "001"
expect microstep_changes_while_enabled "${PL[ms_changes_while_enabled]:-}" -eq 0
# Alarm outputs: idle and running = green, no red, no buzzer; after completion = medium (yellow 0.5 Hz).
expect startup_red_dark "${PA[w0_red_rises]:-}" -eq 0
expect running_green_on "${PA[w1_green_level_end]:-}" -eq 1
expect running_red_dark "${PA[w1_red_rises]:-}" -eq 0
expect running_buzzer_quiet "${PA[w1_buzzer_rises]:-}" -eq 0
expect medium_yellow_flashes "${PA[w3_yellow_rises]:-}" -ge 2
expect medium_yellow_period_ms "${PA[w3_yellow_period_ms]:-}" -ge 1600
expect medium_yellow_period_ms "${PA[w3_yellow_period_ms]:-}" -le 2400
expect medium_red_dark "${PA[w3_red_rises]:-}" -eq 0
expect medium_green_off "${PA[w3_green_level_end]:-}" -eq 0
common_checks
result "program_steps=${PROGRAM_STEPS:-} counted=${PL[steps]:-} delivered_steps=$ST_DELIVERED_STEPS run_s=$(( (t_done - t_start) / 1000000 )) pumpd_start_ms=${PUMPD_START_MS:-} enable_to_first_step_ms=$(ms "${PL[enable_to_step_min_ns]:-}") sleep=${PL[sleep_at_first_step]:-} ms123=${PL[ms_at_first_step]:-} yellow_period_ms=${PA[w3_yellow_period_ms]:-} guest_stall_max_ms=${PL[max_stall_ms]:-}"
ctl ack > /dev/null 2>&1

# ---- pumpd-estop: the e-stop input edge, several trials ------------------------------------------------
SCENARIO=pumpd-estop
reset_pulls
no_open_session
start_plant --repeat --mark-on-first-action --after-steps $STEPS_BEFORE_ACTION --pull "$SIMDEV/sim_gpio$(line_offset estop)/pull" pull-up
delivered_total=0
for ((trial = 1; trial <= ESTOP_TRIALS; trial++)); do
    start_program "${PROGRAM_LONG[@]}" || break
    wait_plant_actions "$trial" 30 || { status_read; fail estop_pressed "(trial $trial: the plant did not press the e-stop; pumpd: $ST_STATE $(jq -c '[.result.status.alarms[].message]' <<< "$ST_JSON"))"; break; }
    wait_enable_offs "$trial" 10 || fail estop_enable_off "(trial $trial: ENABLE still on)"
    wait_status 5 'has_alarm estop' || fail estop_alarm "(trial $trial: alarms $ST_ALARMS, state $ST_STATE)"
    expect_eq_text estop_state "$ST_STATE" alarm
    expect_eq_text estop_motor "$ST_MOTOR" false
    line_value pump-enable; expect enable_line_disabled_after_estop "$REPLY" -eq 1
    if ((trial == 1)); then
        # window 1, from the e-stop edge (the plant marks it) to here: the high-priority alarm outputs
        # (the 10-pulse buzzer burst lasts 2.5 s from the alarm)
        sleep 1.5; mark_plant
    fi
    set_pull estop down; sleep 0.05        # release the button (past its 5 ms debounce)
    delivered_total=$((delivered_total + ST_DELIVERED_STEPS))
    reset_session
done
stop_plant 0.3
IFS=, read -r -a lat <<< "${PL[action_latencies_ns]:-}"
IFS=, read -r -a before <<< "${PL[action_steps_before_off]:-}"
IFS=, read -r -a after <<< "${PL[action_steps_after_off]:-}"
expect estop_trials "${#lat[@]}" -eq "$ESTOP_TRIALS"
for i in "${!lat[@]}"; do
    expect "trial$((i + 1))_enable_off_latency_ns" "${lat[$i]}" -ge 0
    expect "trial$((i + 1))_enable_off_latency_ns" "${lat[$i]}" -le $((ESTOP_BOUND_MS * 1000000))
    expect "trial$((i + 1))_steps_after_enable_off" "${after[$i]:-}" -eq 0
done
expect counted_steps_equal_delivered "${PL[steps]:-}" -eq "$delivered_total"
expect retract_steps "${PL[steps_retract]:-}" -eq 0
expect high_red_flashes "${PA[w1_red_rises]:-}" -ge 2
expect high_red_period_ms "${PA[w1_red_period_ms]:-}" -ge 400
expect high_red_period_ms "${PA[w1_red_period_ms]:-}" -le 600
expect high_buzzer_pulses "${PA[w1_buzzer_rises]:-}" -ge 3
expect high_buzzer_period_ms "${PA[w1_buzzer_period_ms]:-}" -ge 200
expect high_buzzer_period_ms "${PA[w1_buzzer_period_ms]:-}" -le 300
expect high_green_off "${PA[w1_green_level_end]:-}" -eq 0
common_checks
sorted=($(printf '%s\n' "${lat[@]}" | sort -n))
n=${#sorted[@]}
ESTOP_P50=${sorted[$((n / 2))]:-0}; ESTOP_MAX=${sorted[$((n - 1))]:-0}; ESTOP_MIN=${sorted[0]:-0}
lat_ms=""; for v in "${lat[@]}"; do lat_ms+="$(ms "$v"),"; done
result "trials=$n edge_to_enable_off_ms: p50=$(ms "$ESTOP_P50") max=$(ms "$ESTOP_MAX") min=$(ms "$ESTOP_MIN") bound=${ESTOP_BOUND_MS} all=${lat_ms%,} steps_edge_to_off=${PL[action_steps_before_off]:-} steps_after_off=${PL[action_steps_after_off]:-} counted=${PL[steps]:-} delivered=$delivered_total red_period_ms=${PA[w1_red_period_ms]:-} buzzer_period_ms=${PA[w1_buzzer_period_ms]:-} guest_stall_max_ms=${PL[max_stall_ms]:-}"
echo "PUMP-BENCH-LATENCY estop_edge_to_enable_off trials=$n p50_ms=$(ms "$ESTOP_P50") max_ms=$(ms "$ESTOP_MAX") bound_ms=$ESTOP_BOUND_MS"

# ---- pumpd-syringe: syringe removed mid-infusion ---------------------------------------------------------
SCENARIO=pumpd-syringe
reset_pulls
no_open_session
start_plant --after-steps $STEPS_BEFORE_ACTION --pull "$SIMDEV/sim_gpio$(line_offset syringe-present)/pull" pull-up
start_program "${PROGRAM_LONG[@]}"
wait_plant_actions 1 30 || { status_read; fail syringe_pulled "(the plant did not remove the syringe; pumpd: $ST_STATE $(jq -c '[.result.status.alarms[].message]' <<< "$ST_JSON"))"; }
wait_status 5 'has_alarm syringe-removed' || fail syringe_alarm "(alarms $ST_ALARMS, state $ST_STATE)"
expect_eq_text syringe_state "$ST_STATE" alarm
expect_eq_text syringe_motor "$ST_MOTOR" false
delivered=$ST_DELIVERED_STEPS
stop_plant 0.3
set_pull syringe-present down; sleep 0.05
reset_session
expect enable_off_latency_ns "${PL[action_latencies_ns]:-}" -ge 0
expect enable_off_latency_ns "${PL[action_latencies_ns]:-}" -le $((ESTOP_BOUND_MS * 1000000))
expect steps_after_enable_off "${PL[action_steps_after_off]:-}" -eq 0
expect counted_steps_equal_delivered "${PL[steps]:-}" -eq "$delivered"
common_checks
result "edge_to_enable_off_ms=$(ms "${PL[action_latencies_ns]:-}") steps_edge_to_off=${PL[action_steps_before_off]:-} counted=${PL[steps]:-} delivered=$delivered alarm=syringe-removed guest_stall_max_ms=${PL[max_stall_ms]:-}"

# ---- pumpd-kill9: kill -9 pumpd mid-infusion --------------------------------------------------------------
# libgpiod promises nothing about a line once its process is gone; gpio-sim returns a released line to its
# pull, like a board does, so ENABLE falls back to the pull-up = disabled (driver-kill9-wrong-pull shows the
# same kill leaves the motor enabled without that pull). The plant watches 1 s for any further step.
SCENARIO=pumpd-kill9
reset_pulls
no_open_session
start_plant --after-steps $STEPS_BEFORE_ACTION --kill-pid-file "$PD/pumpd.pid"
start_program "${PROGRAM_LONG[@]}"
wait_plant_actions 1 30 || { fail plant_killed "(the plant did not kill pumpd)"; kill -9 "$PUMPD_PID"; }
wait "$PUMPD_PID"; KILL_STATUS=$?
stop_plant 1.0
expect killed_by_sigkill "$KILL_STATUS" -eq 137
expect steps_after_kill "${PL[steps_after_action]:-}" -eq 0
expect enable_released_to_pull "${PL[action_latencies_ns]:-}" -ge 0
common_checks
kill_result="steps_before_kill=${PL[steps]:-} steps_after_kill=${PL[steps_after_action]:-} enable_at_pull_after_kill_ms=$(ms "${PL[action_latencies_ns]:-}")"
# Restarted on the same journal, pumpd comes back interrupted with the motor off (HAZ-010), and stays so.
start_plant
if start_pumpd; then
    expect_eq_text restart_state "$ST_STATE" interrupted
    expect_eq_text restart_motor "$ST_MOTOR" false
    sleep 0.5
fi
stop_plant
expect enable_on_edges_after_restart "${PL[enable_on_edges]:-}" -eq 0
expect steps_after_restart "${PL[steps]:-}" -eq 0
result "$kill_result restart_state=$ST_STATE restart_ms=${PUMPD_START_MS:-} guest_stall_max_ms=${PL[max_stall_ms]:-}"

# ---- shutdown: SIGTERM, the motor stays off ----------------------------------------------------------------
kill -TERM "$PUMPD_PID" 2>/dev/null; wait "$PUMPD_PID"
echo "pumpd exit $? (log: $PD/pumpd.log)"; tail -n 20 "$PD/pumpd.log"
