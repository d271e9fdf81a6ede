#!/usr/bin/env bash
# Bounded libFuzzer run over FoveaImage's JPEG/PNG decoding path.
#
#   Scripts/fuzz/run-image-fuzz.sh [seconds]      (default 120)
#
# Builds the fuzz target with clang/swiftc from the Swift toolchain
# (-sanitize=fuzzer,address), seeds it with small images of every decoder
# branch and the committed minimal corpus (Scripts/fuzz/corpora/
# ImageDecoderFuzzer), runs for the given time and records executions and
# crashes in .build/fuzz-image/last-run.txt. Crash inputs land in
# .build/fuzz-image/artifacts. Then minimize-corpus.sh reduces what it found
# (FUZZ_SAVE_CORPUS=1 commits it).
# Exits non-zero when the fuzzer found a crash, leak or timeout.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
seconds="${1:-120}"
work="$root/.build/fuzz-image"
mkdir -p "$work/objects" "$work/corpus" "$work/artifacts" "$work/module"

# The C targets FoveaImage imports (Package.swift).
modules=(CImageCodecs CImageResampling)
: > "$work/module/module.modulemap"
for module in "${modules[@]}"; do
    cat >> "$work/module/module.modulemap" <<MAP
module $module {
    header "$root/Sources/$module/include/$module.h"
    export *
}
MAP
done

# The toolchain's own clang: its sanitizer runtimes match the ones swiftc links.
clang="$(dirname "$(command -v swiftc)")/clang"
rm -f "$work"/objects/*.o
for module in "${modules[@]}"; do
    for source in "$root/Sources/$module"/*.c; do
        "$clang" -O1 -g -fsanitize=fuzzer-no-link,address -I "$root/Sources/$module/include" \
            -c "$source" -o "$work/objects/$(basename "${source%.c}").o"
    done
done

# The gold linker warns about every ASan helper symbol; keep that noise in a log.
if ! swiftc -O -g -sanitize=fuzzer,address -parse-as-library -module-name FoveaImage \
    -Xcc -fmodule-map-file="$work/module/module.modulemap" \
    $(find "$root/Sources/FoveaImage" -name '*.swift') "$root/Scripts/fuzz/ImageDecoderFuzzTarget.swift" \
    "$work"/objects/*.o -ljpeg -lpng16 -o "$work/image-decoder-fuzzer" >"$work/build.log" 2>&1; then
    grep -v "Cannot export local symbol" "$work/build.log" >&2
    exit 1
fi

python="${FOVEA_PYTHON:-$root/.build/venv/bin/python}"
if [[ -x "$python" ]]; then
    "$python" "$root/Scripts/fuzz/make_image_seeds.py" "$work/seeds"
else
    echo "note: $python missing (run make test once); fuzzing without seed images" >&2
    mkdir -p "$work/seeds"
fi

log="$work/fuzzer.log"
set +e
committed="$root/Scripts/fuzz/corpora/ImageDecoderFuzzer"
inputs=("$work/corpus" "$work/seeds")
[[ -d "$committed" ]] && inputs+=("$committed")
"$work/image-decoder-fuzzer" "${inputs[@]}" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="$work/artifacts/" -print_final_stats=1 >"$log" 2>&1
status=$?
set -e

if ! grep -q "^INFO: Loaded [0-9]* modules" "$log"; then
    echo "!! the image fuzzer has no coverage instrumentation: libFuzzer would fuzz blind" >&2
    status=1
fi
executions=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
crashes=$(find "$work/artifacts" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "seconds: $seconds"
    echo "executions: $executions"
    echo "corpus_files: $(find "$work/corpus" -type f | wc -l)"
    echo "crash_artifacts: $crashes"
    echo "fuzzer_exit_status: $status"
} | tee "$work/last-run.txt"
"$root/Scripts/fuzz/minimize-corpus.sh" "$work/image-decoder-fuzzer" ImageDecoderFuzzer 65536 "${inputs[@]:1}" "$work/corpus"
[[ $status -eq 0 && $crashes -eq 0 ]]
