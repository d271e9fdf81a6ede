#!/usr/bin/env python3
"""Where one request's time goes inside a running `fovea serve`: Server-Timing stages, sequentially.

Sends N `POST /classify` requests one after another on one keep-alive
connection (optionally pausing between them) and prints, per stage of the
`Server-Timing` header (decode, queue, inference, total), the median, the
minimum and the 90th percentile in ms. Sequential requests show what a
lone request pays, which load tests average away: e.g. a queue delay spent
waiting for company, or worker threads woken from sleep.

    Scripts/bench/e2e/server_timing.py PORT IMAGE [N] [--pause SECONDS]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fovea_bench.server_timing import sequential_stages  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("port", type=int)
    parser.add_argument("image", type=Path)
    parser.add_argument("count", type=int, nargs="?", default=100)
    parser.add_argument("--pause", type=float, default=0.0, help="seconds between requests")
    args = parser.parse_args()

    try:
        stages = sequential_stages(args.port, args.image.read_bytes(), args.count, args.pause)
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 1
    for name, values in stages.items():
        ordered = sorted(values)
        print(f"{name:10s} median {statistics.median(ordered):7.2f}  min {ordered[0]:7.2f}  "
              f"p90 {ordered[int(0.9 * (len(ordered) - 1))]:7.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
