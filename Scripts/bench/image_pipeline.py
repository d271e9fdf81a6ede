#!/usr/bin/env python3
"""Image pipeline benchmark: Fovea vs Pillow vs Pillow+draft, in one run.

    Scripts/bench/image_pipeline.py [--iterations N] [--rounds R] [IMAGE ...]

All three produce the same ImageNet input (Resize 256, CenterCrop 224,
normalise, float32 NCHW) from in-memory JPEG bytes, single-threaded:
  - Fovea (default policy: DCT scaling only with >= 4x oversampling, i.e.
    within 2/255 of Pillow) and Fovea "fast" (oversampling >= 2), each
    single-threaded and with 2 decode threads (strips between restart
    markers, for JPEGs that have them at row boundaries; CPU ms per image
    shown as well),
  - Pillow: Image.open().convert('RGB').resize(BILINEAR), crop, NumPy normalise,
  - Pillow+draft: the same after draft('RGB', (256, 256)).
The Fovea harness is compiled with swiftc -O from Sources/FoveaImage and
Scripts/bench/ImagePipelineBench.swift into .build/bench-image.
Images default to ../shared/images/samoyed{,-640}.jpg (or $FOVEA_SHARED_DIR/images).
"""
import argparse
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

import numpy as np
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MEAN = np.array([0.485, 0.456, 0.406], np.float32)
STD = np.array([0.229, 0.224, 0.225], np.float32)
# The C targets FoveaImage imports (Package.swift).
C_MODULES = ("CImageCodecs", "CImageResampling")


def shared_images():
    candidates = [os.path.join(ROOT, "..", "shared")]
    if os.environ.get("FOVEA_SHARED_DIR"):
        candidates.append(os.environ["FOVEA_SHARED_DIR"])
    candidates.append(os.path.join(ROOT, "..", "..", "shared"))
    for folder in candidates:
        images = os.path.join(folder, "images")
        if os.path.exists(os.path.join(images, "samoyed.jpg")):
            return [os.path.normpath(os.path.join(images, n)) for n in ("samoyed.jpg", "samoyed-640.jpg")]
    sys.exit("shared images not found; pass image paths explicitly")


def build_harness():
    work = os.path.join(ROOT, ".build", "bench-image")
    os.makedirs(work, exist_ok=True)
    modulemap = os.path.join(work, "module.modulemap")
    # The Swift toolchain's clang, as SwiftPM uses; the system's may be older.
    clang = os.path.join(os.path.dirname(shutil.which("swiftc")), "clang")
    objects = []
    with open(modulemap, "w") as f:
        for module in C_MODULES:
            directory = os.path.join(ROOT, "Sources", module)
            f.write(f'module {module} {{\n    header "{directory}/include/{module}.h"\n    export *\n}}\n')
            for name in sorted(os.listdir(directory)):
                if name.endswith(".c"):
                    target = os.path.join(work, name[:-2] + ".o")
                    subprocess.run([clang, "-O2", "-I", os.path.join(directory, "include"), "-c",
                                    os.path.join(directory, name), "-o", target], check=True)
                    objects.append(target)
    sources = [os.path.join(d, f) for d, _, files in os.walk(os.path.join(ROOT, "Sources", "FoveaImage"))
               for f in files if f.endswith(".swift")]
    binary = os.path.join(work, "image-pipeline-bench")
    subprocess.run(["swiftc", "-O", "-wmo", "-parse-as-library", "-module-name", "FoveaImage",
                    "-Xcc", f"-fmodule-map-file={modulemap}", *sources,
                    os.path.join(ROOT, "Scripts", "bench", "ImagePipelineBench.swift"),
                    *objects, "-ljpeg", "-lpng16", "-o", binary], check=True)
    return binary


def fovea(binary, iterations, oversampling, threads, paths):
    output = subprocess.run([binary, str(iterations), str(oversampling), str(threads), *paths],
                            check=True, capture_output=True, text=True).stdout
    return {row["file"]: row for row in map(json.loads, output.splitlines())}


def pillow(data, draft):
    image = Image.open(io.BytesIO(data))
    if draft:
        image.draft("RGB", (256, 256))
    image = image.convert("RGB")
    width, height = image.size
    size = (256, int(256 * height / width)) if width <= height else (int(256 * width / height), 256)
    image = image.resize(size, Image.BILINEAR)
    left, top = int(round((size[0] - 224) / 2.0)), int(round((size[1] - 224) / 2.0))
    array = np.asarray(image.crop((left, top, left + 224, top + 224)), dtype=np.float32) / 255
    return np.ascontiguousarray(((array - MEAN) / STD).transpose(2, 0, 1))


def time_pillow(data, draft, iterations):
    for _ in range(5):
        pillow(data, draft)
    samples = []
    for _ in range(iterations):
        start = time.perf_counter()
        pillow(data, draft)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), min(samples)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--iterations", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("images", nargs="*")
    args = parser.parse_args()
    paths = [os.path.abspath(p) for p in args.images] or shared_images()

    binary = build_harness()
    variants = [(f"Fovea {name}, {threads} thr", oversampling, threads)
                for name, oversampling in (("default", 4), ("fast (2x)", 2)) for threads in (1, 2)]
    # The host's speed drifts; every engine runs once per round, so each
    # round compares all of them under the same conditions.
    per_round = max(args.iterations // args.rounds, 5)
    results = {}  # (label, path) -> list of per-round rows
    for _ in range(args.rounds):
        for label, oversampling, threads in variants:
            for path, row in fovea(binary, per_round, oversampling, threads, paths).items():
                results.setdefault((label, path), []).append(row)
        for path in paths:
            with open(path, "rb") as f:
                data = f.read()
            for label, draft in (("Pillow", False), ("Pillow+draft", True)):
                median, low = time_pillow(data, draft, per_round)
                results.setdefault((label, path), []).append({"median_ms": median, "min_ms": low})
    print(f"median (min) ms per image: median of {args.rounds} rounds of {per_round} iterations "
          "(minimum over all); Pillow single-threaded")
    for path in paths:
        def summary(label):
            rows = results[(label, path)]
            return (statistics.median(r["median_ms"] for r in rows), min(r["min_ms"] for r in rows),
                    statistics.mean(r.get("cpu_ms", 0) for r in rows), rows[-1].get("dct_scale_eighths"),
                    statistics.median(r.get("decode_median_ms", 0) for r in rows),
                    statistics.median(r.get("resample_median_ms", 0) for r in rows))
        plain, drafted = summary("Pillow"), summary("Pillow+draft")
        with Image.open(path) as image:
            print(f"\n{os.path.basename(path)} {image.size[0]}x{image.size[1]}")
        print(f"  {'Pillow':<25} {plain[0]:7.2f} ({plain[1]:.2f})")
        print(f"  {'Pillow+draft':<25} {drafted[0]:7.2f} ({drafted[1]:.2f})")
        for label, _, _ in variants:
            median, low, cpu, eighths, decode, resample = summary(label)
            print(f"  {label:<25} {median:7.2f} ({low:.2f})  CPU {cpu:6.2f}  "
                  f"decode {decode:5.2f} + resample {resample:5.2f}  DCT {eighths}/8  "
                  f"{plain[0] / median:.2f}x Pillow, {drafted[0] / median:.2f}x Pillow+draft")

if __name__ == "__main__":
    main()
