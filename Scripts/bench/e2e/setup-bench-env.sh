#!/usr/bin/env bash
# Creates the benchmark-only Python environment at .build/bench-venv (ignored
# by git): FastAPI, uvicorn, onnxruntime, Pillow and NumPy for the Python peer,
# PyYAML for the drivers. Never used by the service itself.
# Also installs the system packages the drivers run (wrk, Python's venv
# module) when they are missing. Re-running is cheap: pip runs only when the
# requirements file changed.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
"$root/Scripts/ensure-system-packages.sh" bench
venv="$root/.build/bench-venv"
requirements="$root/Scripts/requirements-bench.txt"
stamp="$venv/.requirements.sha256"

if [[ ! -x "$venv/bin/python" ]]; then
  mkdir -p "$root/.build"
  /usr/bin/python3 -m venv "$venv"
fi

want=$(sha256sum "$requirements" | cut -d' ' -f1)
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
  echo "$want" > "$stamp"
fi
