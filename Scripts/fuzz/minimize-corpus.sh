#!/usr/bin/env bash
# Reduces what a fuzzing run found to the smallest set of inputs that still
# reaches all of its coverage (libFuzzer's -merge=1), and with
# FUZZ_SAVE_CORPUS=1 makes that set the committed corpus the next run starts
# from. Used by libfuzzer-package.sh and run-image-fuzz.sh after each harness:
#
#   Scripts/fuzz/minimize-corpus.sh FUZZER HARNESS MAX_LEN SEED_DIR INPUT_DIR [INPUT_DIR ...]
#
# Seeds (hand-written and named after what they exercise, crash reproducers
# among them, or made by a script) stay where they are: the merge starts from
# them and keeps only the inputs that reach coverage they do not. Those go to
# .build/fuzz/<harness>/minimal; the committed copy lives in
# Scripts/fuzz/corpora/<harness>, which each run reads as an input.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
fuzzer="$1"
harness="$2"
max_len="$3"
seeds="$4"
shift 4

work="$root/.build/fuzz/$harness"
minimal="$work/minimal"
committed="$root/Scripts/fuzz/corpora/$harness"
merged="$work/merged"
rm -rf "$minimal" "$merged"
mkdir -p "$minimal" "$merged"
cp "$seeds"/* "$merged/" 2>/dev/null || true
existing=()
for dir in "$@"; do
    [[ -d "$dir" ]] && existing+=("$dir")
done
"$fuzzer" -merge=1 -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 "$merged" "${existing[@]}" \
    >"$work/merge.log" 2>&1
for input in "$merged"/*; do
    [[ -e "$seeds/$(basename "$input")" ]] || mv "$input" "$minimal/"
done
rm -rf "$merged"
echo "   minimal corpus: $(find "$minimal" -type f | wc -l) files, $(du -sk "$minimal" | cut -f1) KiB ($minimal)"
if [[ "${FUZZ_SAVE_CORPUS:-0}" == 1 ]]; then
    rm -rf "$committed"
    mkdir -p "$(dirname "$committed")"
    cp -r "$minimal" "$committed"
    echo "   saved as $committed"
fi
