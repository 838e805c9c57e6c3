# Sourced by scenarios.sh after sensor-scenarios.sh: line pressure through the HX711 load cell. pumpd runs
# with [gpio.pressure] on hx711-sck / hx711-dout; the plant answers the HX711 protocol at 10 Hz with its
# modelled line pressure (0 mmHg while the line is open; +0.5 mmHg per infused step and −0.5 per retracted
# step once the plant closes the clamp), or goes silent.
#
# Bench settings: span 0.01 mmHg per count, tare 0; bit_settle_us 2000 (the plant answers each SCK edge from
# user space under TCG; hardware: 1 µs); silent_ms PRESSURE_SILENT_MS (default 2000: a guest stall must not
# read as a silent sensor; shipped default 500).
PRESSURE_SILENT_MS=${PRESSURE_SILENT_MS:-2000}
BACKOFF_TARGET_MMHG=20   # the engine's default back-off target

pressure_toml() {
    cat <<TOML
encoder = "absent"
[gpio.pressure]
sck = "hx711-sck"
dout = "hx711-dout"
tare_counts = 0
span_mmhg_per_count = 0.01
bit_settle_us = 2000
silent_ms = $PRESSURE_SILENT_MS
TOML
}
hx711_plant_args() { echo --hx711 "$SIMDEV/sim_gpio$(line_offset hx711-dout)/pull"; }

SCENARIO=pumpd-occlusion-force
reset_pulls
PUMPD_SENSOR_TOML=$(pressure_toml)
write_pumpd_config
rm -rf "$PD/state"; mkdir -p "$PD/state"
if start_plant $(hx711_plant_args) --after-steps $SENSOR_STEPS_BEFORE_ACTION --encoder-action occlude && start_pumpd; then
    jq -e '.result.status.missing_sensors == ["encoder"]' <<< "$ST_JSON" > /dev/null \
        || fail missing_sensors "(status: $(jq -c '.result.status.missing_sensors' <<< "$ST_JSON"))"
    sleep 1   # a few HX711 frames before the start (a silent sensor refuses the start)
    start_program "${PROGRAM_LONG[@]}"
    wait_plant_actions 1 30 || fail plant_action "(the plant did not close the clamp)"
    wait_enable_offs 1 30 || fail enable_off "(ENABLE still on 30 s after the occlusion)"
    wait_status 10 'has_alarm occlusion' || fail alarm "(alarms $ST_ALARMS, state $ST_STATE: $(jq -c '[.result.status.alarms[].message]' <<< "$ST_JSON"))"
    sleep 3   # the back-off: retract pulses until the measured pressure is at the target
    status_read
    message=$(jq -r '[.result.status.alarms[] | select(.code == "occlusion") | .message][0] // ""' <<< "$ST_JSON")
    stop_plant 0.3
    expect_eq_text motor "$ST_MOTOR" false
    expect retract_pulses "${PL[steps_retract]:-}" -gt 0
    expect retract_pulses_after_occlusion "${PL[retract_steps_after_action]:-}" -eq "${PL[steps_retract]:-x}"
    expect pressure_after_backoff_mmhg "${PL[pressure_end_mmhg]:-999}" -le $BACKOFF_TARGET_MMHG
    expect hx711_frames "${PL[hx711_frames]:-}" -gt 10
    common_checks
    result "alarm=occlusion occlusion_to_enable_off_ms=$(ms "${PL[action_latencies_ns]:-}") steps_to_alarm=${PL[action_steps_before_off]:-} pressure_max_mmhg=${PL[pressure_max_mmhg]:-} pressure_at_first_retract_mmhg=${PL[pressure_at_first_retract_mmhg]:-} retract_pulses=${PL[steps_retract]:-} pressure_after_backoff_mmhg=${PL[pressure_end_mmhg]:-} target_mmhg=$BACKOFF_TARGET_MMHG hx711_frames=${PL[hx711_frames]:-} message=\"$message\" guest_stall_max_ms=${PL[max_stall_ms]:-}"
    reset_session
else
    stop_plant; result "pumpd did not start with the load cell configured"
fi

SCENARIO=pumpd-pressure-silent
reset_pulls
no_open_session
start_plant $(hx711_plant_args) --after-steps $SENSOR_STEPS_BEFORE_ACTION --encoder-action silent
sleep 1
start_program "${PROGRAM_LONG[@]}"
wait_plant_actions 1 30 || fail plant_action "(the plant did not silence the HX711)"
wait_enable_offs 1 $(( PRESSURE_SILENT_MS / 1000 + 10 )) || fail enable_off "(ENABLE still on)"
wait_status 5 'has_alarm pressure-sensor-fault' || fail alarm "(alarms $ST_ALARMS, state $ST_STATE)"
expect_eq_text state "$ST_STATE" alarm
expect_eq_text motor "$ST_MOTOR" false
delivered=$ST_DELIVERED_STEPS
stop_plant 0.3
expect silent_to_enable_off_ns "${PL[action_latencies_ns]:-}" -le $(( (PRESSURE_SILENT_MS + 1000) * 1000000 ))
expect steps_after_enable_off "${PL[action_steps_after_off]:-}" -eq 0
expect counted_steps_equal_delivered "${PL[steps]:-}" -eq "$delivered"
common_checks
result "alarm=pressure-sensor-fault silent_to_enable_off_ms=$(ms "${PL[action_latencies_ns]:-}") silent_ms=$PRESSURE_SILENT_MS counted=${PL[steps]:-} delivered=$delivered guest_stall_max_ms=${PL[max_stall_ms]:-}"
reset_session

kill -TERM "$PUMPD_PID" 2>/dev/null; wait "$PUMPD_PID"
echo "pumpd (pressure) exit $? (log: $PD/pumpd.log)"; tail -n 20 "$PD/pumpd.log"
unset PUMPD_SENSOR_TOML
