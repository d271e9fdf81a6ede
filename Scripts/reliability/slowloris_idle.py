#!/usr/bin/env python3
"""Slowloris and idle floods while normal traffic keeps its p99.

Phase 1 measures normal traffic alone (closed loop, --concurrency 4, --seconds,
default 30, --quick 10). Phase 2 repeats it while, on loopback,
--idle connections (default 2000, --quick 500) sit open without sending a byte
and --slow connections (default 200, --quick 100) dribble a request head one
byte per --drip seconds without ever finishing it. The attack lasts at least
the server's header_read timeout plus 5 s. Passes when normal traffic has no
failures and its p99 stays within --p99-factor of phase 1 (plus --p99-slack-ms
for a noisy machine), every slow connection is cut by the server, RSS grows
less than 100 MB, the thread count stays put, /healthz answers during the
attack, and descriptors return to their level once the attack ends.

    Scripts/reliability/slowloris_idle.py [--quick] [--idle N] [--slow N]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fovea_reliability.bootstrap  # noqa: E402,F401  (re-executes in .build/bench-venv)

import asyncio  # noqa: E402
import resource  # noqa: E402
import selectors  # noqa: E402
import socket  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402

from fovea_bench import proc_stats  # noqa: E402
from fovea_bench.services import LOOPBACK, http_request  # noqa: E402
from fovea_reliability import scenario  # noqa: E402
from fovea_reliability.load import closed_loop, latencies_ms, percentile  # noqa: E402
from fovea_reliability.verdict import Verdict  # noqa: E402

SLOW_HEAD = (b"POST /classify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/jpeg\r\n"
             b"X-Padding: " + b"a" * 4000)


@dataclass
class Flood:
    """Idle and slow connections held by one thread until `stop` is set or `limit_s` passes."""

    port: int
    idle: int
    slow: int
    drip_s: float
    limit_s: float
    stop: threading.Event = field(default_factory=threading.Event)
    opened_idle: int = 0
    opened_slow: int = 0
    connect_failures: int = 0
    closed_idle_at: list[float] = field(default_factory=list)
    closed_slow_at: list[float] = field(default_factory=list)
    started_at: float = 0.0

    def run(self) -> None:
        self.started_at = time.monotonic()
        selector = selectors.DefaultSelector()
        slow_sockets: dict[socket.socket, int] = {}
        for kind, count in (("idle", self.idle), ("slow", self.slow)):
            for _ in range(count):
                try:
                    connection = socket.create_connection((LOOPBACK, self.port), timeout=5)
                except OSError:
                    self.connect_failures += 1
                    continue
                connection.setblocking(False)
                selector.register(connection, selectors.EVENT_READ, kind)
                if kind == "slow":
                    slow_sockets[connection] = 0
                    self.opened_slow += 1
                else:
                    self.opened_idle += 1
        next_drip = time.monotonic()
        deadline = self.started_at + self.limit_s
        while not self.stop.is_set() and time.monotonic() < deadline:
            for key, _ in selector.select(timeout=0.2):
                self._closed(selector, key.fileobj, key.data, slow_sockets)
            if time.monotonic() >= next_drip:
                next_drip += self.drip_s
                for connection, sent in list(slow_sockets.items()):
                    try:
                        connection.send(SLOW_HEAD[sent % len(SLOW_HEAD): sent % len(SLOW_HEAD) + 1])
                        slow_sockets[connection] = sent + 1
                    except (BlockingIOError, InterruptedError):
                        pass
                    except OSError:
                        self._closed(selector, connection, "slow", slow_sockets)
        for key in list(selector.get_map().values()):
            key.fileobj.close()
        selector.close()

    def _closed(self, selector, connection, kind: str, slow_sockets: dict) -> None:
        """The server answered (408) or closed: either way it let go of the connection."""
        elapsed = time.monotonic() - self.started_at
        (self.closed_slow_at if kind == "slow" else self.closed_idle_at).append(elapsed)
        selector.unregister(connection)
        slow_sockets.pop(connection, None)
        connection.close()


def main() -> int:
    parser = scenario.options(__doc__.splitlines()[0], default_seconds=30, quick_seconds=10)
    parser.add_argument("--concurrency", type=int, default=4, help="normal traffic connections")
    parser.add_argument("--idle", type=int, help="idle connections (default 2000, --quick 500)")
    parser.add_argument("--slow", type=int, help="slowloris connections (default 200, --quick 100)")
    parser.add_argument("--drip", type=float, default=1.0, help="seconds between a slow connection's bytes")
    parser.add_argument("--p99-factor", type=float, default=1.5)
    parser.add_argument("--p99-slack-ms", type=float, default=50.0)
    parser.add_argument("--fd-slack", type=int, default=8)
    args = scenario.parse(parser)
    args.idle = args.idle if args.idle is not None else (500 if args.quick else 2000)
    args.slow = args.slow if args.slow is not None else (100 if args.quick else 200)
    verdict = Verdict("slowloris and idle flood")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = args.idle + args.slow + 1024
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))  # also inherited by the server
    body = scenario.image_bytes(args.image)
    server = scenario.start_server(args, "slowloris-idle")
    header_timeout = float(server.config["server"].get("timeouts", {}).get("header_read", 10))
    try:
        asyncio.run(closed_loop(server.port, body, args.concurrency, 3, 10_000))  # warm-up
        server.settle()
        fds_before, threads_before = proc_stats.open_fds(server.pid), proc_stats.thread_count(server.pid)
        rss_before = proc_stats.rss_bytes(server.pid)
        baseline = asyncio.run(closed_loop(server.port, body, args.concurrency, args.seconds, 1_000_000))
        base_p99 = percentile(latencies_ms(baseline.ok), 99)
        print(f"alone: {len(baseline.ok) / baseline.duration_s:.1f} img/s, p50 "
              f"{percentile(latencies_ms(baseline.ok), 50):.1f} ms, p99 {base_p99:.1f} ms; fds {fds_before}, "
              f"threads {threads_before}, RSS {scenario.mib(rss_before)}", flush=True)
        server.settle()

        attack_seconds = max(args.seconds, header_timeout + 5)
        flood = Flood(server.port, args.idle, args.slow, args.drip, limit_s=attack_seconds + 30)
        attacker = threading.Thread(target=flood.run, daemon=True)
        attacker.start()
        while flood.opened_idle + flood.opened_slow + flood.connect_failures < args.idle + args.slow \
                and attacker.is_alive():
            time.sleep(0.1)
        print(f"flood: {flood.opened_idle} idle and {flood.opened_slow} slow connections open "
              f"({flood.connect_failures} connect failures) after {time.monotonic() - flood.started_at:.1f}s",
              flush=True)
        with scenario.ResourceSampler(server.pid) as sampler:
            attacked = asyncio.run(closed_loop(server.port, body, args.concurrency, args.seconds, 1_000_000))
            health_status, _, _ = http_request(server.port, "GET", "/healthz", timeout=5)
            threads_during = proc_stats.thread_count(server.pid)
            remaining = flood.started_at + attack_seconds - time.monotonic()
            if remaining > 0:
                time.sleep(remaining)
        flood.stop.set()
        attacker.join(timeout=30)
        attack_p99 = percentile(latencies_ms(attacked.ok), 99)
        print(f"under attack: {len(attacked.ok) / attacked.duration_s:.1f} img/s, p50 "
              f"{percentile(latencies_ms(attacked.ok), 50):.1f} ms, p99 {attack_p99:.1f} ms", flush=True)

        verdict.check("flood connections accepted", flood.opened_idle + flood.opened_slow > 0,
                      f"{flood.opened_idle} idle + {flood.opened_slow} slow, {flood.connect_failures} refused")
        verdict.check("normal traffic without failures", attacked.ok and not attacked.failed and not baseline.failed,
                      f"alone {baseline.status_counts()}, under attack {attacked.status_counts()}")
        limit = max(base_p99 * args.p99_factor, base_p99 + args.p99_slack_ms)
        verdict.check("normal traffic keeps its p99", attack_p99 <= limit,
                      f"{attack_p99:.1f} ms under attack vs {base_p99:.1f} ms alone (limit {limit:.1f} ms)")
        verdict.check("/healthz answers during the flood", health_status == 200, f"status {health_status}")
        cut = flood.closed_slow_at
        verdict.check("every slowloris connection cut by the header timeout", len(cut) == flood.opened_slow,
                      f"{len(cut)} of {flood.opened_slow} cut"
                      + (f", after {min(cut):.1f}–{max(cut):.1f} s (header_read {header_timeout:g} s)" if cut else ""))
        idle_cut = flood.closed_idle_at
        print(f"idle connections closed by the server during the attack: {len(idle_cut)} of {flood.opened_idle}"
              + (f" (after {min(idle_cut):.1f}–{max(idle_cut):.1f} s)" if idle_cut else ""), flush=True)
        peak = sampler.peak_rss()
        verdict.check("RSS growth under 100 MB", peak - rss_before < 100 * 2**20,
                      f"{scenario.mib(rss_before)} → peak {scenario.mib(peak)}")
        verdict.check("thread count unchanged by the flood", threads_during <= threads_before + 2,
                      f"{threads_before} before, {threads_during} during")
        time.sleep(1)
        server.settle()
        fds_after = proc_stats.open_fds(server.pid)
        peak_fds = max((s.fds for s in sampler.samples), default=0)
        verdict.check("descriptors released after the flood", fds_after <= fds_before + args.fd_slack,
                      f"{fds_before} before, peak {peak_fds}, {fds_after} after")
    finally:
        scenario.stop_server(server, verdict)
    return verdict.finish()


if __name__ == "__main__":
    sys.exit(main())
