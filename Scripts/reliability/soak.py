#!/usr/bin/env python3
"""Soak: steady load at ~70 % of capacity; memory, descriptors and answers must stay flat.

Measures capacity (closed loop, concurrency 16, 60 s, --quick 10 s; the
median of its 10-s windows, 5-s with --quick), then sends Poisson arrivals
at --load (default 0.7) of it for --seconds (default 600, --quick 60). RSS is
compared between the first and the last tenth of the samples after a
warm-up (a third of the run, at most 20 s, at least a tenth), as medians;
descriptors between start and end. Passes with RSS growth under 5 %,
a stable descriptor count and not a single non-2xx answer.

    Scripts/reliability/soak.py [--quick] [--seconds S] [--load 0.7]
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fovea_reliability.bootstrap  # noqa: E402,F401  (re-executes in .build/bench-venv)

import asyncio  # noqa: E402

from fovea_bench import proc_stats  # noqa: E402
from fovea_reliability import scenario  # noqa: E402
from fovea_reliability.load import closed_loop, latencies_ms, open_loop, percentile  # noqa: E402
from fovea_reliability.verdict import Verdict  # noqa: E402


def main() -> int:
    parser = scenario.options(__doc__.splitlines()[0], default_seconds=600, quick_seconds=60)
    parser.add_argument("--load", type=float, default=0.7, help="offered load / measured capacity")
    parser.add_argument("--rss-growth", type=float, default=0.05, help="allowed RSS growth after warm-up (fraction)")
    parser.add_argument("--fd-slack", type=int, default=4, help="allowed extra open descriptors at the end")
    args = scenario.parse(parser)
    verdict = Verdict("soak")
    body = scenario.image_bytes(args.image)
    server = scenario.start_server(args, "soak")
    try:
        # A 20-s probe once caught a quiet spell of the shared host (266 img/s
        # against 220-240 sustained), so "70 %" offered nearer 80 % and one
        # stall overflowed the queue: probe for longer, take the median window.
        probe = asyncio.run(closed_loop(server.port, body, 16, 10 if args.quick else 60, 1_000_000))
        capacity = probe.windowed_ok_rate(5 if args.quick else 10)
        rate = args.load * capacity
        server.settle()
        fds_before = proc_stats.open_fds(server.pid)
        print(f"capacity {capacity:.1f} img/s (overall {len(probe.ok) / probe.duration_s:.1f}); offering "
              f"{rate:.1f}/s for {args.seconds:g}s; fds {fds_before}, "
              f"RSS {scenario.mib(proc_stats.rss_bytes(server.pid))}", flush=True)
        if not verdict.check("capacity measured", rate > 0, f"{rate / args.load:.1f} img/s"):
            return verdict.finish()

        with scenario.ResourceSampler(server.pid, interval=2.0) as sampler:
            report = asyncio.run(open_loop(server.port, body, rate, args.seconds, max_outstanding=512))
        server.settle()
        verdict.check("process survived", proc_stats.alive(server.pid))
        counts = report.status_counts()
        ok = report.ok
        print(f"answers: {counts}; {len(ok) / report.duration_s:.1f}/s; p50 "
              f"{percentile(latencies_ms(ok), 50):.1f} ms, p99 {percentile(latencies_ms(ok), 99):.1f} ms", flush=True)
        print(report.stale_connection_summary(), flush=True)
        print(f"host over the run: {sampler.host_share() or 'not sampled'}", flush=True)
        if report.failed:
            print(report.failure_timeline(), flush=True)
            # At 70 % of capacity the queue overflows only if serving stalls
            # for about its capacity's worth of requests; whether the host took
            # the cores meanwhile tells a stall of the machine from one of ours.
            sent = [o.sent_at for o in report.failed]
            around = sampler.host_share(min(sent) - 10, max(sent) + 5)
            print(f"host from 10 s before the first failure to 5 s after the last: {around or 'not sampled'}",
                  flush=True)
        verdict.check("zero non-2xx answers and connection failures", not report.failed and ok,
                      ", ".join(f"{k}: {v}" for k, v in counts.items()))
        # Per-batch buffers and the allocator reach their level within the first ~20 s.
        warmed_up = report.started_at + max(args.seconds / 10, min(20.0, args.seconds / 3))
        settled = [s for s in sampler.samples if s.at >= warmed_up]
        window = max(5, len(settled) // 10)
        if verdict.check("RSS sampled", len(settled) >= 2 * window, f"{len(settled)} samples after warm-up"):
            # Under Poisson arrivals the requests in flight at one instant hold
            # up to a few MB of uploads and pixels, so one sample at each end
            # measures the queue as much as the process; the medians of the
            # first and last tenth compare levels, which a leak would raise.
            first = statistics.median(s.rss for s in settled[:window])
            last = statistics.median(s.rss for s in settled[-window:])
            growth = (last - first) / first
            trend = ", ".join(scenario.mib(s.rss) for s in settled[:: max(1, len(settled) // 6)])
            verdict.check(f"RSS growth under {args.rss_growth:.0%}", growth < args.rss_growth,
                          f"median of the first {window} samples {scenario.mib(first)} → of the last {window} "
                          f"{scenario.mib(last)} ({growth:+.1%}); range {scenario.mib(min(s.rss for s in settled))}–"
                          f"{scenario.mib(max(s.rss for s in settled))}; samples: {trend}")
        fds_after = proc_stats.open_fds(server.pid)
        peak_fds = max((s.fds for s in sampler.samples), default=fds_after)
        verdict.check("descriptor count stable", fds_after <= fds_before + args.fd_slack,
                      f"{fds_before} before, {fds_after} after (peak {peak_fds} with the load's connections open)")
    finally:
        scenario.stop_server(server, verdict)
    return verdict.finish()


if __name__ == "__main__":
    sys.exit(main())
