#!/usr/bin/env python3
"""Engine-only A/B of two `fovea` builds on one model and batch size.

Runs `fovea bench MODEL --batch B --json` with build A, then build B, for
ROUNDS alternations (so both see the same minute of a shared host), and
prints the median and minimum milliseconds per batch of each and B/A.

usage: Scripts/bench/compare_builds.py MODEL.onnx BATCH ROUNDS FOVEA_A FOVEA_B [--seconds S]

A build of an older commit for A: `git worktree add /tmp/old COMMIT &&
(cd /tmp/old && swift build -c release --product fovea)`, then
/tmp/old/.build/release/fovea.
"""
import argparse
import json
import os
import statistics
import subprocess


def milliseconds_per_batch(binary, model, batch, seconds):
    output = subprocess.run([binary, "bench", model, "--batch", str(batch), "--seconds", str(seconds), "--json"],
                            check=True, capture_output=True, text=True).stdout
    result = json.loads(output)["results"][0]
    return 1000.0 * batch / result["images_per_second"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model")
    parser.add_argument("batch", type=int)
    parser.add_argument("rounds", type=int)
    parser.add_argument("build_a")
    parser.add_argument("build_b")
    parser.add_argument("--seconds", type=float, default=1.5)
    args = parser.parse_args()
    times = {"A": [], "B": []}
    for _ in range(args.rounds):
        for label, binary in (("A", args.build_a), ("B", args.build_b)):
            times[label].append(milliseconds_per_batch(binary, args.model, args.batch, args.seconds))
    a, b = statistics.median(times["A"]), statistics.median(times["B"])
    name = os.path.splitext(os.path.basename(args.model))[0]
    print(f"{name} batch {args.batch}, {args.rounds} alternations, ms per batch: "
          f"A median {a:.2f} min {min(times['A']):.2f} | B median {b:.2f} min {min(times['B']):.2f} | B/A {b / a:.3f}")


if __name__ == "__main__":
    main()
