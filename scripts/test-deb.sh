#!/usr/bin/env bash
# Package tests on the host (issue 15): builds the .deb once (scripts/build-deb.sh: release build with the
# static Swift runtime, lintian with no errors and only accepted warnings), then checks
#  1. the package itself (dpkg-deb): fields, Depends (Debian libraries only), the file list, the conffile,
#     the binaries (no RUNPATH, no Swift .so, they run with /opt/swift out of reach);
#  2. an installation into a scratch root with `dpkg --root` (maintainer scripts run chrootless with
#     DPKG_ROOT): users and groups, /var/lib/pumpd 0700 pumpd, the unit enabled (not started), the conffile
#     registered, pumpd reading the libraries installed under /usr/share/pumpd;
#  3. `dpkg -r`: binaries and unit gone, service disabled, edited conffile and journal kept; `dpkg -P`:
#     conffile gone, journal still kept.
# Stopping the running service on remove and daemon-reload need a live systemd: the systemd bench checks
# them in the qemu guest (hw-sim/bench/run-systemd.sh).
# Leaves the package in .build/deb/ for the systemd bench. Prints one PASS/FAIL line per check; exits non-zero
# on any failure.
# Usage: scripts/test-deb.sh [--skip-build]   (--skip-build: package the release build already in .build)
set -uo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
export PATH=/opt/swift/usr/bin:$PATH
OUT=$REPO/.build/deb
FAILS=0
pass() { echo "PUMP-DEB PASS $*"; }
fail() { echo "PUMP-DEB FAIL $*"; FAILS=$((FAILS + 1)); }
check() { local name=$1; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }

start=$(date +%s)
rm -f "$OUT"/pumpd_*.deb
DEB=$(bash scripts/build-deb.sh --out "$OUT" "$@" | tail -n 1) || { echo "PUMP-DEB FAIL build-deb.sh (lintian or build)"; exit 1; }
[[ -f "$DEB" ]] || { echo "PUMP-DEB FAIL no package ($DEB)"; exit 1; }
pass "build-deb.sh: $(basename "$DEB") built, lintian without errors"
SEMVER=$(sed -n 's/^public let softwareVersion = "\([^"]*\)".*/\1/p' Sources/PumpProtocol/SoftwareVersion.swift)

# ---- 1. the package -----------------------------------------------------------------------------------
field() { dpkg-deb -f "$DEB" "$1"; }
check "name pumpd_<version>_<arch>.deb" test "$(basename "$DEB")" = "pumpd_$(field Version)_$(dpkg --print-architecture).deb"
check "version from SoftwareVersion.swift ($SEMVER -> $(field Version))" dpkg --compare-versions "$(field Version)" eq "${SEMVER/-/\~}"
DEPENDS=$(field Depends)
check "Depends names libc6, libgpiod2, libsqlite3-0 ($DEPENDS)" \
    bash -c '[[ "$1" == *libc6* && "$1" == *libgpiod2* && "$1" == *libsqlite3-0* ]]' _ "$DEPENDS"
check "Depends has no Swift package" bash -c '! grep -qi swift <<< "$1"' _ "$DEPENDS"
LIST=$(dpkg-deb -c "$DEB" | awk '{print $6}' | sed 's|^\./|/|')
expected_files=(/usr/sbin/pumpd /usr/bin/pumpctl /usr/share/pumpd/drug-library.toml /usr/share/pumpd/syringes.toml
    /lib/systemd/system/pumpd.service /usr/lib/sysusers.d/pumpd.conf /usr/lib/tmpfiles.d/pumpd.conf
    /lib/udev/rules.d/60-pumpd-gpio.rules /etc/pumpd/pumpd.toml /usr/share/bash-completion/completions/pumpctl
    /usr/share/man/man1/pumpctl.1.gz /usr/share/doc/pumpd/copyright /usr/share/doc/pumpd/changelog.gz
    /usr/share/doc/pumpd/README.md /usr/bin/pump-library /usr/bin/pump-hl7-bridge
    /lib/systemd/system/pump-hl7-bridge.service /etc/pumpd/hl7-bridge.toml /etc/pumpd/library-keys/
    /etc/pumpd/library-signatures/)
