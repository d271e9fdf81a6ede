#!/usr/bin/env bash
# Builds a fuzzing package under Scripts/fuzz/ with libFuzzer + AddressSanitizer
# and runs each of its harnesses for a bounded time (FUZZ_SECONDS, default 60).
# Used by http.sh and onnx.sh:
#
#   Scripts/fuzz/libfuzzer-package.sh PACKAGE_DIR MAX_LEN HARNESS [HARNESS ...]
#
# Each harness starts from its seeds (PACKAGE_DIR/Seeds/<harness>) and the
# committed minimal corpus (Scripts/fuzz/corpora/<harness>); what it finds
# grows in .build/fuzz/<harness>/corpus and crash reproducers land in
# .build/fuzz/<harness>/ (crash-*, leak-*, timeout-*, oom-*). Afterwards
# minimize-corpus.sh reduces it all to a minimal corpus (FUZZ_SAVE_CORPUS=1
# commits it). Prints executions per harness and exits non-zero if any
# harness found a problem.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
package="$(cd "$1" && pwd)"
max_len="$2"
shift 2
scratch="$root/.build/fuzz/build-$(basename "$package")"
seconds="${FUZZ_SECONDS:-60}"

# SwiftPM's --sanitize flags make it link libFuzzer's main instead of the
# executables' own entry, but they reach swiftc as two -sanitize= flags, of
# which swiftc 6.3 keeps only the last (address): the coverage instrumentation
# libFuzzer needs silently disappears. The combined flag comes after them.
swift build --package-path "$package" --scratch-path "$scratch" -c release \
    --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address

status=0
for harness in "$@"; do
    work="$root/.build/fuzz/$harness"
    seeds="$package/Seeds/$harness"
    committed="$root/Scripts/fuzz/corpora/$harness"
    mkdir -p "$work/corpus"
    inputs=("$work/corpus" "$seeds")
    [[ -d "$committed" ]] && inputs+=("$committed")
    log="$work/run.log"
    echo "== $harness: fuzzing for ${seconds}s"
    if ! (cd "$work" && "$scratch/release/$harness" -max_total_time="$seconds" -max_len="$max_len" \
            -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "${inputs[@]}" >"$log" 2>&1); then
        status=1
        echo "!! $harness reported a problem; see $log"
        grep -E "ERROR|SUMMARY|Test unit written" "$log" || true
    fi
    if ! grep -q "^INFO: Loaded [0-9]* modules" "$log"; then
        status=1
        echo "!! $harness has no coverage instrumentation: libFuzzer would fuzz blind"
    fi
    executions=$(grep -E "stat::number_of_executed_units" "$log" | awk '{print $2}')
    problems=$(find "$work" -maxdepth 1 \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
    echo "   executions: ${executions:-unknown}, crash/leak/timeout/oom files: $problems"
    "$root/Scripts/fuzz/minimize-corpus.sh" "$scratch/release/$harness" "$harness" "$max_len" "${inputs[@]:1}" "$work/corpus"
done
exit $status
