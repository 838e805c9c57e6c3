#!/usr/bin/env bash
# Builds the Debian package pumpd_<version>_<arch>.deb from a release build with the Swift runtime linked
# statically (--static-swift-stdlib), so the package needs only Debian's own libraries (libc6, libgpiod2,
# libsqlite3-0, ...; found with dpkg-shlibdeps). Without debhelper: the tree is laid out here, the maintainer
# scripts are packaging/deb/{postinst,prerm,postrm} (debhelper-style snippets written by hand), and the package
# is assembled with dpkg-deb --root-owner-group (gzip: xz takes minutes for the ~130 MB of static binaries
# here and slows `dpkg -i` on a small board; the package is ~45 MB either way). Then lintian runs: any error fails the build, and every
# warning or info tag must be listed with its reason in packaging/lintian-accepted.txt.
#
# Usage: scripts/build-deb.sh [--out DIR] [--skip-build] [--no-lintian]
#   --out DIR      where the .deb goes (default: the repository root); its path is printed on the last line
#   --skip-build   reuse the release build already in .build (scripts/test-deb.sh builds once)
#   --no-lintian   skip the lintian run (only for quick local iterations; the test always runs it)
#
# Layout (FHS; Debian 12 still ships units and udev rules under /lib):
#   /usr/sbin/pumpd, /usr/bin/pumpctl (+ pump-hl7-bridge, pump-library when this tree builds them)
#   /usr/share/pumpd/{drug-library,syringes}.toml      found by pumpd from its own prefix (BundledResource)
#   /lib/systemd/system/pumpd.service, /usr/lib/sysusers.d/pumpd.conf, /usr/lib/tmpfiles.d/pumpd.conf,
#   /lib/udev/rules.d/60-pumpd-gpio.rules, /etc/pumpd/pumpd.toml (conffile),
#   /usr/share/bash-completion/completions/pumpctl, /usr/share/man/man1/pumpctl.1.gz, /usr/share/doc/pumpd/
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
export PATH=/opt/swift/usr/bin:$PATH
OUT=$REPO; BUILD=1; LINTIAN=1
while (($#)); do
    case $1 in
        --out) OUT=$2; shift 2 ;;
        --skip-build) BUILD=0; shift ;;
        --no-lintian) LINTIAN=0; shift ;;
        *) echo "usage: $0 [--out DIR] [--skip-build] [--no-lintian]" >&2; exit 2 ;;
    esac
done
log() { printf '[build-deb] %s\n' "$*" >&2; }
die() { printf '[build-deb] FAIL: %s\n' "$*" >&2; exit 1; }

