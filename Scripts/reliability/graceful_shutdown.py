#!/usr/bin/env python3
"""Graceful shutdown under load: SIGTERM while 16 clients classify.

Loads Fovea (closed loop, --concurrency 16, the large photo by default so
requests are in flight for a while), sends SIGTERM after --seconds (default 10,
--quick 5) and keeps the clients going until the server is gone. Every request
sent at least --grace-ms before the signal must get a 2xx answer (a request
sent in the last instant may still sit unread in the socket when the server
closes it; those are reported, not judged). The process must exit 0 within
the configured drain time plus a margin.

    Scripts/reliability/graceful_shutdown.py [--quick] [--seconds S]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fovea_reliability.bootstrap  # noqa: E402,F401  (re-executes in .build/bench-venv)

import asyncio  # noqa: E402
import signal  # noqa: E402
import time  # noqa: E402

from fovea_reliability import scenario  # noqa: E402
from fovea_reliability.load import closed_loop  # noqa: E402
from fovea_reliability.verdict import Verdict  # noqa: E402


def main() -> int:
    parser = scenario.options(__doc__.splitlines()[0], default_seconds=10, quick_seconds=5)
    parser.set_defaults(image="samoyed.jpg")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--grace-ms", type=float, default=20.0,
                        help="requests sent within this long before SIGTERM are not judged")
    args = scenario.parse(parser)
    verdict = Verdict("graceful shutdown")
    body = scenario.image_bytes(args.image)
    server = scenario.start_server(args, "graceful-shutdown")
    drain = float(server.config["server"].get("timeouts", {}).get("drain", 25))
    signalled_at: list[float] = []
    exit_code: list[int | None] = []

    async def run():
        stop = asyncio.Event()
        load = asyncio.create_task(closed_loop(server.port, body, args.concurrency, args.seconds + drain + 60,
                                               1_000_000, timeout_s=drain + 30, stop=stop))
        await asyncio.sleep(args.seconds)
        signalled_at.append(time.monotonic())
        server.signal(signal.SIGTERM)
        code = await asyncio.to_thread(server.wait, drain + 15)
        exit_code.append(code)
        stop.set()
        return await load

    try:
        report = asyncio.run(run())
    finally:
        if not exit_code or exit_code[0] is None:
            server.kill()
    signal_time = signalled_at[0]
    exited_after = None
    code = exit_code[0]
    before = [o for o in report.outcomes if o.sent_at <= signal_time - args.grace_ms / 1000]
    edge = [o for o in report.outcomes if signal_time - args.grace_ms / 1000 < o.sent_at <= signal_time]
    after = [o for o in report.outcomes if o.sent_at > signal_time]
    in_flight = [o for o in before if o.sent_at + o.latency_s > signal_time]
    unanswered = [o for o in before if o.status is None or not 200 <= o.status < 300]
    print(f"{len(before)} requests sent before the signal ({len(in_flight)} still in flight at it), "
          f"{len(edge)} within {args.grace_ms:g} ms of it, {len(after)} after", flush=True)
    verdict.check("requests were in flight at SIGTERM", len(in_flight) > 0, f"{len(in_flight)} in flight")
    verdict.check("every request accepted before SIGTERM answered 2xx", not unanswered,
                  f"{len(unanswered)} not answered: "
                  + ", ".join(sorted({str(o.status or o.error) for o in unanswered})) if unanswered
                  else f"{len(before)} answered")
    if in_flight:
        last_answer = max(o.sent_at + o.latency_s for o in in_flight) - signal_time
        exited_after = last_answer
        print(f"last in-flight answer {last_answer * 1000:.0f} ms after SIGTERM", flush=True)
    answered_during_drain = [o for o in report.outcomes
                             if o.status is not None and o.sent_at + o.latency_s > signal_time]
    print(f"answers during the drain: {len(answered_during_drain)}, "
          f"{sum(o.connection_close for o in answered_during_drain)} with Connection: close", flush=True)
    edge_summary = {}
    for outcome in edge + after:
        key = str(outcome.status) if outcome.status else str(outcome.error)
        edge_summary[key] = edge_summary.get(key, 0) + 1
    print(f"requests at or after the signal ended as: {edge_summary or 'none'}", flush=True)
    verdict.check("exit code 0 within the drain time", code == 0,
                  f"exit code {code} (drain {drain:g} s)" + (f", last answer {exited_after:.2f} s after the signal"
                                                            if exited_after is not None else ""))
    return verdict.finish()


if __name__ == "__main__":
    sys.exit(main())
