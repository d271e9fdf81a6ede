#!/usr/bin/env python3
"""Arrival cost: the server's CPU per image and its batch sizes under closed-loop and Poisson load.

A diagnostic for the soak, not a pass/fail scenario. The soak offers a
fraction of the capacity a closed loop at concurrency 16 measured; this
prints, phase by phase on one server, what an image then costs in core-ms
(the server's CPU time over its 2xx answers), how the batches were formed,
and the latency. Phases alternate so the shared host's drift shows as the
spread between repeats of the same phase.

    Scripts/reliability/arrival_cost.py [--seconds 30] [--closed 16,64] [--rates 150,210,250] [--repeats 2]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fovea_reliability.bootstrap  # noqa: E402,F401  (re-executes in .build/bench-venv)

import asyncio  # noqa: E402

from fovea_bench import proc_stats  # noqa: E402
from fovea_reliability import scenario  # noqa: E402
from fovea_reliability.load import closed_loop, latencies_ms, open_loop, percentile  # noqa: E402


def numbers(text: str, kind):
    return [kind(value) for value in text.split(",") if value]


def main() -> int:
    parser = scenario.options(__doc__.splitlines()[0], default_seconds=30, quick_seconds=5)
    parser.add_argument("--closed", default="16", help="concurrencies of the closed-loop phases")
    parser.add_argument("--rates", default="150,210,250", help="arrival rates (per second) of the Poisson phases")
    parser.add_argument("--repeats", type=int, default=2, help="rounds of all phases")
    args = scenario.parse(parser)
    body = scenario.image_bytes(args.image)
    server = scenario.start_server(args, "arrival-cost")
    phases = [(f"closed loop, concurrency {c}", lambda c=c: closed_loop(server.port, body, c, args.seconds, 10**7))
              for c in numbers(args.closed, int)]
    phases += [(f"Poisson, {r:g}/s", lambda r=r: open_loop(server.port, body, r, args.seconds, max_outstanding=512))
               for r in numbers(args.rates, float)]
    try:
        asyncio.run(closed_loop(server.port, body, 16, min(10.0, args.seconds), 10**7))  # warm-up
        for round_number in range(1, args.repeats + 1):
            for name, load in phases:
                server.settle()
                batches_before, cpu_before = server.batches_by_size(), proc_stats.cpu_seconds(server.pid)
                started = time.monotonic()
                report = asyncio.run(load())
                cpu = proc_stats.cpu_seconds(server.pid) - cpu_before
                elapsed = time.monotonic() - started
                batches = {size: count - batches_before.get(size, 0.0)
                           for size, count in server.batches_by_size().items()}
                images = {size: round(size * count) for size, count in batches.items() if count}
                ok = report.ok
                print(f"round {round_number}, {name}: {len(ok) / report.duration_s:.1f} img/s 2xx, "
                      f"{len(report.failed)} other; server CPU {cpu / elapsed:.0%} of a core, "
                      f"{1000 * cpu / max(1, len(ok)):.2f} core-ms per image; images by batch size {images}; "
                      f"p50 {percentile(latencies_ms(ok), 50):.1f} ms, p99 {percentile(latencies_ms(ok), 99):.1f} ms",
                      flush=True)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