ensure_packages() {
    local missing=() p
    for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
    ((${#missing[@]})) || return 0
    [[ $(id -u) == 0 ]] || die "missing Debian packages ${missing[*]} (run as root or install them)"
    log "apt-get install ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null \
        || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; }
}
ensure_packages dpkg-dev binutils libgpiod-dev libsqlite3-dev
((LINTIAN)) && ensure_packages lintian

# Version: Sources/PumpProtocol/SoftwareVersion.swift's semantic version, made Debian-valid: a pre-release
# suffix sorts BEFORE the release, which in Debian needs "~" ("0.14.0-dev" -> "0.14.0~dev"; "-" would mean a
# Debian revision). No Debian revision: the packaging lives in this tree, so this is a native package.
SEMVER=$(sed -n 's/^public let softwareVersion = "\([^"]*\)".*/\1/p' Sources/PumpProtocol/SoftwareVersion.swift)
[[ -n "$SEMVER" ]] || die "no softwareVersion in Sources/PumpProtocol/SoftwareVersion.swift"
VERSION=$(printf '%s' "$SEMVER" | sed -E 's/^([0-9]+\.[0-9]+\.[0-9]+)-(.*)$/\1~\2/; s/\+/./g')
dpkg --validate-version "$VERSION" 2>/dev/null || die "'$VERSION' (from '$SEMVER') is not a valid Debian version"
ARCH=$(dpkg --print-architecture)

# Products: pumpd and pumpctl always; the HL7 bridge and the library tool when this tree defines them.
PRODUCTS=(pumpd pumpctl)
for optional in pump-hl7-bridge pump-library; do
    grep -q "\.executable(name: \"$optional\"" Package.swift && PRODUCTS+=("$optional")
done
# Full RELRO and immediate binding (lintian's hardening-no-bindnow); linker flags only, so changing them relinks.
HARDENING=(-Xlinker -z -Xlinker relro -Xlinker -z -Xlinker now)
if ((BUILD)); then
    for product in "${PRODUCTS[@]}"; do
        log "swift build -c release --static-swift-stdlib --disable-local-rpath --product $product"
        swift build -c release --static-swift-stdlib --disable-local-rpath "${HARDENING[@]}" --product "$product" 2>&1 | tail -n 2
        [[ ${PIPESTATUS[0]} == 0 ]] || die "release build of $product failed"
    done
fi
BIN=$(swift build -c release --show-bin-path)
for product in "${PRODUCTS[@]}"; do [[ -x "$BIN/$product" ]] || die "no $BIN/$product (build without --skip-build first)"; done

STAGE=$(mktemp -d); trap 'rm -rf "$STAGE"' EXIT
ROOT=$STAGE/root
install -d "$ROOT/DEBIAN" "$ROOT/usr/sbin" "$ROOT/usr/bin" "$ROOT/usr/share/pumpd" "$ROOT/usr/share/doc/pumpd" \
    "$ROOT/lib/systemd/system" "$ROOT/usr/lib/sysusers.d" "$ROOT/usr/lib/tmpfiles.d" "$ROOT/lib/udev/rules.d" \
    "$ROOT/etc/pumpd" "$ROOT/usr/share/bash-completion/completions" "$ROOT/usr/share/man/man1"
for product in "${PRODUCTS[@]}"; do
    dest=$ROOT/usr/bin; [[ $product == pumpd ]] && dest=$ROOT/usr/sbin
    install -m 0755 "$BIN/$product" "$dest/$product"
    strip --strip-unneeded --remove-section=.comment --remove-section=.note "$dest/$product"
done

# No Swift runtime may remain dynamic: no RUNPATH/RPATH at all (the toolchain's is /opt/swift/...), and every
# NEEDED library must belong to an installed Debian package.
for f in "$ROOT"/usr/sbin/* "$ROOT"/usr/bin/*; do
    if readelf -d "$f" | grep -E '\((RUNPATH|RPATH)\)'; then die "$(basename "$f") has a RUNPATH/RPATH"; fi
    while read -r lib; do
        case $lib in *swift*|*Foundation*|*dispatch*|*BlocksRuntime*|*icu*) die "$(basename "$f") still needs $lib" ;; esac
    done < <(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
    if ldd "$f" | grep -E 'not found|/opt/swift'; then die "$(basename "$f"): a library outside Debian"; fi
    while read -r path; do
        dpkg -S "$(readlink -f "$path")" >/dev/null 2>&1 || dpkg -S "$path" >/dev/null 2>&1 \
            || die "$(basename "$f") needs $path, which no Debian package provides"
    done < <(ldd "$f" | awk '$2 == "=>" && $3 ~ /^\// {print $3}')
done

# Data, systemd integration, configuration.
install -m 0644 Sources/PumpLibrary/Data/drug-library.toml Sources/PumpLibrary/Data/syringes.toml "$ROOT/usr/share/pumpd/"
install -m 0644 systemd/pumpd.service "$ROOT/lib/systemd/system/pumpd.service"
install -m 0644 systemd/pumpd.sysusers "$ROOT/usr/lib/sysusers.d/pumpd.conf"
install -m 0644 systemd/pumpd.tmpfiles "$ROOT/usr/lib/tmpfiles.d/pumpd.conf"
install -m 0644 systemd/60-pumpd-gpio.rules "$ROOT/lib/udev/rules.d/60-pumpd-gpio.rules"
# Library signatures: the packaged pumpd.toml sets library_signature = "required"; the clinic signs the
# libraries with its own key (pump-library sign) and puts the public key in /etc/pumpd/library-keys and the
# signatures in /etc/pumpd/library-signatures, both created here empty: until then pumpd refuses to start
# infusions and raises library-invalid (README "Drug library: versions and signatures").
install -d -m 0755 "$ROOT/etc/pumpd/library-keys" "$ROOT/etc/pumpd/library-signatures"
# The HL7 bridge's unit and configuration (installed, not enabled: connecting a monitor is the admin's choice).
if [[ " ${PRODUCTS[*]} " == *" pump-hl7-bridge "* ]]; then
    install -m 0644 systemd/pump-hl7-bridge.service "$ROOT/lib/systemd/system/pump-hl7-bridge.service"
    install -m 0644 systemd/hl7-bridge.toml "$ROOT/etc/pumpd/hl7-bridge.toml"
fi
install -m 0644 systemd/pumpd.toml "$ROOT/etc/pumpd/pumpd.toml"
printf '/etc/pumpd/pumpd.toml\n' > "$ROOT/DEBIAN/conffiles"
[[ -f "$ROOT/etc/pumpd/hl7-bridge.toml" ]] && printf '/etc/pumpd/hl7-bridge.toml\n' >> "$ROOT/DEBIAN/conffiles"
# (bash-completion sources the file: no "#!" line.)
"$BIN/pumpctl" --generate-completion-script bash | sed '1{/^#!/d}' > "$ROOT/usr/share/bash-completion/completions/pumpctl"
[[ -s "$ROOT/usr/share/bash-completion/completions/pumpctl" ]] || die "empty bash completion"
chmod 0644 "$ROOT/usr/share/bash-completion/completions/pumpctl"
if [[ -f docs/man/pumpctl.1 ]]; then gzip -9n < docs/man/pumpctl.1 > "$ROOT/usr/share/man/man1/pumpctl.1.gz"; chmod 0644 "$ROOT/usr/share/man/man1/pumpctl.1.gz"; fi
install -m 0644 README.md "$ROOT/usr/share/doc/pumpd/README.md"
install -m 0644 systemd/README.md "$ROOT/usr/share/doc/pumpd/README.systemd.md"
install -m 0644 packaging/deb/copyright "$ROOT/usr/share/doc/pumpd/copyright"
# A native package's changelog: one entry for this version, dated by the last commit (reproducible).
DATE=$(git log -1 --format=%cD 2>/dev/null || date -R)  # wall-clock: only when not built from a git tree
{
    printf 'pumpd (%s) unstable; urgency=medium\n\n' "$VERSION"
    printf '  * Built from %s (%s).\n' "$(git rev-parse --short HEAD 2>/dev/null || echo 'a source tree')" "$SEMVER"
    printf '    The project history is the git log; see /usr/share/doc/pumpd/README.md.\n\n'
    printf ' -- %s  %s\n' "$(sed -n 's/^Maintainer: //p' packaging/deb/control.in)" "$DATE"
} | gzip -9n > "$ROOT/usr/share/doc/pumpd/changelog.gz"
chmod 0644 "$ROOT/usr/share/doc/pumpd/changelog.gz"
for script in postinst prerm postrm; do install -m 0755 "packaging/deb/$script" "$ROOT/DEBIAN/$script"; done

# Depends: dpkg-shlibdeps over the binaries (it needs a debian/control to run in), plus what the maintainer
# scripts call (systemd-sysusers/systemd-tmpfiles: systemd; deb-systemd-helper: init-system-helpers).
mkdir -p "$STAGE/src/debian"
printf 'Source: pumpd\n\nPackage: pumpd\nArchitecture: any\n' > "$STAGE/src/debian/control"
SHLIBS=$(cd "$STAGE/src" && dpkg-shlibdeps -O -e"$ROOT"/usr/sbin/pumpd $(for f in "$ROOT"/usr/bin/*; do printf -- ' -e%s' "$f"; done) 2>/dev/null \
    | sed -n 's/^shlibs:Depends=//p')
[[ -n "$SHLIBS" ]] || die "dpkg-shlibdeps found no dependencies"
[[ "$SHLIBS" == *libgpiod* && "$SHLIBS" == *libsqlite3* && "$SHLIBS" == *libc6* ]] || die "unexpected Depends: $SHLIBS"
DEPENDS="$SHLIBS, systemd, init-system-helpers (>= 1.54~)"
SIZE=$(du -sk --exclude=DEBIAN "$ROOT" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@DEPENDS@/$DEPENDS/" -e "s/@SIZE@/$SIZE/" \
    packaging/deb/control.in > "$ROOT/DEBIAN/control"
(cd "$ROOT" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum) > "$ROOT/DEBIAN/md5sums"
chmod 0644 "$ROOT/DEBIAN/control" "$ROOT/DEBIAN/conffiles" "$ROOT/DEBIAN/md5sums"
find "$ROOT" -type d -exec chmod 0755 {} +

mkdir -p "$OUT"
DEB=$OUT/pumpd_${VERSION}_${ARCH}.deb
SOURCE_DATE_EPOCH=$(git log -1 --format=%ct 2>/dev/null || date +%s) \
    dpkg-deb --root-owner-group -Zgzip -z9 --build "$ROOT" "$DEB" >/dev/null
log "built $DEB ($(du -h "$DEB" | cut -f1)), Depends: $DEPENDS"

if ((LINTIAN)); then
    # Tags we accept are listed, one per line, "tag  reason"; an error is never accepted.
    ACCEPTED=$(sed -n 's/^\([a-z0-9][a-z0-9.+-]*\) .*/\1/p' packaging/lintian-accepted.txt)
    REPORT=$(lintian --tag-display-limit 0 --display-info "$DEB" 2>&1 || true)
    [[ -n "$REPORT" ]] && printf '%s\n' "$REPORT" >&2
    bad=0
    while read -r severity _ tag _; do
        [[ -n "${severity:-}" ]] || continue
        case $severity in
            E:) log "lintian error: $tag"; bad=1 ;;
            W:|I:) grep -qx "$tag" <<< "$ACCEPTED" || { log "lintian $severity $tag is not listed in packaging/lintian-accepted.txt"; bad=1; } ;;
        esac
    done <<< "$REPORT"
    ((bad == 0)) || die "lintian"
    log "lintian: no errors, every warning accepted in packaging/lintian-accepted.txt"
fi
echo "$DEB"
