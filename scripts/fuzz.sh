#!/usr/bin/env bash
# Builds the libFuzzer target over pumpd's request path and runs it (docs/fuzzing-and-load.md).
#
#   bash scripts/fuzz.sh [SECONDS]            run for SECONDS (default 60); CI runs this
#   bash scripts/fuzz.sh --runs N [JOBS]      run N inputs instead (e.g. 1000000), split over JOBS processes
#   bash scripts/fuzz.sh --merge              minimise the grown corpus back into fuzz/corpus (commit it)
#
# The build uses its own scratch path (.build-fuzz) so the normal .build is untouched; only this package's
# modules are instrumented (PUMP_FUZZ=1 in Package.swift), the third-party packages are built normally.
# New inputs of a run go to .build-fuzz/corpus-new (fuzz/corpus and fuzz/seeds are only read); a crash
# (= broken invariant) leaves .build-fuzz/crash-* and fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH
# A broken invariant aborts; let libFuzzer (not Swift's backtracer) handle the signal and save the input.
export SWIFT_BACKTRACE=enable=no
export PUMP_FUZZ_STATS=1

mode=time
value=60
case "${1:-}" in
  --runs) mode=runs; value="${2:?--runs needs a count}"; jobs="${3:-1}" ;;
  --merge) mode=merge ;;
  "") ;;
  *) value="$1" ;;
esac

build_start=$(date +%s)
PUMP_FUZZ=1 swift build --scratch-path .build-fuzz --product pump-fuzz
bin="$(PUMP_FUZZ=1 swift build --scratch-path .build-fuzz --show-bin-path)/pump-fuzz"
echo "fuzz build: $(( $(date +%s) - build_start )) s"

new=.build-fuzz/corpus-new
mkdir -p "$new"
common=(-dict=fuzz/protocol.dict -max_len=4096 -timeout=20 -rss_limit_mb=4096 -print_final_stats=1
        -artifact_prefix=.build-fuzz/)
run_start=$(date +%s)
case "$mode" in
  time) "$bin" "${common[@]}" -max_total_time="$value" "$new" fuzz/corpus fuzz/seeds ;;
  runs)
    if [ "${jobs:-1}" -gt 1 ]; then
      # Independent jobs sharing the corpus directory; each writes .build-fuzz/fuzz-N.log.
      (cd .build-fuzz && "$bin" "${common[@]/#-dict=fuzz/-dict=../fuzz}" -artifact_prefix=./ -jobs="$jobs" -workers="$jobs" \
        -runs=$(( value / jobs )) corpus-new ../fuzz/corpus ../fuzz/seeds)
      for log in .build-fuzz/fuzz-*.log; do grep -E "^(stat::|Done)" "$log" | sed "s|^|$log: |"; done
      ! ls .build-fuzz/crash-* >/dev/null 2>&1
    else
      "$bin" "${common[@]}" -runs="$value" "$new" fuzz/corpus fuzz/seeds
    fi ;;
  merge)
    merged=.build-fuzz/corpus-merged
    rm -rf "$merged" && mkdir -p "$merged"
    "$bin" "${common[@]}" -merge=1 "$merged" fuzz/corpus fuzz/seeds "$new"
    rm -rf fuzz/corpus && mv "$merged" fuzz/corpus
    echo "fuzz/corpus: $(ls fuzz/corpus | wc -l) files, $(du -sb fuzz/corpus | cut -f1) bytes"
    ;;
esac
echo "fuzz run: $(( $(date +%s) - run_start )) s"
