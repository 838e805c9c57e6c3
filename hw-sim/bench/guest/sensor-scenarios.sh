# Sourced by scenarios.sh after pumpd-scenarios.sh: the second channel on the bench. pumpd --backend gpiod
# runs with a quadrature encoder on enc-a/enc-b (the plant writes 2 counts per microstep from STEP/DIR) and
# the driver's nFAULT on driver-fault; the plant stalls the motor, kills the encoder or asserts nFAULT.
# Every figure comes from kernel edge time stamps (plant) and pumpctl status --json.
#
# Bench encoder settings: counts_per_rev 6400 / microsteps_per_rev 3200 (2 counts per microstep),
# tolerance_steps ENC_TOLERANCE (default 12: under TCG on a loaded host the encoder thread loses or delays a few
# edges at ~170 steps/s: 5-8 steps short were seen with 4; the shipped default 0.9 is for hardware), check_interval_ms 100.
ENC_TOLERANCE=${ENC_TOLERANCE:-12}
DRIVER_FAULT_BOUND_MS=10
SENSOR_STEPS_BEFORE_ACTION=120

encoder_toml() {
    cat <<TOML
driver_fault = "driver-fault"
pressure = "absent"
[gpio.encoder]
a = "enc-a"
b = "enc-b"
counts_per_rev = 6400
microsteps_per_rev = 3200
tolerance_steps = $ENC_TOLERANCE
check_interval_ms = 100
TOML
}
encoder_plant_args() {
    echo --encoder-pulls "$SIMDEV/sim_gpio$(line_offset enc-a)/pull" "$SIMDEV/sim_gpio$(line_offset enc-b)/pull"
}

# ---- pumpd-encoder-complete: a whole program with the encoder checked, no false alarm -----------------
SCENARIO=pumpd-encoder-complete
reset_pulls
PUMPD_SENSOR_TOML=$(encoder_toml)
write_pumpd_config
rm -rf "$PD/state"; mkdir -p "$PD/state"
if start_plant $(encoder_plant_args) && start_pumpd; then
    jq -e '.result.status.missing_sensors == ["pressure"]' <<< "$ST_JSON" > /dev/null \
        || fail missing_sensors "(status: $(jq -c '.result.status.missing_sensors' <<< "$ST_JSON"))"
    start_program "${PROGRAM_SHORT[@]}"
    wait_enable_offs 1 60 || fail completion "(ENABLE still on after 60 s)"
    wait_status 10 '[[ $ST_STATE != running ]]' || fail completion "(still $ST_STATE)"
    [[ $ST_STATE == completed ]] || fail completed_state "(state $ST_STATE: $(jq -c '[.result.status.alarms[].message]' <<< "$ST_JSON"))"
    stop_plant 0.3
    expect counted_steps_equal_program "${PL[steps]:-}" -eq "${PROGRAM_STEPS:-0}"
    expect encoder_counts_two_per_step "${PL[encoder_counts]:-}" -eq $((2 * ${PROGRAM_STEPS:-0}))
    common_checks
    result "program_steps=${PROGRAM_STEPS:-} counted=${PL[steps]:-} encoder_counts=${PL[encoder_counts]:-} state=$ST_STATE alarms=$ST_ALARMS missing_sensors=$(jq -c '.result.status.missing_sensors' <<< "$ST_JSON") tolerance_steps=$ENC_TOLERANCE guest_stall_max_ms=${PL[max_stall_ms]:-}"
    ctl ack > /dev/null 2>&1
else
    stop_plant; result "pumpd did not start with the encoder configured"
fi

# sensor_fault_scenario NAME ACTION ALARM: the plant stalls / kills the encoder 120 steps in; pumpd must stop
# the motor with ALARM; figures: time and steps from the action to ENABLE off.
sensor_fault_scenario() {
    SCENARIO=$1
    reset_pulls
    no_open_session
    start_plant $(encoder_plant_args) --after-steps $SENSOR_STEPS_BEFORE_ACTION --encoder-action "$2"
    start_program "${PROGRAM_LONG[@]}"
    wait_plant_actions 1 30 || fail plant_action "(the plant did not act)"
    wait_enable_offs 1 15 || fail enable_off "(ENABLE still on 15 s after the $2)"
    wait_status 5 "has_alarm $3" || fail alarm "(alarms $ST_ALARMS, state $ST_STATE: $(jq -c '[.result.status.alarms[].message]' <<< "$ST_JSON"))"
    expect_eq_text state "$ST_STATE" alarm
    expect_eq_text motor "$ST_MOTOR" false
    local delivered=$ST_DELIVERED_STEPS message
    message=$(jq -r "[.result.status.alarms[] | select(.code == \"$3\") | .message][0] // \"\"" <<< "$ST_JSON")
    stop_plant 0.5
    expect steps_after_enable_off "${PL[action_steps_after_off]:-}" -eq 0
    expect counted_steps_equal_delivered "${PL[steps]:-}" -eq "$delivered"
    expect detection_latency_ns "${PL[action_latencies_ns]:-}" -ge 0
    expect detection_latency_ns "${PL[action_latencies_ns]:-}" -le 2000000000
    common_checks
    result "alarm=$3 action_to_enable_off_ms=$(ms "${PL[action_latencies_ns]:-}") steps_action_to_off=${PL[action_steps_before_off]:-} motion_steps=${PL[motion_steps]:-} counted=${PL[steps]:-} delivered=$delivered tolerance_steps=$ENC_TOLERANCE message=\"$message\" guest_stall_max_ms=${PL[max_stall_ms]:-}"
    reset_session
}
sensor_fault_scenario pumpd-stall stall step-mismatch
sensor_fault_scenario pumpd-encoder-dead dead encoder-fault

