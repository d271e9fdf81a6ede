#!/usr/bin/env python3
"""Overload: offer twice what Fovea can serve and check that it sheds load cleanly.

Measures capacity (closed loop, concurrency 16), then sends Poisson arrivals at
2× that rate for --seconds (default 120, --quick 20). Passes when the process
survives, the excess is answered 503 with Retry-After quickly, accepted
requests' p99 stays under the model's batching.timeout_ms, RSS stays bounded,
and the service answers normally afterwards.

RSS is bounded when it stops growing (the second half's peak within 5 % of
the first's) at no more than the level after the probe plus --rss-growth of
it plus what a full queue holds: each admitted request keeps its upload and
its slot of the batch tensor (`batching.queue_capacity` of them).

    Scripts/reliability/overload.py [--quick] [--seconds S] [--factor 2]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fovea_reliability.bootstrap  # noqa: E402,F401  (re-executes in .build/bench-venv)

import asyncio  # noqa: E402

from fovea_bench import proc_stats  # noqa: E402
from fovea_bench.services import http_request  # noqa: E402
from fovea_reliability import scenario  # noqa: E402
from fovea_reliability.load import closed_loop, latencies_ms, open_loop, percentile  # noqa: E402
from fovea_reliability.verdict import Verdict  # noqa: E402


def queue_bytes(description: dict, upload_bytes: int) -> int:
    """What `queue_capacity` admitted requests hold: each its upload and a float32 input slot."""
    slot = 4
    for dimension in description["input"]["shape"][1:]:
        slot *= dimension
    return description["batching"]["queue_capacity"] * (slot + upload_bytes)


def main() -> int:
    parser = scenario.options(__doc__.splitlines()[0], default_seconds=120, quick_seconds=20)
    parser.add_argument("--factor", type=float, default=2.0, help="offered load / measured capacity")
    parser.add_argument("--rejection-p99-ms", type=float, default=100.0,
                        help="503 answers must come back faster than this (p99)")
    parser.add_argument("--rss-growth", type=float, default=0.5,
                        help="allowed RSS growth over the level after the capacity probe and a full queue (fraction)")
    args = scenario.parse(parser)
    verdict = Verdict("overload")
    body = scenario.image_bytes(args.image)
    server = scenario.start_server(args, "overload")
    try:
        description = server.models()["models"][0]
        timeout_ms = description["batching"]["timeout_ms"]
        probe_seconds = 5 if args.quick else 20
        capacity = asyncio.run(closed_loop(server.port, body, 16, probe_seconds, 100_000))
        rate = len(capacity.ok) / capacity.duration_s
        server.settle()
        baseline_rss = proc_stats.rss_bytes(server.pid)
        print(f"capacity {rate:.1f} img/s at concurrency 16; offering {args.factor * rate:.1f}/s for {args.seconds:g}s; "
              f"queue_capacity {description['batching']['queue_capacity']}, timeout_ms {timeout_ms:g}; "
              f"RSS {scenario.mib(baseline_rss)}", flush=True)
        if not verdict.check("capacity measured", rate > 0, f"{rate:.1f} img/s"):
            return verdict.finish()

        with scenario.ResourceSampler(server.pid) as sampler:
            report = asyncio.run(open_loop(server.port, body, args.factor * rate, args.seconds,
                                           max_outstanding=2048, timeout_s=timeout_ms / 1000 + 30))
        alive = proc_stats.alive(server.pid)
        verdict.check("process survived", alive)
        counts = report.status_counts()
        print(f"answers: {counts}", flush=True)
        accepted, rejected = report.ok, report.with_status(lambda s: s == 503)
        other = [o for o in report.outcomes if o.status is None or not (200 <= o.status < 300 or o.status == 503)]
        verdict.check("excess answered 503", len(rejected) > 0,
                      f"{len(rejected)} × 503 of {len(report.outcomes)} ({len(accepted) / report.duration_s:.1f} "
                      f"accepted/s while offering {len(report.outcomes) / args.seconds:.1f}/s)")
        verdict.check("no answers other than 2xx and 503, no connection failures", not other,
                      ", ".join(f"{k}: {v}" for k, v in counts.items() if k not in ("200", "503")) or "none")
        verdict.check("every 503 carries Retry-After", all(o.retry_after for o in rejected),
                      f"{sum(1 for o in rejected if not o.retry_after)} without")
        rejection_p99 = percentile(latencies_ms(rejected), 99)
        verdict.check("503 answered quickly", rejected and rejection_p99 < args.rejection_p99_ms,
                      f"p99 {rejection_p99:.1f} ms (limit {args.rejection_p99_ms:g} ms)")
        accepted_p99 = percentile(latencies_ms(accepted), 99)
        verdict.check("accepted p99 under the configured timeout", accepted and accepted_p99 < timeout_ms,
                      f"p99 {accepted_p99:.0f} ms, p50 {percentile(latencies_ms(accepted), 50):.0f} ms "
                      f"(timeout_ms {timeout_ms:g})")
        peak = sampler.peak_rss()
        half = report.started_at + args.seconds / 2
        first_half = max((s.rss for s in sampler.samples if s.at < half), default=0)
        second_half = sampler.peak_rss(since=half)
        queued = queue_bytes(description, len(body))
        limit = baseline_rss * (1 + args.rss_growth) + queued
        verdict.check("RSS bounded", peak <= limit and second_half <= first_half * 1.05,
                      f"peak {scenario.mib(peak)} vs {scenario.mib(baseline_rss)} before (limit "
                      f"+{args.rss_growth:.0%} and a full queue's {scenario.mib(queued)}: {scenario.mib(limit)}); "
                      f"first half peak {scenario.mib(first_half)}, second half {scenario.mib(second_half)}")
        if alive:
            server.settle()
            status, _, _ = http_request(server.port, "POST", "/classify", body, {"Content-Type": "image/jpeg"})
            verdict.check("serves normally afterwards", status == 200, f"status {status}")
    finally:
        scenario.stop_server(server, verdict)
    return verdict.finish()


if __name__ == "__main__":
    sys.exit(main())
