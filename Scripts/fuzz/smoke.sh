#!/usr/bin/env bash
# Builds every libFuzzer harness and runs each briefly (FUZZ_SECONDS, default
# 10), so a change to the product's sources that breaks a harness, or a crash
# within reach of the committed corpora, fails `make test` instead of the next
# long fuzzing run. The long runs are Scripts/fuzz/{http,onnx}.sh and
# run-image-fuzz.sh with FUZZ_SECONDS=600 (BENCHMARKS.md, "Fuzzing").
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export FUZZ_SECONDS="${FUZZ_SECONDS:-10}"
unset FUZZ_SAVE_CORPUS
"$here/http.sh"
"$here/onnx.sh"
"$here/run-image-fuzz.sh" "$FUZZ_SECONDS"
