# Shared settings for the gpio-sim bench scripts. Sourced, not executed.
# Everything downloaded or built lives under one fixed cache so re-runs are fast.
set -euo pipefail
CACHE=${PUMP_HW_SIM_CACHE:-/var/cache/pump-hw-sim}
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/../.." && pwd)
export DEBIAN_FRONTEND=noninteractive

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] FAIL: %s\n' "$*" >&2; exit 1; }

# The Debian kernel ABI the guest boots, e.g. 6.1.0-56-amd64 (what linux-image-amd64 depends on).
kernel_abi() {
    if [[ -n "${PUMP_HW_SIM_ABI:-}" ]]; then echo "$PUMP_HW_SIM_ABI"; return; fi
    apt-cache depends linux-image-amd64 2>/dev/null \
        | sed -n 's/^ *Depends: linux-image-\([0-9][^ ]*-amd64\)$/\1/p' | head -n1
}

# Installs the named Debian packages if any is missing.
ensure_packages() {
    local missing=()
    for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
    if ((${#missing[@]})); then
        log "apt-get install ${missing[*]}"
        apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null \
            || { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; }
    fi
}