# ---- pumpd-driver-fault: nFAULT asserted mid-infusion ------------------------------------------------------
SCENARIO=pumpd-driver-fault
reset_pulls
no_open_session
start_plant $(encoder_plant_args) --after-steps $SENSOR_STEPS_BEFORE_ACTION --pull "$SIMDEV/sim_gpio$(line_offset driver-fault)/pull" pull-down
start_program "${PROGRAM_LONG[@]}"
wait_plant_actions 1 30 || fail plant_action "(the plant did not assert nFAULT)"
wait_enable_offs 1 10 || fail enable_off "(ENABLE still on)"
wait_status 5 'has_alarm hardware-failure' || fail alarm "(alarms $ST_ALARMS, state $ST_STATE)"
expect_eq_text state "$ST_STATE" alarm
expect_eq_text motor "$ST_MOTOR" false
delivered=$ST_DELIVERED_STEPS
# While nFAULT is held, the alarm cannot be acknowledged.
ctl stop > /dev/null 2>&1
if ctl ack hardware-failure > /dev/null 2>&1; then fail ack_refused_while_asserted "(ack succeeded with nFAULT asserted)"; fi
stop_plant 0.3
set_pull driver-fault up; sleep 0.05
reset_session
expect enable_off_latency_ns "${PL[action_latencies_ns]:-}" -ge 0
expect enable_off_latency_ns "${PL[action_latencies_ns]:-}" -le $((DRIVER_FAULT_BOUND_MS * 1000000))
expect steps_after_enable_off "${PL[action_steps_after_off]:-}" -eq 0
expect counted_steps_equal_delivered "${PL[steps]:-}" -eq "$delivered"
common_checks
result "alarm=hardware-failure edge_to_enable_off_ms=$(ms "${PL[action_latencies_ns]:-}") bound_ms=$DRIVER_FAULT_BOUND_MS steps_edge_to_off=${PL[action_steps_before_off]:-} counted=${PL[steps]:-} delivered=$delivered guest_stall_max_ms=${PL[max_stall_ms]:-}"
echo "PUMP-BENCH-LATENCY driver_fault_edge_to_enable_off ms=$(ms "${PL[action_latencies_ns]:-}") bound_ms=$DRIVER_FAULT_BOUND_MS"

# ---- sensitivity: the same stall with the encoder declared absent goes undetected ----------------------
# pumpd restarted with encoder = "absent" (and pressure absent): the plant stalls the motor 120 steps in, and
# the program still completes "delivered" while the plunger stopped moving (HAZ-005 needs the encoder).
SCENARIO=sensitivity-stall-without-encoder
kill -TERM "$PUMPD_PID" 2>/dev/null; wait "$PUMPD_PID"
reset_pulls
unset PUMPD_SENSOR_TOML
write_pumpd_config
rm -rf "$PD/state"; mkdir -p "$PD/state"
start_plant --after-steps $SENSOR_STEPS_BEFORE_ACTION --encoder-action stall
start_pumpd
start_program "${PROGRAM_SHORT[@]}"
wait_enable_offs 1 60 || fail completion "(ENABLE still on after 60 s)"
wait_status 10 '[[ $ST_STATE != running ]]' || fail completion "(still $ST_STATE)"
stop_plant 0.3
expect_eq_text completed_although_stalled "$ST_STATE" completed
expect delivered_steps "$ST_DELIVERED_STEPS" -eq "${PROGRAM_STEPS:-0}"
expect plunger_stopped_moving "${PL[motion_steps]:-}" -le $((SENSOR_STEPS_BEFORE_ACTION + 5))
result "state=$ST_STATE delivered_steps=$ST_DELIVERED_STEPS motion_steps=${PL[motion_steps]:-} (the plunger stopped after ${PL[motion_steps]:-?} of ${PL[steps]:-?} steps; nothing detected it) guest_stall_max_ms=${PL[max_stall_ms]:-}"
ctl ack > /dev/null 2>&1

kill -TERM "$PUMPD_PID" 2>/dev/null; wait "$PUMPD_PID"
echo "pumpd (sensors) exit $? (log: $PD/pumpd.log)"; tail -n 20 "$PD/pumpd.log"
unset PUMPD_SENSOR_TOML
