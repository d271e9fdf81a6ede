#!/usr/bin/env bash
# Fuzz FoveaHTTP's request parser and multipart parser with libFuzzer + ASan
# for a bounded time each (default 60 s; override with FUZZ_SECONDS).
#
#   Scripts/fuzz/http.sh            # both harnesses, 60 s each
#   FUZZ_SECONDS=600 Scripts/fuzz/http.sh
#
# Corpora live in .build/fuzz/<harness>/corpus, crash reproducers in
# .build/fuzz/<harness>/ (crash-*, leak-*, timeout-*). Exits non-zero if
# any harness found a problem. Prints executions per harness for BENCHMARKS.md.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
package="$root/Scripts/fuzz/http"
scratch="$root/.build/fuzz/build"
seconds="${FUZZ_SECONDS:-60}"

# SwiftPM's --sanitize flags (equivalent to -Xswiftc -sanitize=fuzzer,address)
# also make it link libFuzzer's main instead of the executables' own entry.
# Debug on purpose: optimized builds of these harnesses lose libFuzzer's
# coverage feedback here ("no interesting inputs"), which makes fuzzing blind.
swift build --package-path "$package" --scratch-path "$scratch" -c debug \
    --sanitize=fuzzer --sanitize=address

status=0
for harness in HTTPRequestParserFuzzer MultipartFormDataFuzzer; do
    work="$root/.build/fuzz/$harness"
    mkdir -p "$work/corpus"
    cp "$package/Seeds/$harness"/* "$work/corpus/" 2>/dev/null || true
    log="$work/run.log"
    echo "== $harness: fuzzing for ${seconds}s"
    if ! (cd "$work" && "$scratch/debug/$harness" -max_total_time="$seconds" -max_len=4096 \
            -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 corpus >"$log" 2>&1); then
        status=1
        echo "!! $harness reported a problem; see $log"
        grep -E "ERROR|SUMMARY|Test unit written" "$log" || true
    fi
    executions=$(grep -E "stat::number_of_executed_units" "$log" | awk '{print $2}')
    crashes=$(find "$work" -maxdepth 1 -name 'crash-*' -o -maxdepth 1 -name 'leak-*' -o -maxdepth 1 -name 'timeout-*' | wc -l)
    echo "   executions: ${executions:-unknown}, crash/leak/timeout files: $crashes"
done
exit $status
