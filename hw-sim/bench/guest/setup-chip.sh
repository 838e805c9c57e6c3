# Sourced by guest scenario scripts (bash, inside the chroot). Creates the bench gpio-sim chip:
# lines 0..20 carry the default pin-map names and the sensor lines (the program under test), lines 21..41 are
# their bench-loopback mirrors named plant-<name> (the plant requests those as inputs with edge events).
# Sensor lines: enc-a/enc-b (quadrature encoder, inputs the plant drives through their pulls), hx711-sck
# (output), hx711-dout (input), driver-fault (nFAULT input, active low).
# Sets: CHIP (e.g. gpiochip0), SIMDEV (sysfs dir with sim_gpioN); helpers line_offset, set_pull, line_value.
BENCH_LINES=(pump-step pump-dir pump-enable pump-sleep pump-ms1 pump-ms2 pump-ms3 alarm-buzzer
             led-red led-yellow led-green estop syringe-present plunger-clamped end-of-travel occlusion
             enc-a enc-b hx711-sck hx711-dout driver-fault)
setup_chip() {
    local cfg=/sys/kernel/config/gpio-sim/pumpbench n=${#BENCH_LINES[@]} i
    mkdir "$cfg" "$cfg/bank0"
    echo $((2 * n)) > "$cfg/bank0/num_lines"
    for ((i = 0; i < n; i++)); do
        mkdir "$cfg/bank0/line$i" "$cfg/bank0/line$((i + n))"
        echo "${BENCH_LINES[$i]}" > "$cfg/bank0/line$i/name"
        echo "plant-${BENCH_LINES[$i]}" > "$cfg/bank0/line$((i + n))/name"
    done
    echo 1 > "$cfg/live"
    CHIP=$(cat "$cfg/bank0/chip_name")
    SIMDEV=/sys/devices/platform/$(cat "$cfg/dev_name")/$CHIP
    [[ -d "$SIMDEV/sim_gpio0" ]] || { echo "PUMP-BENCH: FAIL setup: no $SIMDEV/sim_gpio0"; return 1; }
}
declare -gA LINE_OFFSET=()
for _i in "${!BENCH_LINES[@]}"; do LINE_OFFSET[${BENCH_LINES[$_i]}]=$_i; done
# Builtins only below (no forks: every process start costs milliseconds under TCG).
line_offset() { echo "${LINE_OFFSET[$1]}"; }
# set_pull NAME up|down: drives an input line from outside (the switch), with a real edge event.
set_pull() { echo "pull-$2" > "$SIMDEV/sim_gpio${LINE_OFFSET[$1]}/pull"; }
# line_value NAME: sets REPLY to the physical value on a controller line (what the program drives, or its pull).
line_value() { read -r REPLY < "$SIMDEV/sim_gpio${LINE_OFFSET[$1]}/value"; }
