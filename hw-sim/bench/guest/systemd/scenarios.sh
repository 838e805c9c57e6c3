#!/bin/bash
# Guest side of the systemd bench (run by pumpbench.service under Debian's systemd as PID 1; see
# guest/systemd/init). Usage: scenarios.sh STAGE   (STAGE holds pumpd.deb and guest/)
# Two boots on one persistent disk: phase 1 installs the package and runs the live checks, then reboots in the
# middle of an infusion; phase 2 checks what the reboot kept, journalctl, systemd-analyze security, dpkg -r/-P.
# One `PUMP-BENCH-RESULT PASS|FAIL [scenario] ...` line per scenario, a table and `PUMP-BENCH-SYSTEMD: ...`.
set -u
STAGE=$1
GUEST_DIR=$STAGE/guest
STATE=/var/lib/pumpbench          # on the guest's disk: survives the reboot
mkdir -p "$STATE"
PHASE=1; [[ -f $STATE/phase ]] && read -r PHASE < "$STATE/phase"
source "$GUEST_DIR/setup-chip.sh"
source "$GUEST_DIR/common.sh"
[[ -f $STATE/results ]] && mapfile -t RESULTS < "$STATE/results"
[[ -f $STATE/failed ]] && mapfile -t FAILED < "$STATE/failed"
export PUMPD_SOCKET=/run/pumpd/pumpd.sock
WATCHDOG_BOUND_MS=6000  # WatchdogSec=5s + 1 s
# The bench drug library's long program (0.5 mL over 1 min, bench-saline): long enough for the kill and reboot.
PROGRAM_LONG=(--drug bench-saline --profile mood --weight-kg 50 --dose-mg-per-kg 0.01 --duration-min 1
              --concentration-mg-per-ml 1 --syringe bd-10)
now_ms() { echo $(( ${EPOCHREALTIME/./} / 1000 )); }
as() { local user=$1; shift; runuser -u "$user" -- "$@"; }
prop() { systemctl show -p "$1" --value pumpd; }

