#!/usr/bin/env bash
# Fuzz FoveaEngine's model loader (protobuf decoding, ONNX import, shape
# planning, optimizer passes) with libFuzzer + ASan for a bounded time
# (default 60 s; override with FUZZ_SECONDS), seeded with the small models of
# Scripts/fuzz/onnx/Seeds (made by make_onnx_seeds.py).
#
#   FUZZ_SECONDS=600 Scripts/fuzz/onnx.sh
#
# Corpus in .build/fuzz/ONNXLoaderFuzzer/corpus, crash reproducers beside it.
exec "$(dirname "$0")/libfuzzer-package.sh" "$(dirname "$0")/onnx" 65536 ONNXLoaderFuzzer
