# Sourced by guest scenario scripts (bash, inside the chroot). Creates the bench gpio-sim chip:
# lines 0..15 carry the default pin-map names (the program under test), lines 16..31 are their bench-loopback
# mirrors named plant-<name> (the plant requests those as inputs with edge events).
# Sets: CHIP (e.g. gpiochip0), SIMDEV (sysfs dir with sim_gpioN), and line_offset NAME.
BENCH_LINES=(pump-step pump-dir pump-enable pump-sleep pump-ms1 pump-ms2 pump-ms3 alarm-buzzer
             led-red led-yellow led-green estop syringe-present plunger-clamped end-of-travel occlusion)
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
line_offset() { local i; for i in "${!BENCH_LINES[@]}"; do [[ "${BENCH_LINES[$i]}" == "$1" ]] && { echo "$i"; return; }; done; return 1; }
# set_pull NAME up|down: drives an input line from outside (the switch), with a real edge event.
set_pull() { echo "pull-$2" > "$SIMDEV/sim_gpio$(line_offset "$1")/pull"; }
# line_value NAME: the physical value on a controller line (what the program drives, or its pull).
line_value() { cat "$SIMDEV/sim_gpio$(line_offset "$1")/value"; }