# status_read [USER]: `pumpctl status --raw` as USER (default viewer1) into ST_STATE ST_MOTOR ST_DELIVERED_STEPS ST_TARGET_STEPS.
status_read() {
    local json
    json=$(as "${1:-viewer1}" pumpctl status --raw 2>/dev/null) || return 1
    read -r ST_STATE ST_MOTOR ST_TARGET_STEPS ST_DELIVERED_STEPS <<< "$(jq -r '.result.status |
        "\(.state) \(.motor_enabled) \(.target_steps // -1) \(.delivered_steps // -1)"' <<< "$json")"
    [[ -n "${ST_STATE:-}" && $ST_STATE != null ]]
}
wait_status() {  # wait_status TIMEOUT_S CONDITION
    local deadline=$(( ${EPOCHREALTIME/./} + $1 * 1000000 ))
    while :; do
        if status_read && eval "$2"; then return 0; fi
        (( ${EPOCHREALTIME/./} > deadline )) && return 1
        sleep 0.3
    done
}
wait_active() {  # wait_active TIMEOUT_S: until pumpd is active and answers
    local deadline=$(( ${EPOCHREALTIME/./} + $1 * 1000000 ))
    while :; do
        [[ $(prop ActiveState) == active ]] && status_read && return 0
        (( ${EPOCHREALTIME/./} > deadline )) && return 1
        sleep 0.2
    done
}
save() {  # keeps the bookkeeping on the disk across the reboot
    printf '%s\n' "${RESULTS[@]}" > "$STATE/results"
    if ((${#FAILED[@]})); then printf '%s\n' "${FAILED[@]}" > "$STATE/failed"; else : > "$STATE/failed"; fi
}
finish() {
    ((${#FAILED[@]})) && dump_log 60
    echo "PUMP-BENCH-TABLE ---------------------------------------"
    local r; for r in "${RESULTS[@]}"; do echo "PUMP-BENCH-TABLE $r"; done
    if ((${#FAILED[@]})); then echo "PUMP-BENCH-SYSTEMD: FAIL ${FAILED[*]}"; else echo "PUMP-BENCH-SYSTEMD: PASS scenarios=${#RESULTS[@]}"; fi
    systemctl poweroff
    exit 0
}

echo "PUMP-BENCH-INFO phase $PHASE: PID 1 is $(readlink /proc/1/exe), system $(systemctl is-system-running), uptime $(cut -d' ' -f1 /proc/uptime) s"
# The chip pumpbench-chip.service created before pumpd.service (guest/systemd/chip.sh).
CFG=/sys/kernel/config/gpio-sim/pumpbench
CHIP=$(cat "$CFG/bank0/chip_name" 2>/dev/null) && SIMDEV=/sys/devices/platform/$(cat "$CFG/dev_name")/$CHIP
[[ -n "${CHIP:-}" && -d "$SIMDEV/sim_gpio0" ]] || { echo "PUMP-BENCH-SYSTEMD: FAIL setup (no gpio-sim chip from pumpbench-chip.service)"; systemctl poweroff; exit 1; }
# The host root is a Docker image's, whose /usr/sbin/policy-rc.d (no package owns it) answers 101 "do not touch
# services" to every maintainer script: a real Debian system has none, so the guest's copy is removed (the
# overlay hides it; the host keeps it). With it, `dpkg -r` would leave pumpd running, unit file gone.
rm -f /usr/sbin/policy-rc.d
# man-db's dpkg trigger re-indexes every manual page on the system (minutes under TCG): off in the bench guest.
rm -f /var/lib/man-db/auto-update
# dump_log: pumpd's journal of this boot, for a failed run's log.
dump_log() { journalctl -u pumpd -b --no-pager -o short-monotonic 2>&1 | tail -n "${1:-40}" | sed 's/^/PUMP-BENCH-LOG /'; }

if [[ $PHASE == 1 ]]; then
SCENARIO=boot-chip
expect_eq_text chip_before_pumpd "$(systemctl show -p ActiveState --value pumpbench-chip)" active
result "chip=$CHIP"
# ---- systemd-pid1: the guest really runs Debian's systemd -------------------------------------------------
SCENARIO=systemd-pid1
[[ $(readlink /proc/1/exe) == */systemd ]] || fail pid1 "(PID 1 is $(readlink /proc/1/exe))"
result "pid1=$(readlink /proc/1/exe) version=$(systemctl --version | head -n1 | cut -d' ' -f2) boot_uptime=$(cut -d' ' -f1 /proc/uptime)"

# ---- deb-install: dpkg -i as an admin does; enabled, not started; users, groups, udev rule ----------------
SCENARIO=deb-install
t0=$(now_ms)
if ! dpkg -i "$STAGE/pumpd.deb" > "$STATE/dpkg-i.log" 2>&1; then fail dpkg_install "($(tail -n 3 "$STATE/dpkg-i.log"))"; fi
install_ms=$(( $(now_ms) - t0 ))
expect_eq_text enabled "$(systemctl is-enabled pumpd 2>&1)" enabled
expect_eq_text not_started "$(systemctl is-active pumpd 2>&1)" inactive
for g in pumpd-nurse pumpd-observer gpio; do getent group "$g" > /dev/null || fail "group_$g" "(no group $g)"; done
expect_eq_text state_dir "$(stat -c '%U %a' /var/lib/pumpd 2>&1)" "pumpd 700"
expect_eq_text gpio_device "$(stat -c '%G %a' "/dev/$CHIP" 2>&1)" "gpio 660"
useradd -M -s /bin/bash -G pumpd-nurse,pumpd-observer nurse1
useradd -M -s /bin/bash -G pumpd-observer viewer1
useradd -M -s /bin/bash other1
result "install_ms=$install_ms enabled=$(systemctl is-enabled pumpd) active=$(systemctl is-active pumpd) chip=$CHIP"

# The admin's conffile edit: the bench chip, the bench drug library and pin map, the sensors declared absent
# (the shipped file leaves that decision open, and pumpd refuses --backend gpiod until it is made), the longest
# control period (TCG; see guest/pumpd-scenarios.sh).
install -m 0644 "$GUEST_DIR/pumpd/bench-drug-library.toml" /etc/pumpd/bench-drug-library.toml
sed "s/\"gpiochip0\"/\"$CHIP\"/" "$GUEST_DIR/pumpd/pin-map.json" > /etc/pumpd/pin-map.json
sed -i -e 's/^control_period_ms = .*/control_period_ms = 200/' \
       -e 's|^\[gpio\]$|drug_library = "/etc/pumpd/bench-drug-library.toml"\ngpio_pin_map = "/etc/pumpd/pin-map.json"\n\n[gpio]|' \
       -e "s/^chip = .*/chip = \"$CHIP\"/" -e 's/^# encoder = "absent".*/encoder = "absent"/' \
       -e 's/^# pressure = "absent".*/pressure = "absent"/' /etc/pumpd/pumpd.toml
# Library signatures: the packaged pumpd.toml sets library_signature = "required", so the clinic (here: the
# bench) signs the libraries in force with its own key and installs the public key; the private key never
# stays on the pump.
LIBKEYS=$(mktemp -d)
pump-library keygen --name bench-clinic --output-directory "$LIBKEYS" >/dev/null
install -d -m 0755 /etc/pumpd/library-keys /etc/pumpd/library-signatures
install -m 0644 "$LIBKEYS/bench-clinic.pub" /etc/pumpd/library-keys/bench-clinic.pub
pump-library sign --key "$LIBKEYS/bench-clinic.key" --output /etc/pumpd/library-signatures/bench-drug-library.toml.sig \
    /etc/pumpd/bench-drug-library.toml >/dev/null
pump-library sign --key "$LIBKEYS/bench-clinic.key" --output /etc/pumpd/library-signatures/syringes.toml.sig \
    /usr/share/pumpd/syringes.toml >/dev/null
rm -rf "$LIBKEYS"
pump-library verify --keys-dir /etc/pumpd/library-keys \
    --signature /etc/pumpd/library-signatures/bench-drug-library.toml.sig /etc/pumpd/bench-drug-library.toml >/dev/null 2>&1 \
    || fail library_signed "(pump-library verify refused the bench library just signed)"

# ---- systemd-ready: Type=notify, active only after READY=1, STATUS= shown by systemctl ---------------------
SCENARIO=systemd-ready
t0=$(now_ms)
systemctl start --no-block pumpd
seen_activating=0 answered_at_active=""
for ((i = 0; i < 600; i++)); do
    st=$(prop ActiveState)
    [[ $st == activating ]] && seen_activating=1
    if [[ $st == active ]]; then
        # Active means READY=1 was sent after the socket was bound: the first status request must answer.
        if status_read; then answered_at_active=1; else answered_at_active=0; fi
        break
    fi
    [[ $st == failed ]] && break
    sleep 0.05
done
ready_ms=$(( $(now_ms) - t0 ))
expect_eq_text active "$(prop ActiveState)/$(prop SubState)" active/running
expect_eq_text answers_when_active "$answered_at_active" 1
expect seen_activating_first "$seen_activating" -eq 1
status_text=$(prop StatusText)
[[ $status_text == idle\;* ]] || fail status_text "(StatusText='$status_text', expected pumpd's 'idle; ...')"
expect_eq_text notify_access "$(prop NotifyAccess)" main
[[ $(stat -c '%G %a' "$PUMPD_SOCKET" 2>&1) == "pumpd-observer 660" ]] || fail socket_mode "($(stat -c '%G %a' "$PUMPD_SOCKET" 2>&1))"
[[ $(prop ActiveState) == active ]] || journalctl -u pumpd --no-pager | tail -n 20
result "ready_ms=$ready_ms seen_activating=$seen_activating StatusText='$status_text'"

# ---- users: observer reads but may not start; the other user cannot open the socket ------------------------
SCENARIO=systemd-users
as viewer1 pumpctl status > /dev/null 2>&1 || fail viewer_status "(viewer1 could not read status)"
out=$(as viewer1 pumpctl start --raw --yes "${PROGRAM_LONG[@]}" 2>&1); rc=$?
((rc != 0)) || fail viewer_start_refused "(viewer1 started an infusion)"
[[ $out == *permission-denied* ]] || fail viewer_refusal_code "(expected permission-denied: $out)"
status_read; expect_eq_text viewer_left_idle "$ST_STATE" idle
as other1 pumpctl status > /dev/null 2>&1 && fail other_status "(other1 read status)"
other_errno=$(as other1 python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX)
try:
    s.connect(sys.argv[1]); print("connected")
except OSError as e:
    print(e.errno)' "$PUMPD_SOCKET")
expect other_connect_eacces "$other_errno" -eq 13
result "viewer_start_rc=$rc other_connect_errno=$other_errno"

# ---- systemd-nurse-infusion: nurse1 runs an infusion on --backend gpiod -----------------------------------
SCENARIO=systemd-nurse-infusion
out=$(as nurse1 pumpctl start --raw --yes "${PROGRAM_LONG[@]}" 2>&1) || fail nurse_start "(nurse1 start refused: $out)"
# The first status that shows it running with steps delivered, and the ENABLE line read right after it. (Later
# on, a long stall of the emulator can trip heartbeat-missed, which is pumpd doing its job: the check is that
# the nurse's infusion ran, read the moment it is seen running.)
ENABLE_SEEN=""
wait_status 20 '[[ $ST_STATE == running ]] && ((ST_DELIVERED_STEPS > 20)) && { line_value pump-enable; ENABLE_SEEN=$REPLY; }' \
    || fail running "(state=$ST_STATE delivered=$ST_DELIVERED_STEPS)"
expect enable_line_driven_on "$ENABLE_SEEN" -eq 0
expect_eq_text motor_on "$ST_MOTOR" true
result "state=$ST_STATE delivered_steps=$ST_DELIVERED_STEPS target_steps=$ST_TARGET_STEPS enable_line=$ENABLE_SEEN"
status_read; [[ $ST_STATE == running ]] || echo "PUMP-BENCH-INFO the infusion is $ST_STATE by now (an emulator stall trips heartbeat-missed; see PUMP-BENCH-LOG)"

# ---- systemd-watchdog: SIGSTOP mid-infusion -> watchdog kill within WatchdogSec + 1 s -> restart, interrupted
SCENARIO=systemd-watchdog
pid=$(prop MainPID); restarts0=$(prop NRestarts)
status_read; state_at_stop=$ST_STATE
t0=$(now_ms); read -r stop_uptime _ < /proc/uptime
kill -STOP "$pid"
dead_ms=""
for ((i = 0; i < 400; i++)); do
    if ! kill -0 "$pid" 2>/dev/null || [[ $(prop MainPID) != "$pid" ]]; then dead_ms=$(( $(now_ms) - t0 )); break; fi
    sleep 0.025
done
line_value pump-enable; enable_after_kill=$REPLY
expect watchdog_kill_ms "${dead_ms:-99999}" -le $WATCHDOG_BOUND_MS
expect enable_at_pull_after_kill "$enable_after_kill" -eq 1
wait_active 30 || fail restarted "(pumpd not active again: $(prop ActiveState)/$(prop SubState))"
expect restarts "$(prop NRestarts)" -gt "$restarts0"
wd_line=$(journalctl -u pumpd -b --no-pager -o short-monotonic 2>/dev/null | grep -m1 -i 'watchdog timeout' || true)
echo "PUMP-BENCH-INFO watchdog: stopped at guest ${stop_uptime}s; systemd: ${wd_line:-no watchdog line}"
[[ $(prop MainPID) != "$pid" ]] || fail new_pid "(same MainPID $pid)"
status_read; expect_eq_text restart_state "$ST_STATE" interrupted
expect_eq_text restart_motor_off "$ST_MOTOR" false
line_value pump-enable; expect enable_line_after_restart "$REPLY" -eq 1
result "state_at_stop=$state_at_stop kill_after_stop_ms=${dead_ms:-none} bound_ms=$WATCHDOG_BOUND_MS restarts=$(prop NRestarts) state=$ST_STATE delivered_steps=$ST_DELIVERED_STEPS"
as nurse1 pumpctl stop > /dev/null 2>&1; as nurse1 pumpctl ack > /dev/null 2>&1

# ---- systemd-reboot (phase 1): an infusion runs, then `systemctl reboot` -----------------------------------
SCENARIO=systemd-reboot
out=$(as nurse1 pumpctl start --raw --yes "${PROGRAM_LONG[@]}" 2>&1) || fail reboot_start "(nurse1 start refused: $out)"
wait_status 20 '[[ $ST_STATE == running ]] && ((ST_DELIVERED_STEPS > 40))' || fail reboot_running "(state=$ST_STATE delivered=$ST_DELIVERED_STEPS)"
echo "$ST_DELIVERED_STEPS" > "$STATE/delivered-before-reboot"
echo 2 > "$STATE/phase"
save
((${#FAILED[@]})) && dump_log 60
sync
echo "PUMP-BENCH-INFO rebooting mid-infusion: delivered_steps=$ST_DELIVERED_STEPS of $ST_TARGET_STEPS"
echo "PUMP-BENCH-SYSTEMD-REBOOTING"
systemctl reboot
exit 0
fi

# ================================== phase 2: after the reboot ==============================================
SCENARIO=systemd-reboot
read -r before < "$STATE/delivered-before-reboot"
wait_active 60 || fail active_after_boot "(pumpd not active after the reboot: $(prop ActiveState))"
status_read
expect_eq_text after_reboot_state "$ST_STATE" interrupted
expect_eq_text after_reboot_motor_off "$ST_MOTOR" false
expect delivered_kept "$ST_DELIVERED_STEPS" -ge "$before"
expect delivered_within_target "$ST_DELIVERED_STEPS" -le "$ST_TARGET_STEPS"
line_value pump-enable; expect enable_line_after_reboot "$REPLY" -eq 1
result "delivered_steps_before=$before after=$ST_DELIVERED_STEPS state=$ST_STATE (pumpd started at boot: enabled)"

# ---- systemd-journal: journalctl -u pumpd holds pumpd's own log lines ------------------------------------
SCENARIO=systemd-journal
mainpid=$(prop MainPID)
n_pumpd=$(journalctl -u pumpd -b --no-pager -o cat "_PID=$mainpid" 2>/dev/null | wc -l)
expect pumpd_log_lines "$n_pumpd" -ge 1
result "lines_from_pumpd_pid_$mainpid=$n_pumpd"

# ---- systemd-security: systemd-analyze security on the live unit <= 2.0 -----------------------------------
SCENARIO=systemd-security
sec=$(systemd-analyze security pumpd --no-pager 2>&1 | sed -n 's/.*Overall exposure level for pumpd.service: \([0-9.]*\).*/\1/p')
[[ -n $sec ]] && awk -v s="$sec" 'BEGIN {exit !(s <= 2.0)}' || fail exposure "(exposure '$sec', expected <= 2.0)"
result "exposure=$sec"
as nurse1 pumpctl stop > /dev/null 2>&1; as nurse1 pumpctl ack > /dev/null 2>&1

# ---- deb-remove: dpkg -r stops and disables, keeps the journal; dpkg -P removes config, keeps the journal --
SCENARIO=deb-remove
t0=$(now_ms)
dpkg -r pumpd > "$STATE/dpkg-r.log" 2>&1 || fail dpkg_remove "($(tail -n 3 "$STATE/dpkg-r.log"))"
remove_ms=$(( $(now_ms) - t0 ))
stop_result="$(prop Result)/$(prop ExecMainCode)/$(prop ExecMainStatus)"
expect_eq_text stopped "$(systemctl is-active pumpd 2>&1)" inactive
[[ $(systemctl is-enabled pumpd 2>&1) != enabled ]] || fail disabled "(still enabled)"
line_value pump-enable; expect enable_line_after_remove "$REPLY" -eq 1
[[ -s /var/lib/pumpd/journal.sqlite ]] || fail journal_kept_remove "(no /var/lib/pumpd/journal.sqlite)"
[[ -f /etc/pumpd/pumpd.toml ]] || fail conffile_kept_remove "(pumpd.toml gone after dpkg -r)"
dpkg -P pumpd > "$STATE/dpkg-P.log" 2>&1 || fail dpkg_purge "($(tail -n 3 "$STATE/dpkg-P.log"))"
[[ ! -e /etc/pumpd/pumpd.toml ]] || fail conffile_purged "(pumpd.toml still there after dpkg -P)"
[[ -s /var/lib/pumpd/journal.sqlite ]] || fail journal_kept_purge "(journal gone after dpkg -P)"
result "remove_ms=$remove_ms stop_result=$stop_result after_remove=$(systemctl is-active pumpd 2>&1)/$(systemctl is-enabled pumpd 2>&1) journal_bytes=$(stat -c %s /var/lib/pumpd/journal.sqlite 2>&1)"
save
finish
