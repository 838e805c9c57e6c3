#!/usr/bin/env bash
# Allocations per step-thread fire, load-independent: pump-bench realtime rows with a malloc counter preloaded.
# Usage: bash scripts/step-allocs/run.sh [BIN_DIR] (default: swift build --show-bin-path). Needs a C compiler (CC, default cc).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$(cd "$here/../.." && swift build --show-bin-path)}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
"${CC:-cc}" -O2 -shared -fPIC -o "$work/count.so" "$here/count.c"
for rate in 100 2000; do
  LD_PRELOAD="$work/count.so" "$bin/pump-bench" --seconds 2 --rates "$rate" --modes realtime --skip-estop --skip-daemon --json \
    >"$work/out.json" 2>"$work/err.txt"
  allocs=$(sed -n 's/^ALLOCS on bench-step thread: //p' "$work/err.txt")
  python3 - "$work/out.json" "$allocs" <<'PY'
import json, sys
row = json.load(open(sys.argv[1]))["steps"][0]
allocs = int(sys.argv[2])
print(f"{row['rate']:.0f} steps/s: {row['fires']} fires, {allocs} allocations on the step thread, "
      f"{allocs / max(row['fires'], 1):.2f} per fire")
PY
done
