#!/usr/bin/env bash
# Builds a fuzzing package under Scripts/fuzz/ with libFuzzer + AddressSanitizer
# and runs each of its harnesses for a bounded time (FUZZ_SECONDS, default 60).
# Used by http.sh and onnx.sh:
#
#   Scripts/fuzz/libfuzzer-package.sh PACKAGE_DIR MAX_LEN HARNESS [HARNESS ...]
#
# Seeds come from PACKAGE_DIR/Seeds/<harness>; corpora grow in
# .build/fuzz/<harness>/corpus and crash reproducers land in
# .build/fuzz/<harness>/ (crash-*, leak-*, timeout-*, oom-*). Prints executions
# per harness and exits non-zero if any harness found a problem.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
package="$1"
max_len="$2"
shift 2
scratch="$root/.build/fuzz/build-$(basename "$package")"
seconds="${FUZZ_SECONDS:-60}"

# SwiftPM's --sanitize flags (equivalent to -Xswiftc -sanitize=fuzzer,address)
# also make it link libFuzzer's main instead of the executables' own entry.
# Debug on purpose: optimized builds of these harnesses lose libFuzzer's
# coverage feedback here ("no interesting inputs"), which makes fuzzing blind.
swift build --package-path "$package" --scratch-path "$scratch" -c debug \
    --sanitize=fuzzer --sanitize=address

status=0
for harness in "$@"; do
    work="$root/.build/fuzz/$harness"
    mkdir -p "$work/corpus"
    cp "$package/Seeds/$harness"/* "$work/corpus/" 2>/dev/null || true
    log="$work/run.log"
    echo "== $harness: fuzzing for ${seconds}s"
    if ! (cd "$work" && "$scratch/debug/$harness" -max_total_time="$seconds" -max_len="$max_len" \
            -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 corpus >"$log" 2>&1); then
        status=1
        echo "!! $harness reported a problem; see $log"
        grep -E "ERROR|SUMMARY|Test unit written" "$log" || true
    fi
    executions=$(grep -E "stat::number_of_executed_units" "$log" | awk '{print $2}')
    problems=$(find "$work" -maxdepth 1 \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
    echo "   executions: ${executions:-unknown}, crash/leak/timeout/oom files: $problems"
done
exit $status
