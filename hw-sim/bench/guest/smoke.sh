# Guest smoke test of the bench loopback with the gpiod tools.
source "$(dirname "$0")/setup-chip.sh"
setup_chip || exit 1
gpioinfo "$CHIP" | head -5
timeout 5 gpiomon --num-events=4 "$CHIP" ${#BENCH_LINES[@]} > /tmp/mon.txt &
sleep 0.5
gpioset "$CHIP" 0=1; gpioset "$CHIP" 0=0; gpioset "$CHIP" 0=1; gpioset "$CHIP" 0=0
wait
cat /tmp/mon.txt
echo "value of line 2 with pull-up: $(set_pull pump-enable up; line_value pump-enable), mirror pull: $(cat $SIMDEV/sim_gpio$((2 + ${#BENCH_LINES[@]}))/pull)"
