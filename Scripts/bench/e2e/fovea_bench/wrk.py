"""Runs wrk with post_image.lua and reads its summary line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import math
from dataclasses import dataclass, field
from pathlib import Path

LUA_SCRIPT = Path(__file__).resolve().parents[1] / "post_image.lua"


class WrkError(Exception):
    """wrk is missing or printed no summary."""


@dataclass
class WrkResult:
    requests: int
    duration_s: float
    requests_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float
    non2xx: int
    statuses: dict
    socket_errors: dict
    batch_size_mean: float | None
    # Fovea's Server-Timing stages over the answers: name -> {"p50": ms, "p99": ms}.
    stages_ms: dict = field(default_factory=dict)
    # [microseconds, count] for each distinct latency wrk recorded.
    latency_us: list = field(default_factory=list)

    @property
    def ok_per_s(self) -> float:
        """2xx answers per second: what counts as throughput."""
        ok = sum(count for status, count in self.statuses.items() if 200 <= int(status) < 300)
        return ok / self.duration_s if self.duration_s else 0.0

    @property
    def failures(self) -> int:
        return self.non2xx + sum(self.socket_errors.values())


def pooled_percentile_ms(results: list[WrkResult], p: float) -> float | None:
    """The `p`-th latency percentile over the requests of several runs together.

    A 10-s point of a model serving 25 images/s holds 250 requests, whose p99
    is the third-worst of them; pooling the rounds triples the sample behind
    the percentile that the p99 target compares.
    """
    counts: dict[int, int] = {}
    for result in results:
        for value, count in result.latency_us:
            counts[value] = counts.get(value, 0) + count
    total = sum(counts.values())
    if not total:
        return None
    rank = max(1, math.ceil(total * p / 100))
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        if seen >= rank:
            return value / 1000.0
    return None


def run_wrk(url: str, image: Path, connections: int, seconds: float, timeout_s: float = 60.0) -> WrkResult:
    """Closed-loop load: `connections` keep-alive connections, one wrk thread, for `seconds`."""
    if shutil.which("wrk") is None:
        raise WrkError("wrk is missing: apt-get install wrk")
    command = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", f"--timeout={timeout_s:.0f}s",
               "--latency", "-s", str(LUA_SCRIPT), url]
    env = {**os.environ, "FOVEA_BENCH_IMAGE": str(image)}
    result = subprocess.run(command, capture_output=True, text=True, env=env,
                            timeout=seconds + timeout_s + 60)
    for line in result.stdout.splitlines():
        if line.startswith("FOVEA_WRK "):
            return WrkResult(**json.loads(line[len("FOVEA_WRK "):]))
    raise WrkError(f"wrk printed no summary (exit {result.returncode}):\n{result.stdout}\n{result.stderr}")