missing=()
for f in "${expected_files[@]}"; do grep -qx "$f" <<< "$LIST" || missing+=("$f"); done
check "file list has all ${#expected_files[@]} expected files ${missing[*]:+(missing: ${missing[*]})}" test ${#missing[@]} -eq 0
check "nothing under /usr/local, /opt or /var/lib/pumpd in the package" bash -c '! grep -E "^/(usr/local|opt|var/lib/pumpd)" <<< "$1"' _ "$LIST"
CONFFILES=$(dpkg-deb --ctrl-tarfile "$DEB" | tar -xO ./conffiles)
check "conffiles are exactly /etc/pumpd/pumpd.toml and /etc/pumpd/hl7-bridge.toml" \
    test "$CONFFILES" = "$(printf '/etc/pumpd/pumpd.toml\n/etc/pumpd/hl7-bridge.toml')"
X=$(mktemp -d); trap 'rm -rf "$X"' EXIT
dpkg-deb -x "$DEB" "$X/x"
check "the packaged pumpd.toml requires signed libraries" grep -qx 'library_signature = "required"' "$X/x/etc/pumpd/pumpd.toml"
check "the library key and signature directories exist (empty until the clinic signs)" \
    test -d "$X/x/etc/pumpd/library-keys" -a -d "$X/x/etc/pumpd/library-signatures"
for f in "$X"/x/usr/sbin/pumpd "$X"/x/usr/bin/*; do
    name=$(basename "$f")
    check "$name: no RUNPATH/RPATH" bash -c '! readelf -d "$1" | grep -qE "\((RUNPATH|RPATH)\)"' _ "$f"
    check "$name: no Swift shared library needed" bash -c '! readelf -d "$1" | grep "(NEEDED)" | grep -qiE "swift|Foundation|dispatch|BlocksRuntime"' _ "$f"
    check "$name: every library from a Debian package" bash -c 'ldd "$1" | awk '"'"'$2 == "=>" {print $3}'"'"' | while read -r l; do [[ $l == /* ]] || exit 1; dpkg -S "$(readlink -f "$l")" >/dev/null 2>&1 || dpkg -S "$l" >/dev/null 2>&1 || exit 1; done' _ "$f"
done
# The binaries run with the toolchain out of reach (no /opt/swift on PATH or in the loader's path).
check "pumpctl --version runs without /opt/swift" bash -c 'env -i PATH=/usr/bin:/bin "$1" --version | grep -qF "$2"' _ "$X/x/usr/bin/pumpctl" "$SEMVER"
check "pumpd --help runs without /opt/swift" bash -c 'env -i PATH=/usr/bin:/bin "$1" --help >/dev/null' _ "$X/x/usr/sbin/pumpd"
check "bash completion script completes pumpctl" grep -q "complete .*pumpctl" "$X/x/usr/share/bash-completion/completions/pumpctl"
check "man page is docs/man/pumpctl.1" bash -c 'zcat "$1" | cmp -s - docs/man/pumpctl.1' _ "$X/x/usr/share/man/man1/pumpctl.1.gz"
check "packaged unit runs /usr/sbin/pumpd" grep -qx "ExecStart=/usr/sbin/pumpd --config /etc/pumpd/pumpd.toml" "$X/x/lib/systemd/system/pumpd.service"

# ---- 2. install into a scratch root -------------------------------------------------------------------
R=$X/root
mkdir -p "$R"/var/lib/dpkg/{info,updates,triggers} "$R"/etc "$R"/var/lib/systemd
touch "$R"/var/lib/dpkg/{status,available}
DPKG=(dpkg --root="$R" --force-script-chrootless --force-depends --log=/dev/null)
if "${DPKG[@]}" -i "$DEB" > "$X/dpkg-i.log" 2>&1; then pass "dpkg --root -i"; else fail "dpkg --root -i: $(cat "$X/dpkg-i.log")"; fi
check "dpkg-query: pumpd installed" bash -c '[[ $(dpkg-query --root="$1" -W -f="\${Status}" pumpd) == "install ok installed" ]]' _ "$R"
missing=()
for f in "${expected_files[@]}"; do [[ -e "$R$f" ]] || missing+=("$f"); done
check "every packaged file installed ${missing[*]:+(missing: ${missing[*]})}" test ${#missing[@]} -eq 0
check "conffile registered: /etc/pumpd/pumpd.toml" bash -c 'dpkg-query --root="$1" -W -f="\${Conffiles}" pumpd | grep -q "^ /etc/pumpd/pumpd.toml [0-9a-f]\{32\}$"' _ "$R"
# systemd-sysusers' effect.
PUMPD_UID=$(awk -F: '$1 == "pumpd" {print $3}' "$R/etc/passwd" 2>/dev/null)
check "sysusers: user pumpd (system uid, home /var/lib/pumpd, nologin)" \
    awk -F: '$1 == "pumpd" && $3 < 1000 && $6 == "/var/lib/pumpd" && $7 == "/usr/sbin/nologin" {ok = 1} END {exit !ok}' "$R/etc/passwd"
for g in pumpd pumpd-nurse pumpd-observer pumpd-monitor gpio; do
    check "sysusers: group $g" awk -F: -v g="$g" '$1 == g && $3 < 1000 {ok = 1} END {exit !ok}' "$R/etc/group"
done
# systemd-tmpfiles' effect.
check "tmpfiles: /var/lib/pumpd is 0700 pumpd:pumpd" bash -c '[[ $(stat -c "%a %u" "$1/var/lib/pumpd") == "700 $2" ]]' _ "$R" "$PUMPD_UID"
check "tmpfiles: /etc/pumpd/pumpd.toml is 0644 root" bash -c '[[ $(stat -c "%a %u" "$1/etc/pumpd/pumpd.toml") == "644 0" ]]' _ "$R"
# deb-systemd-helper's effect: enabled (the symlink multi-user.target wants), not started (nothing runs here).
WANTS=$R/etc/systemd/system/multi-user.target.wants/pumpd.service
check "unit enabled: multi-user.target.wants/pumpd.service -> /lib/systemd/system/pumpd.service" \
    bash -c '[[ $(readlink "$1") == /lib/systemd/system/pumpd.service ]]' _ "$WANTS"

# pumpd finds the libraries installed with it (<prefix>/share/pumpd), not the build tree's bundle: with the
# bench library (one drug, bench-saline) installed in its place, a bench-saline program is accepted; with the
# shipped library it is refused and a ketamine program is accepted.
run_installed_pumpd() {  # run_installed_pumpd PROGRAM...: starts the scratch root's pumpd (simulator), runs pumpctl start, stops
    local sock=$X/pumpd.sock rc
    mkdir -p "$X/state"; : > "$X/empty.toml"
    "$R/usr/sbin/pumpd" --config "$X/empty.toml" --backend sim --sim-speed 30 --socket "$sock" --state-dir "$X/state" \
        --allow-root --control-group root --read-only-group root --socket-group root --log-level error > "$X/pumpd.log" 2>&1 &
    local pid=$! i
    for ((i = 0; i < 150; i++)); do PUMPD_SOCKET=$sock "$R/usr/bin/pumpctl" status > /dev/null 2>&1 && break; sleep 0.1; done
    PUMPD_SOCKET=$sock "$R/usr/bin/pumpctl" start --yes "$@" > "$X/start.out" 2>&1; rc=$?
    PUMPD_SOCKET=$sock "$R/usr/bin/pumpctl" stop > /dev/null 2>&1
    kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    rm -rf "$X/state"
    return $rc
}
BENCH_PROGRAM=(--drug bench-saline --profile mood --weight-kg 50 --dose-mg-per-kg 0.002 --duration-min 0.15 --concentration-mg-per-ml 1 --syringe bd-10)
KETAMINE_PROGRAM=(--drug ketamine --profile mood --weight-kg 70 --dose-mg-per-kg 0.5 --duration-min 40 --concentration-mg-per-ml 10 --syringe bd-50)
check "installed pumpd: ketamine program accepted with the shipped library" run_installed_pumpd "${KETAMINE_PROGRAM[@]}"
if run_installed_pumpd "${BENCH_PROGRAM[@]}"; then fail "installed pumpd: bench-saline refused with the shipped library"; else pass "installed pumpd: bench-saline refused with the shipped library"; fi
cp "$R/usr/share/pumpd/drug-library.toml" "$X/shipped-drug-library.toml"
cp hw-sim/bench/guest/pumpd/bench-drug-library.toml "$R/usr/share/pumpd/drug-library.toml"
check "installed pumpd reads /usr/share/pumpd/drug-library.toml (bench library there: bench-saline accepted)" run_installed_pumpd "${BENCH_PROGRAM[@]}"
cp "$X/shipped-drug-library.toml" "$R/usr/share/pumpd/drug-library.toml"

# ---- 3. remove and purge ------------------------------------------------------------------------------
echo "# edited by the admin" >> "$R/etc/pumpd/pumpd.toml"
echo "journal" > "$R/var/lib/pumpd/journal.sqlite"
if "${DPKG[@]}" -r pumpd > "$X/dpkg-r.log" 2>&1; then pass "dpkg --root -r"; else fail "dpkg --root -r: $(cat "$X/dpkg-r.log")"; fi
check "remove: binaries, unit and libraries gone" bash -c '! ls "$1"/usr/sbin/pumpd "$1"/usr/bin/pumpctl "$1"/lib/systemd/system/pumpd.service "$1"/usr/share/pumpd/drug-library.toml 2>/dev/null | grep -q .' _ "$R"
check "remove: service disabled (no multi-user.target.wants symlink)" bash -c '[[ ! -L "$1" ]]' _ "$WANTS"
check "remove: the edited conffile is kept" grep -qx "# edited by the admin" "$R/etc/pumpd/pumpd.toml"
check "remove: the journal in /var/lib/pumpd is kept" grep -qx journal "$R/var/lib/pumpd/journal.sqlite"
check "remove: dpkg keeps pumpd as config-files" bash -c '[[ $(dpkg-query --root="$1" -W -f="\${Status}" pumpd) == "deinstall ok config-files" ]]' _ "$R"
if "${DPKG[@]}" -i "$DEB" > "$X/dpkg-i2.log" 2>&1; then pass "reinstall after remove"; else fail "reinstall after remove: $(cat "$X/dpkg-i2.log")"; fi
check "reinstall: the edited conffile is not overwritten" grep -qx "# edited by the admin" "$R/etc/pumpd/pumpd.toml"
check "reinstall: enabled again" bash -c '[[ $(readlink "$1") == /lib/systemd/system/pumpd.service ]]' _ "$WANTS"
if "${DPKG[@]}" -P pumpd > "$X/dpkg-P.log" 2>&1; then pass "dpkg --root -P"; else fail "dpkg --root -P: $(cat "$X/dpkg-P.log")"; fi
check "purge: /etc/pumpd/pumpd.toml removed" test ! -e "$R/etc/pumpd/pumpd.toml"
check "purge: service disabled" bash -c '[[ ! -L "$1" ]]' _ "$WANTS"
check "purge: the journal in /var/lib/pumpd is still kept" grep -qx journal "$R/var/lib/pumpd/journal.sqlite"
check "purge: dpkg no longer knows pumpd" bash -c '! dpkg-query --root="$1" -W pumpd >/dev/null 2>&1 || [[ $(dpkg-query --root="$1" -W -f="\${Status}" pumpd) == *not-installed ]]' _ "$R"

echo "package tests: $(( $(date +%s) - start )) s, $FAILS failed; package left in $DEB"
if ((FAILS)); then echo "PUMP-DEB: FAIL ($FAILS)"; exit 1; fi
echo "PUMP-DEB: PASS"
