#!/usr/bin/env python3
"""Soak: steady load at ~70 % of capacity; memory, descriptors and answers must stay flat.

Measures capacity (closed loop, concurrency 16, 60 s, --quick 10 s; the
median of its 10-s windows, 5-s with --quick), warms the server up with the
soak's own Poisson arrivals at --load (default 0.7) of it (60 s, --quick
10 s), then sends them for --seconds (default 600, --quick 60). Passes with
not a single non-2xx answer, a stable descriptor count, and RSS growth under
5 % between the idle server after the warm-up and after the soak.

RSS is compared with the server idle, after the pooled buffers of a burst
have aged out and the heap has been trimmed (`HeapTrimmer`): under load the
RSS measures the queue as much as the process. A host slowdown near the end
of a run once left a backlog of 154 requests whose buffers the pool keeps for
30 s, which read +46 % between the medians of the first and last tenth of
the run; what a leak or fragmentation leaves behind stays when the server is
idle. The trend under load is still printed.

    Scripts/reliability/soak.py [--quick] [--seconds S] [--load 0.7]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fovea_reliability.bootstrap  # noqa: E402,F401  (re-executes in .build/bench-venv)

import asyncio  # noqa: E402

from fovea_bench import proc_stats  # noqa: E402
from fovea_reliability import scenario  # noqa: E402
from fovea_reliability.load import closed_loop, latencies_ms, open_loop, percentile  # noqa: E402
from fovea_reliability.verdict import Verdict  # noqa: E402


# `HeapTrimmer` unmaps pooled buffers idle for 30 s, checking every 5 s (±1 s).
IDLE_RELEASE_S = 40.0


def idle_rss(server) -> int:
    """The server's RSS once it is idle and has returned what a burst left pooled."""
    server.settle()
    time.sleep(IDLE_RELEASE_S)
    samples = []
    for _ in range(5):
        samples.append(proc_stats.rss_bytes(server.pid))
        time.sleep(0.5)
    return int(statistics.median(samples))


def main() -> int:
    parser = scenario.options(__doc__.splitlines()[0], default_seconds=600, quick_seconds=60)
    parser.add_argument("--load", type=float, default=0.7, help="offered load / measured capacity")
    parser.add_argument("--rss-growth", type=float, default=0.05, help="allowed growth of the idle RSS (fraction)")
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
        if not verdict.check("capacity measured", rate > 0, f"{capacity:.1f} img/s"):
            return verdict.finish()
        # The warm-up's arrivals are the soak's, so that every thread, arena
        # and pooled size class the soak uses exists before the baseline.
        warm_up = asyncio.run(open_loop(server.port, body, rate, 10 if args.quick else 60, max_outstanding=512))
        rss_before = idle_rss(server)
        fds_before = proc_stats.open_fds(server.pid)
        print(f"capacity {capacity:.1f} img/s (overall {len(probe.ok) / probe.duration_s:.1f}); warm-up "
              f"{warm_up.status_counts()}; offering {rate:.1f}/s for {args.seconds:g}s; fds {fds_before}, "
              f"idle RSS {scenario.mib(rss_before)}", flush=True)

        with scenario.ResourceSampler(server.pid, interval=2.0) as sampler:
            report = asyncio.run(open_loop(server.port, body, rate, args.seconds, max_outstanding=512))
        if not verdict.check("process survived", proc_stats.alive(server.pid)):
            return verdict.finish()
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
        rss_after = idle_rss(server)
        growth = (rss_after - rss_before) / rss_before
        under_load = [s.rss for s in sampler.samples]
        trend = ", ".join(scenario.mib(r) for r in under_load[:: max(1, len(under_load) // 6)])
        verdict.check(f"idle RSS growth under {args.rss_growth:.0%}", growth < args.rss_growth,
                      f"{scenario.mib(rss_before)} after the warm-up → {scenario.mib(rss_after)} after the soak "
                      f"({growth:+.1%}); under load {scenario.mib(min(under_load, default=0))}–"
                      f"{scenario.mib(max(under_load, default=0))}, samples: {trend}")
        fds_after = proc_stats.open_fds(server.pid)
        peak_fds = max((s.fds for s in sampler.samples), default=fds_after)
        verdict.check("descriptor count stable", fds_after <= fds_before + args.fd_slack,
                      f"{fds_before} before, {fds_after} after (peak {peak_fds} with the load's connections open)")
    finally:
        scenario.stop_server(server, verdict)
    return verdict.finish()


if __name__ == "__main__":
    sys.exit(main())
