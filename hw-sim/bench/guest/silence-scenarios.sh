# Sourced by scenarios.sh after the other daemon scenarios: IEC 60601-1-8 "audio paused" on the real buzzer
# line (issue 14 item 1). pumpd --backend gpiod latches a high-priority alarm (the estop command), the plant
# sees the buzzer bursts (10 pulses every 5 s) and the red LED flashing on gpio-sim; `pumpctl silence` stops the
# buzzer line pattern while the alarm stays listed and the red LED keeps flashing, and the buzzer comes back by
# itself after alarm_audio_pause_s (SILENCE_PAUSE_S, default 8 s: on real hardware --sim-speed cannot scale pump
# time, so the pause is set short in the config, long enough to cover at least one 5-s burst start). Windows
# are cut by marks at instants relative to the alarm (sleep_until), not by fixed sleeps after slow commands.
SILENCE_PAUSE_S=${SILENCE_PAUSE_S:-8}

# sleep_until T0_US OFFSET_MS: sleeps until T0 + OFFSET (returns at once when that is past).
sleep_until() {
    local left=$(( $1 + $2 * 1000 - ${EPOCHREALTIME/./} ))
    ((left > 0)) && sleep "$((left / 1000000)).$(printf '%06d' $((left % 1000000)))"
    return 0
}

# ---- pumpd-silence: buzzer pattern off on silence, back after the pause, lights on throughout ---------------
SCENARIO=pumpd-silence
[[ -n "${PUMPD_PID:-}" ]] && { kill -TERM "$PUMPD_PID" 2>/dev/null; wait "$PUMPD_PID" 2>/dev/null; }
reset_pulls
unset PUMPD_SENSOR_TOML
write_pumpd_config
{ echo "alarm_audio_pause_s = $SILENCE_PAUSE_S"; cat "$PD/pumpd.toml"; } > "$PD/pumpd.toml.new" && mv "$PD/pumpd.toml.new" "$PD/pumpd.toml"
rm -rf "$PD/state"; mkdir -p "$PD/state"
if start_plant && start_pumpd; then
    pause_ms=$((SILENCE_PAUSE_S * 1000))
    ctl estop > /dev/null 2>&1 || fail estop_command "(pumpctl estop refused)"
    t0=${EPOCHREALTIME/./}
    mark_plant                       # window 0 (start-up, idle) ends at the alarm
    sleep_until "$t0" 3000; mark_plant   # window 1: the first high-priority burst (0-2.5 s)
    out=$(ctl silence 2>&1) || fail silence_command "(pumpctl silence: $out)"
    t_silence=${EPOCHREALTIME/./}
    sleep_until "$t_silence" 300; mark_plant   # window 2: the command's own transition, not judged
    status_read
    jq -e '.result.status.audio_paused == true and ([.result.status.alarms[] | select(.code == "estop" and .audio_paused_until != null)] | length == 1)' \
        <<< "$ST_JSON" > /dev/null || fail audio_paused_status "(status: $(jq -c '{audio_paused: .result.status.audio_paused, alarms: [.result.status.alarms[] | {code, audio_paused_until}]}' <<< "$ST_JSON"))"
    sleep_until "$t_silence" $((pause_ms - 700)); mark_plant   # window 3: paused (covers a burst start)
    sleep_until "$t_silence" $((pause_ms + 700)); mark_plant   # window 4: the pause ending, not judged
    sleep_until "$t_silence" $((pause_ms + 6500)); mark_plant  # window 5: after the pause (>= 1 burst start)
    status_read
    stop_plant 0.2
    expect_eq_text estop_latched "$(has_alarm estop && echo yes)" yes
    jq -e '.result.status.audio_paused == false' <<< "$ST_JSON" > /dev/null \
        || fail audio_pause_ended "(audio_paused still $(jq -c '.result.status.audio_paused' <<< "$ST_JSON"))"
    expect before_buzzer_pulses "${PA[w1_buzzer_rises]:-}" -ge 3
    expect paused_buzzer_pulses "${PA[w3_buzzer_rises]:-}" -eq 0
    expect paused_buzzer_quiet_at_end "${PA[w3_buzzer_level_end]:-}" -eq 0
    expect paused_red_flashes "${PA[w3_red_rises]:-}" -ge 2
    expect paused_red_period_ms "${PA[w3_red_period_ms]:-}" -ge 400
    expect paused_red_period_ms "${PA[w3_red_period_ms]:-}" -le 600
    expect after_buzzer_pulses "${PA[w5_buzzer_rises]:-}" -ge 3
    expect after_red_flashes "${PA[w5_red_rises]:-}" -ge 2
    common_checks
    result "pause_s=$SILENCE_PAUSE_S buzzer_rises: before=${PA[w1_buzzer_rises]:-} paused=${PA[w3_buzzer_rises]:-} after=${PA[w5_buzzer_rises]:-} red_rises_paused=${PA[w3_red_rises]:-} red_period_ms_paused=${PA[w3_red_period_ms]:-} paused_window_ms=$(( (${PA[w3_end_ns]:-0} - ${PA[w3_start_ns]:-0}) / 1000000 )) guest_stall_max_ms=${PL[max_stall_ms]:-}"
    ctl ack > /dev/null 2>&1
    kill -TERM "$PUMPD_PID" 2>/dev/null; wait "$PUMPD_PID"
else
    stop_plant; result "pumpd did not start for the silence scenario"
fi
