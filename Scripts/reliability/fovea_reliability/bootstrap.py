"""Import path and interpreter set-up for the scenario scripts.

The scenarios reuse the benchmark's service and configuration helpers
(Scripts/bench/e2e/fovea_bench) and run in .build/bench-venv, which has PyYAML.
"""

from __future__ import annotations

import sys
from pathlib import Path

RELIABILITY_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(RELIABILITY_DIR.parent / "bench" / "e2e"))

from fovea_bench.environment import ensure_bench_python  # noqa: E402

ensure_bench_python()
