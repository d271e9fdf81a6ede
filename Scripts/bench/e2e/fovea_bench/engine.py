"""Engine-only throughput from `fovea bench --json`."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from . import paths


def engine_throughput(model: Path, batch_sizes: list[int], seconds: float, threads: int | None) -> dict[int, float]:
    """Images/s per batch size, no HTTP, no decoding."""
    command = _bench_command(model, batch_sizes, seconds, threads)
    result = subprocess.run(command, capture_output=True, text=True, timeout=_timeout(batch_sizes, seconds))
    return _throughput(command, result.returncode, result.stdout, result.stderr)


def instances_throughput(model: Path, batch_sizes: list[int], seconds: float, instances: int,
                         threads: int) -> dict[int, float]:
    """Images/s per batch size of `instances` engines running side by side on `threads` // `instances` threads each.

    That is how `fovea serve` runs a model under load, and what its
    inference costs there: two one-thread resnet50 engines together gave
    23.4 img/s on a 2-core EPYC where one two-thread engine gave 20.2 (an
    OpenMP team pays barriers; side by side the two share only caches and
    memory bandwidth).
    """
    command = _bench_command(model, batch_sizes, seconds, max(1, threads // instances))
    processes = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(instances)]
    totals: dict[int, float] = {}
    for process in processes:
        stdout, stderr = process.communicate(timeout=_timeout(batch_sizes, seconds))
        for batch, rate in _throughput(command, process.returncode, stdout, stderr).items():
            totals[batch] = totals.get(batch, 0.0) + rate
    return totals


def _bench_command(model: Path, batch_sizes: list[int], seconds: float, threads: int | None) -> list[str]:
    command = [str(paths.fovea_binary()), "bench", str(model), "--batch", ",".join(map(str, sorted(set(batch_sizes)))),
               "--seconds", f"{seconds:g}", "--json"]
    if threads:
        command += ["--threads", str(threads)]
    return command


def _timeout(batch_sizes: list[int], seconds: float) -> float:
    return 600 + 10 * seconds * len(batch_sizes)


def _throughput(command: list[str], returncode: int, stdout: str, stderr: str) -> dict[int, float]:
    if returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{stderr[-2000:]}")
    report = json.loads(stdout.strip().splitlines()[-1])
    return {entry["batch"]: entry["images_per_second"] for entry in report["results"]}
