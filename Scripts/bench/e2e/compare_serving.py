#!/usr/bin/env python3
"""Serving A/B of two `fovea` builds or two model settings: images/s over HTTP, alternating.

Starts `fovea serve` with build A, then build B, for ROUNDS alternations
(so both see the same minutes of a shared host), each time with the same
model entry of --config (B's with --b-settings merged in), warms up for 3 s,
waits until the server is idle again (as run.py does) and drives
`POST /classify` with wrk at --concurrency for SECONDS; prints each point,
then the median images/s, p50, p99 and the server's CPU use (all threads,
100 % = one core) of each side and B/A. Under load, CPU use below 100 % per
core means the pipeline leaves cores idle.

    Scripts/bench/e2e/compare_serving.py FOVEA_A FOVEA_B ROUNDS SECONDS
        [--model dog-breeds] [--image samoyed-640.jpg] [--concurrency 16]
        [--b-settings '{"instances": 2}']

A build of an older commit for A: `git worktree add /tmp/old COMMIT &&
(cd /tmp/old && swift build -c release --product fovea)`, then
/tmp/old/.build/release/fovea.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fovea_bench.environment import ensure_bench_python  # noqa: E402

ensure_bench_python()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402

from fovea_bench import paths, proc_stats  # noqa: E402
from fovea_bench.configuration import BenchConfiguration, with_settings  # noqa: E402
from fovea_bench.services import FoveaServer  # noqa: E402
from fovea_bench.wrk import run_wrk  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("build_a")
    parser.add_argument("build_b")
    parser.add_argument("rounds", type=int)
    parser.add_argument("seconds", type=float)
    parser.add_argument("--config", default=str(paths.DEFAULT_CONFIG), help="Fovea YAML (server section, models)")
    parser.add_argument("--model", default="dog-breeds", help="model entry of --config to serve")
    parser.add_argument("--image", default="samoyed-640.jpg", help="photo in shared/images, or a path")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--b-settings", type=json.loads, default={},
                        help="JSON merged into B's model entry (nested objects such as batching are merged too)")
    args = parser.parse_args()

    configuration = BenchConfiguration(Path(args.config))
    entry = configuration.model_entry(args.model)
    configs = {"A": configuration.serve_config([entry]),
               "B": configuration.serve_config([with_settings(entry, args.b_settings)])}
    image = paths.image_path(args.image)
    results: dict[str, list[tuple[float, float, float]]] = {"A": [], "B": []}
    builds = {"A": args.build_a, "B": args.build_b}
    for round_index in range(args.rounds):
        order = ("A", "B") if round_index % 2 == 0 else ("B", "A")
        for label in order:
            os.environ["FOVEA_BIN"] = builds[label]  # what FoveaServer starts
            server = FoveaServer(configs[label], paths.scratch_dir("compare-serving", label))
            server.start()
            try:
                url = f"{server.url}/classify"
                run_wrk(url, image, args.concurrency, 3)
                server.settle()
                cpu_before = server.cpu_seconds()
                result = run_wrk(url, image, args.concurrency, args.seconds)
                cpu = 100 * (server.cpu_seconds() - cpu_before) / result.duration_s
                rss = proc_stats.rss_bytes(server.pid) / (1 << 20)
            finally:
                server.stop()
            results[label].append((result.ok_per_s, result.p50_ms, result.p99_ms, cpu))
            print(f"round {round_index} {label}: {result.ok_per_s:.1f} img/s, p50 {result.p50_ms:.1f} ms, "
                  f"p99 {result.p99_ms:.1f} ms, non-2xx {result.non2xx}, CPU {cpu:.0f} %, RSS {rss:.0f} MiB",
                  flush=True)
    a, a50, a99, a_cpu = (statistics.median(column) for column in zip(*results["A"]))
    b, b50, b99, b_cpu = (statistics.median(column) for column in zip(*results["B"]))
    print(f"{args.model}, {Path(image).name}, concurrency {args.concurrency}, {args.rounds} alternations: "
          f"A median {a:.1f} img/s (p50 {a50:.1f}, p99 {a99:.1f} ms, CPU {a_cpu:.0f} %) | "
          f"B median {b:.1f} img/s (p50 {b50:.1f}, p99 {b99:.1f} ms, CPU {b_cpu:.0f} %) | B/A {b / a:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
