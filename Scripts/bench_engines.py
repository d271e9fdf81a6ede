#!/usr/bin/env python3
"""Compares `fovea bench` with onnxruntime on the same ONNX files, alternating
between the two so that machine load affects both alike, and prints the
ratios the engine's performance targets are stated in.

usage: Scripts/bench_engines.py [--fovea .build/release/fovea] [--rounds 3]
                                [--seconds 5] [--batches 1,8]
                                [--convolution auto|native|onednn] MODEL.onnx ...
Run it with the test environment's Python (.build/venv/bin/python).
"""
import argparse
import json
import os
import statistics
import subprocess
import time

import numpy as np
import onnxruntime as ort


def bench_fovea(binary, model, batch, seconds, threads, convolution):
    output = subprocess.run([binary, "bench", model, "--batch", str(batch), "--seconds", str(seconds),
                             "--threads", str(threads), "--convolution", convolution, "--json"],
                            check=True, capture_output=True, text=True).stdout
    result = json.loads(output)["results"][0]
    return result["latency_ms"]["p50"], result["images_per_second"]


def bench_onnxruntime(model, batch, seconds, threads):
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    feeds = {}
    for model_input in session.get_inputs():
        shape = [batch if i == 0 else d for i, d in enumerate(model_input.shape)]
        feeds[model_input.name] = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    warm_up_end = time.perf_counter() + min(1.0, seconds / 4)
    while time.perf_counter() < warm_up_end:
        session.run(None, feeds)
    latencies = []
    start = time.perf_counter()
    while time.perf_counter() - start < seconds or len(latencies) < 3:
        began = time.perf_counter()
        session.run(None, feeds)
        latencies.append((time.perf_counter() - began) * 1000)
    return statistics.median(latencies), batch * len(latencies) / (sum(latencies) / 1000)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="+")
    parser.add_argument("--fovea", default=".build/release/fovea")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--batches", default="1,8")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--convolution", default="auto", choices=["auto", "native", "onednn"],
                        help="passed to `fovea bench --convolution`")
    args = parser.parse_args()
    batches = [int(b) for b in args.batches.split(",")]
    print(f"convolution: {args.convolution}, threads: {args.threads}, rounds: {args.rounds} (alternating), {args.seconds}s each; medians over rounds")
    print(f"{'model':<24} {'batch':>5} {'fovea ms':>9} {'ort ms':>9} {'latency ratio':>13} "
          f"{'fovea img/s':>11} {'ort img/s':>10} {'throughput ratio':>16}")
    for model in args.models:
        fixed = any(isinstance(d, int) for d in (i.shape[0] for i in ort.InferenceSession(model, providers=["CPUExecutionProvider"]).get_inputs()))
        for batch in ([1] if fixed else batches):
            ours, theirs = [], []
            for _ in range(args.rounds):
                ours.append(bench_fovea(args.fovea, model, batch, args.seconds, args.threads, args.convolution))
                theirs.append(bench_onnxruntime(model, batch, args.seconds, args.threads))
            ours_ms = statistics.median(r[0] for r in ours)
            ours_ips = statistics.median(r[1] for r in ours)
            theirs_ms = statistics.median(r[0] for r in theirs)
            theirs_ips = statistics.median(r[1] for r in theirs)
            name = os.path.splitext(os.path.basename(model))[0]
            print(f"{name:<24} {batch:>5} {ours_ms:>9.2f} {theirs_ms:>9.2f} {ours_ms / theirs_ms:>13.2f} "
                  f"{ours_ips:>11.1f} {theirs_ips:>10.1f} {ours_ips / theirs_ips:>16.2f}")


if __name__ == "__main__":
    main()
