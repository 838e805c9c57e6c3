#!/usr/bin/env bash
# Verifies the Promela model of the engine, motor gate and lease exhaustively with spin (Debian package `spin`),
# one LTL property at a time, and checks that every mutant model (docs/model/*mutant*.pml) FAILS at least one
# property. Prints the states explored per property. Exit status non-zero on any failure.
#   bash scripts/verify-model.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v spin >/dev/null; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq spin gcc >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
properties() { grep -oE '^ltl [a-z_]+' "$1" | awk '{print $2}'; }

# verify MODEL: prints one line per property; returns the number of violated properties.
verify() {
    local model=$1 dir="$work/$(basename "$1" .pml)" failed=0
    mkdir -p "$dir"
    (cd "$dir" && spin -a "$OLDPWD/$model" >/dev/null && gcc -O2 -DNOREDUCE -DCOLLAPSE -o pan pan.c 2>/dev/null)
    for property in $(properties "$model"); do
        local out errors states
        out=$(cd "$dir" && ./pan -a -m100000 -N "$property" 2>&1 || true)
        errors=$(grep -oE 'errors: [0-9]+' <<<"$out" | awk '{print $2}')
        states=$(grep -oE '[0-9.e+]+ states, stored' <<<"$out" | awk '{print $1}')
        if [[ -z "$errors" ]]; then echo "model $(basename "$model") $property: pan gave no verdict"; echo "$out" | tail -5; failed=$((failed+1)); continue; fi
        echo "model $(basename "$model") $property: errors $errors, states stored $states"
        [[ "$errors" == 0 ]] || failed=$((failed+1))
    done
    return $failed
}

status=0
if verify docs/model/pump-engine.pml; then echo "model-verdict pump-engine.pml: all properties hold"; else echo "model-verdict pump-engine.pml: FAILED"; status=1; fi
for mutant in docs/model/*mutant*.pml; do
    [[ -e "$mutant" ]] || continue
    if verify "$mutant"; then echo "model-verdict $(basename "$mutant"): NOT caught (every property held)"; status=1
    else echo "model-verdict $(basename "$mutant"): caught (a property fails, as it must)"; fi
done
exit $status
