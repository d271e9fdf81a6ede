#!/usr/bin/env bash
# Prints the `shared/` folder holding images/samoyed.jpg for the tests:
# $FOVEA_SHARED_DIR, else `shared/` beside this checkout, else beside the
# checkout it was cloned from (a clone made elsewhere, e.g. under mktemp).
# Prints nothing when there is none; the tests then say what they looked for.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
candidates=("${FOVEA_SHARED_DIR:-}" "$root/../shared")
origin="$(git -C "$root" remote get-url origin 2>/dev/null || true)"
if [ -n "$origin" ] && [ -d "$origin" ]; then candidates+=("$origin/../shared"); fi
for candidate in "${candidates[@]}"; do
  if [ -n "$candidate" ] && [ -f "$candidate/images/samoyed.jpg" ]; then
    (cd "$candidate" && pwd)
    exit 0
  fi
done
