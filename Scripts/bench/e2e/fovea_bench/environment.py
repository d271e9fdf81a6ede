"""Runs the calling script inside `.build/bench-venv`, creating it when needed.

The drivers need PyYAML and the Python peer needs FastAPI/onnxruntime; these
live in a venv of their own so benchmarks never touch the test environment.
"""

from __future__ import annotations

import os
import subprocess
import sys

from .paths import BENCH_VENV, REPO_ROOT


def ensure_bench_python() -> None:
    """Re-executes the current script with the bench venv's interpreter unless already in it."""
    if os.path.realpath(sys.prefix) == os.path.realpath(BENCH_VENV):
        return
    setup = REPO_ROOT / "Scripts" / "bench" / "e2e" / "setup-bench-env.sh"
    subprocess.run([str(setup)], check=True)
    python = BENCH_VENV / "bin" / "python"
    os.execv(str(python), [str(python), os.path.abspath(sys.argv[0]), *sys.argv[1:]])


def load_average() -> float:
    return os.getloadavg()[0]
