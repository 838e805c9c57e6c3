# Sourced by scenarios.sh: the driver-level scenarios. They drive GPIODPump directly through the
# `gpiod-bench` program ($BENCH), because they show what pumpd cannot: a step refused inside the 2 ms
# settle time (pumpd never schedules one), DIR switched right before a retract step (pumpd retracts only in
# an occlusion back-off, which needs a pressure sensor the bench does not have), and the kill -9 sensitivity
# run with ENABLE wrongly pulled to "enabled".
# bench_parse: the gpiod-bench output's `BENCH ...` lines into BN.
bench_parse() { parse_into /tmp/bench.out BENCH BN; }

# ---- direction: DIR set before the first step of each direction ---------------------------------------
SCENARIO=driver-direction
reset_pulls; start_plant
timeout 30 "$BENCH" run --chip "$CHIP" --count 300 --retract-count 200 --rate 1000 > /tmp/bench.out 2>&1
echo "bench exit $?"; cat /tmp/bench.out; stop_plant; bench_parse
expect infuse_steps "${PL[steps_infuse]:-}" -eq 300
expect retract_steps "${PL[steps_retract]:-}" -eq 200
expect backend_steps "${BN[backend_steps]:-}" -eq 500
expect dir_setup_ns "${PL[dir_setup_min_ns]:-}" -ge 1000
expect enable_to_first_step_ns "${PL[enable_to_step_min_ns]:-}" -ge 2000000
expect enable_off_before_close "${PL[last_enable_off_ns]:-}" -lt "${BN[close_ns]:-0}"
common_checks
result "infuse=${PL[steps_infuse]:-} retract=${PL[steps_retract]:-} dir_setup_min_us=$(( ${PL[dir_setup_min_ns]:-0} / 1000 )) enable_to_first_step_ms=$(ms "${PL[enable_to_step_min_ns]:-}")"

# ---- settle: a step within the 2 ms settle time is refused and ENABLE dropped -------------------------
SCENARIO=driver-settle
reset_pulls; start_plant
timeout 30 "$BENCH" settle --chip "$CHIP" > /tmp/bench.out 2>&1
echo "bench exit $?"; cat /tmp/bench.out; stop_plant; bench_parse
grep -q 'refusal=.*settling' /tmp/bench.out || fail step_refused "(no settle refusal)"
expect plant_steps_warmup_only "${PL[steps]:-}" -eq 1
expect enable_on_edges "${PL[enable_on_edges]:-}" -eq 2
expect enable_off_edges "${PL[enable_off_edges]:-}" -eq 2
common_checks
result "refused=yes steps=${PL[steps]:-} (1 warm-up step)"

# ---- kill9-wrong-pull: sensitivity of the pumpd kill -9 check ------------------------------------------
# Proves the pumpd-kill9 scenario detects the hazard it guards against (HAZ-003): without the hardware
# pull-up the driver stays enabled after the process dies.
SCENARIO=driver-kill9-wrong-pull
reset_pulls; set_pull pump-enable down; rm -f /tmp/bench.pid
start_plant --kill-pid-file /tmp/bench.pid --after-steps 300
"$BENCH" run --chip "$CHIP" --forever --rate 1000 > /tmp/bench.out 2>&1 &
BENCH_PID=$!; echo $BENCH_PID > /tmp/bench.pid
( sleep 20; kill -9 $BENCH_PID 2>/dev/null ) & guard=$!
wait $BENCH_PID; KILL_STATUS=$?; kill $guard 2>/dev/null
echo "bench exit $KILL_STATUS"; cat /tmp/bench.out; stop_plant 0.2
expect killed_by_sigkill "$KILL_STATUS" -eq 137
expect hazard_visible_enable_left_on "${PL[enable_final]:-}" -eq 1
result "enable_after_kill=${PL[enable_final]:-} (1 = motor left enabled: the hazard the pull-up prevents)"
