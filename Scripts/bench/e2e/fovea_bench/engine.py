"""Engine-only throughput from `fovea bench --json`."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from . import paths


def engine_throughput(model: Path, batch_sizes: list[int], seconds: float, threads: int | None) -> dict[int, float]:
    """Images/s per batch size, no HTTP, no decoding."""
    command = [str(paths.fovea_binary()), "bench", str(model), "--batch", ",".join(map(str, sorted(set(batch_sizes)))),
               "--seconds", f"{seconds:g}", "--json"]
    if threads:
        command += ["--threads", str(threads)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600 + 10 * seconds * len(batch_sizes))
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stderr[-2000:]}")
    report = json.loads(result.stdout.strip().splitlines()[-1])
    return {entry["batch"]: entry["images_per_second"] for entry in report["results"]}
