#!/usr/bin/env python3
"""Compares `fovea bench` with onnxruntime on the same ONNX files, alternating
between the two so that machine load affects both alike, and prints the
ratios the engine's performance targets are stated in: onnxruntime's time
over Fovea's, for latency at batch 1 and throughput at batch 8 (above 1 =
Fovea faster), with their geometric mean.

usage: Scripts/bench_engines.py [--fovea .build/release/fovea] [--rounds 3]
                                [--seconds 5] [--batches 1,8]
                                [--convolution auto|native|onednn]
                                [--markdown] [MODEL.onnx | SET ...]
SET is one of: zoo (the engine tests' torchvision and ParNet exports), timm
(the CNN families from PyTorch Image Models the engine tests export), light
(the ONNX package's own model-zoo copies), all (the three); with no
argument, all. Models are exported into .build/engine-tests/models as the
tests do. A file with a fixed batch size runs at batch 1 only.
Run it with the test environment's Python (.build/venv/bin/python).
"""
import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time

import numpy as np
import onnx
import onnxruntime as ort

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELS = os.path.join(ROOT, ".build", "engine-tests", "models")
SETS = {
    "zoo": ["alexnet", "squeezenet1_0", "squeezenet1_1", "shufflenet_v2_x0_5", "shufflenet_v2_x1_0", "mobilenet_v1",
            "mobilenet_v2", "mobilenet_v3_large", "mobilenet_v3_small", "mnasnet0_5", "mnasnet1_0", "resnet18", "resnet50",
            "wide_resnet50_2", "parnet_s", "resnet18_transfer"],
    "timm": ["timm_efficientnet_b0", "timm_regnety_004", "timm_regnetx_002", "timm_mobilenetv3_large_100", "timm_ghostnet_100",
             "timm_mixnet_s", "timm_rexnet_100", "timm_seresnext26d_32x4d", "timm_densenet121", "timm_inception_v3"],
    "light": ["bvlc_alexnet", "densenet121", "inception_v1", "inception_v2", "resnet50", "shufflenet", "squeezenet", "vgg19",
              "zfnet512"],
}


def resolve(arguments):
    """Model paths for the arguments (files or set names), exporting as needed."""
    paths = []
    for argument in arguments or ["all"]:
        if os.path.exists(argument):
            paths.append(argument)
            continue
        sets = list(SETS) if argument == "all" else [argument]
        if any(s not in SETS for s in sets):
            sys.exit(f"{argument}: neither a file nor one of {', '.join(list(SETS) + ['all'])}")
        for name in sets:
            if name == "light":
                light = os.path.join(os.path.dirname(onnx.__file__), "backend", "test", "data", "light")
                paths += [os.path.join(light, f"light_{model}.onnx") for model in SETS[name]]
                continue
            subprocess.run([sys.executable, os.path.join(ROOT, "Tests", "FoveaEngineTests", "Python", "export_models.py"), MODELS]
                           + SETS[name], check=True)
            paths += [os.path.join(MODELS, f"{model}.onnx") for model in SETS[name]]
    return paths


def bench_fovea(binary, model, batch, seconds, threads, convolution):
    output = subprocess.run([binary, "bench", model, "--batch", str(batch), "--seconds", str(seconds),
                             "--threads", str(threads), "--convolution", convolution, "--json"],
                            check=True, capture_output=True, text=True).stdout
    result = json.loads(output)["results"][0]
    return result["latency_ms"]["p50"], result["images_per_second"]


def bench_onnxruntime(session, batch, seconds):
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


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="*")
    parser.add_argument("--fovea", default=os.path.join(ROOT, ".build", "release", "fovea"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--batches", default="1,8")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--convolution", default="auto", choices=["auto", "native", "onednn"],
                        help="passed to `fovea bench --convolution`")
    parser.add_argument("--markdown", action="store_true", help="print the table in Markdown")
    args = parser.parse_args()
    batches = [int(b) for b in args.batches.split(",")]
    paths = resolve(args.models)
    print(f"{cpu_name()}; onnxruntime {ort.__version__}; convolution: {args.convolution}, threads: {args.threads}, "
          f"rounds: {args.rounds} (alternating), {args.seconds}s each; medians over rounds; "
          f"ratio = onnxruntime time / Fovea time (latency at batch 1, throughput otherwise)", flush=True)
    if args.markdown:
        print("\n| model | batch | Fovea ms | onnxruntime ms | Fovea img/s | onnxruntime img/s | ratio |\n|---|--:|--:|--:|--:|--:|--:|")
    else:
        print(f"{'model':<28} {'batch':>5} {'fovea ms':>9} {'ort ms':>9} {'fovea img/s':>11} {'ort img/s':>10} {'ratio':>6}")
    ratios = {}
    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    for model in paths:
        session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
        fixed = any(isinstance(i.shape[0], int) for i in session.get_inputs())
        for batch in ([1] if fixed else batches):
            ours, theirs = [], []
            for _ in range(args.rounds):
                ours.append(bench_fovea(args.fovea, model, batch, args.seconds, args.threads, args.convolution))
                theirs.append(bench_onnxruntime(session, batch, args.seconds))
            ours_ms, ours_ips = (statistics.median(r[i] for r in ours) for i in (0, 1))
            theirs_ms, theirs_ips = (statistics.median(r[i] for r in theirs) for i in (0, 1))
            ratio = theirs_ms / ours_ms if batch == 1 else ours_ips / theirs_ips
            ratios.setdefault(batch, []).append(ratio)
            name = os.path.splitext(os.path.basename(model))[0]
            if args.markdown:
                print(f"| {name} | {batch} | {ours_ms:.2f} | {theirs_ms:.2f} | {ours_ips:.1f} | {theirs_ips:.1f} | {ratio:.2f}× |",
                      flush=True)
            else:
                print(f"{name:<28} {batch:>5} {ours_ms:>9.2f} {theirs_ms:>9.2f} {ours_ips:>11.1f} {theirs_ips:>10.1f} {ratio:>6.2f}",
                      flush=True)
    every = [r for values in ratios.values() for r in values]
    print()
    for batch, values in sorted(ratios.items()):
        print(f"batch {batch}: {len(values)} models, geometric mean {math.exp(statistics.mean(map(math.log, values))):.2f}×, "
              f"lowest {min(values):.2f}×, below 1.0: {sum(v < 1 for v in values)}")
    if every:
        print(f"all: geometric mean {math.exp(statistics.mean(map(math.log, every))):.2f}× over {len(every)} measurements")


if __name__ == "__main__":
    main()
