#!/usr/bin/env bash
# Installs the Debian 12 packages the build and tests need (idempotent; run as root or with sudo).
set -euo pipefail
# dpkg-dev (dpkg-shlibdeps), binutils (strip, readelf) and lintian: scripts/build-deb.sh; udev, dbus, jq and
# e2fsprogs: the systemd bench guest (hw-sim/bench/run-systemd.sh; it installs qemu and the kernel itself).
# prometheus, prometheus-node-exporter, curl: the clinic-metrics real-peer test (scripts/test-clinic-metrics.sh).
# rt-tests: cyclictest for pump-bench --vs-cyclictest (BenchSmokeTests).
# openssl: LibrarySignatureTests checks that OpenSSL's Ed25519 keys work with pump-library.
need=(libgpiod-dev gpiod libsqlite3-dev pkg-config tmux spin rt-tests python3 dpkg-dev binutils lintian udev dbus jq
      e2fsprogs prometheus prometheus-node-exporter curl openssl)
missing=()
for p in "${need[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
# The HL7 bridge's real-peer test (scripts/test-hl7-bridge.sh) sends with the PyPI `hl7` package's mllp_send.
if ! python3 -c 'import hl7.client' >/dev/null 2>&1; then
  python3 -m pip install --quiet --root-user-action=ignore 'hl7==0.4.5' \
    || python3 -m pip install --quiet --root-user-action=ignore --break-system-packages 'hl7==0.4.5'
fi
