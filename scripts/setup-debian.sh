#!/usr/bin/env bash
# Installs the Debian 12 packages the build and tests need (idempotent; run as root or with sudo).
set -euo pipefail
# openssl: LibrarySignatureTests checks that OpenSSL's Ed25519 keys work with pump-library.
need=(libgpiod-dev gpiod libsqlite3-dev pkg-config tmux spin python3 openssl)
missing=()
for p in "${need[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
