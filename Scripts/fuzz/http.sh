#!/usr/bin/env bash
# Fuzz FoveaHTTP's request parser and multipart parser with libFuzzer + ASan
# for a bounded time each (default 60 s; override with FUZZ_SECONDS).
#
#   Scripts/fuzz/http.sh            # both harnesses, 60 s each
#   FUZZ_SECONDS=600 Scripts/fuzz/http.sh
#
# Corpora live in .build/fuzz/<harness>/corpus, crash reproducers in
# .build/fuzz/<harness>/. Exits non-zero if any harness found a problem.
exec "$(dirname "$0")/libfuzzer-package.sh" "$(dirname "$0")/http" 4096 \
    HTTPRequestParserFuzzer MultipartFormDataFuzzer
