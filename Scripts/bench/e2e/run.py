#!/usr/bin/env python3
"""End-to-end serving benchmark: Fovea over HTTP vs its engine alone vs a Python peer.

For each model it starts `fovea serve` (one model per process, on a random
loopback port) and the Python peer (FastAPI + uvicorn + onnxruntime + Pillow,
same model, same preprocessing), and in each of --rounds rounds drives
`POST /classify` with wrk at each photo × concurrency, Fovea and the peer back
to back (their order swapped every other round), then measures `fovea bench`
at the batch size the scheduler formed. The shared host's speed drifts by
tens of percent within minutes, so ratios are taken within a round and the
table shows medians: images/s, latency percentiles, ratios to the peer and to
engine-only, and how close each row comes to the 2-core budget (decode
core-ms + inference core-ms per image). Then the batching effect:
`max_batch_size` 8 vs 4 (the default) vs 1 at concurrency 16, alternating
the same way.

    Scripts/bench/e2e/run.py                       # full run (~35 min)
    Scripts/bench/e2e/run.py --quick               # smoke run: short durations
    Scripts/bench/e2e/run.py --models dog-breeds --images samoyed-640.jpg --concurrency 16
    Scripts/bench/e2e/run.py --write               # also replace the table in BENCHMARKS.md

Models named in --models that the --config file does not define are
torchvision exports (`Scripts/export_torchvision.py`, random weights) made
into .build/model-zoo on first use. Raw results go to .build/bench/e2e/.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fovea_bench.environment import ensure_bench_python, load_average  # noqa: E402

ensure_bench_python()

import argparse  # noqa: E402
import contextlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shlex  # noqa: E402
import signal  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from dataclasses import asdict, dataclass, field  # noqa: E402

from fovea_bench import paths  # noqa: E402
from fovea_bench.configuration import BenchConfiguration, with_settings  # noqa: E402
from fovea_bench.engine import engine_throughput, instances_throughput  # noqa: E402
from fovea_bench.markdown_section import replace_between_markers  # noqa: E402
from fovea_bench.server_timing import sequential_stages  # noqa: E402
from fovea_bench.services import FoveaServer, ManagedProcess, PythonPeer  # noqa: E402
from fovea_bench.wrk import WrkResult, pooled_percentile_ms, run_wrk  # noqa: E402

# A point whose load generator the host froze is measured again, at most this often.
STALLED_POINT_ATTEMPTS = 3

# The batching effect's sizes: the 8 vs 1, and the default.
BATCHING_SIZES = (8, 4, 1)

# The targets at concurrency 16: (model, image) -> (× peer, × engine-only or None).
TARGETS = {
    ("resnet50", "samoyed-640.jpg"): (1.3, 0.85),
    ("resnet50", "samoyed.jpg"): (1.6, None),
    ("mobilenet_v2", "samoyed-640.jpg"): (2.5, 0.7),
    ("mobilenet_v2", "samoyed.jpg"): (4.0, None),
}


@dataclass
class Point:
    """One wrk run against one service, and the server's CPU time per answered image."""
    result: WrkResult
    core_ms: float


def median_point(points: list[Point]) -> Point | None:
    """The point of median throughput (the lower middle one of an even count)."""
    if not points:
        return None
    return sorted(points, key=lambda point: point.result.ok_per_s)[(len(points) - 1) // 2]


@dataclass
class Row:
    """One model × image × concurrency, measured in alternating rounds.

    The shared host's speed drifts by tens of percent within minutes, so
    Fovea's and the peer's points of one round run back to back, the engine
    is measured after each round, and ratios are taken within a round; the
    table shows the median round's throughput and the latency percentiles
    of all rounds' requests pooled.
    """
    model: str
    image: str
    concurrency: int
    fovea_rounds: list[Point] = field(default_factory=list)
    peer_rounds: list[Point] = field(default_factory=list)
    engine_batch: int = 1
    engine_rounds: list[float] = field(default_factory=list)
    decode_core_ms: float | None = None
    # The model's instances side by side, one engine each, as `fovea serve`
    # runs them under load: what inference costs there, per image.
    instances_images_per_s: float | None = None

    @property
    def fovea(self) -> WrkResult:
        return median_point(self.fovea_rounds).result

    @property
    def fovea_core_ms(self) -> float:
        return median_point(self.fovea_rounds).core_ms

    @property
    def peer(self) -> WrkResult | None:
        point = median_point(self.peer_rounds)
        return point.result if point else None

    @property
    def peer_core_ms(self) -> float | None:
        point = median_point(self.peer_rounds)
        return point.core_ms if point else None

    def fovea_latency_ms(self, p: float) -> float | None:
        return pooled_percentile_ms([point.result for point in self.fovea_rounds], p)

    def peer_latency_ms(self, p: float) -> float | None:
        return pooled_percentile_ms([point.result for point in self.peer_rounds], p)

    @property
    def engine_images_per_s(self) -> float | None:
        return statistics.median(self.engine_rounds) if self.engine_rounds else None

    def peer_ratios(self) -> list[float]:
        """Fovea / peer images/s within each round."""
        return [fovea.result.ok_per_s / peer.result.ok_per_s
                for fovea, peer in zip(self.fovea_rounds, self.peer_rounds) if peer.result.ok_per_s]

    def engine_ratios(self) -> list[float]:
        """Fovea / engine-only images/s within each round."""
        return [fovea.result.ok_per_s / engine
                for fovea, engine in zip(self.fovea_rounds, self.engine_rounds) if engine]

    def inference_core_ms(self, threads: int) -> float | None:
        """Inference core-ms per image as the server's instances spend them under load."""
        return threads * 1000.0 / self.instances_images_per_s if self.instances_images_per_s else None

    def budget_images_per_s(self, threads: int, cores: int) -> float | None:
        """What the cores allow when each image costs decode core-ms + inference core-ms."""
        inference = self.inference_core_ms(threads)
        if inference is None or self.decode_core_ms is None:
            return None
        return cores * 1000.0 / (self.decode_core_ms + inference)


def parse_list(text: str, kind=str) -> list:
    return [kind(item.strip()) for item in text.split(",") if item.strip()]


def warm_up(service: ManagedProcess, image: Path, concurrencies: list[int], seconds: float) -> float:
    """Runs the service in and returns its images/s, the first guess at each point's duration."""
    return run_wrk(f"{service.url}/classify", image, min(4, max(concurrencies)), seconds).ok_per_s


def settle(services: list[ManagedProcess]) -> None:
    """Waits until none of `services` is still working on requests a previous load abandoned.

    wrk stops at its deadline with requests still in flight and every server
    goes on with them. The contenders run side by side, so the one measured
    next must not share the cores with the other's leftovers: after a peer's
    point at concurrency 64, resnet50 took ~5 s of both cores to finish, and
    Fovea's point after it read 12.8 img/s against 17.5 and 22.3 in the rounds
    where it went first (2026-12-04 10:38 run).
    """
    for service in services:
        if not service.settle():
            print(f"!! {service.name} still busy after 120 s", flush=True)


def measure(service: ManagedProcess, image: Path, concurrency: int, seconds: float, rate: float,
            company: list[ManagedProcess]) -> Point:
    """One point: wrk at `concurrency` for at least `seconds`, and the server's core-ms per answered image.

    A point starts only once its `company` (every service running on the host,
    this one included; see `settle`) is idle. A point
    lasts at least three times what its connections need for one request each
    at `rate`, so slow models still complete enough requests.

    A point during which wrk itself stood still for seconds (its run outlasts
    its deadline by that much) is measured again: the host froze every
    process, and wrk's correction for coordinated omission turns one such
    pause into hundreds of synthetic multi-second latencies (one 14.5-s pause
    at concurrency 4 became a pooled p95 of 7.4 s on 2026-12-03).
    """
    duration = seconds if rate <= 0 else max(seconds, min(60.0, 3 * concurrency / rate))
    for attempt in range(1, STALLED_POINT_ATTEMPTS + 1):
        settle(company)
        cpu_before = service.cpu_seconds()
        result = run_wrk(f"{service.url}/classify", image, concurrency, duration)
        cpu = service.cpu_seconds() - cpu_before
        overrun = result.duration_s - round(duration)
        if overrun <= max(3.0, 0.25 * duration) or attempt == STALLED_POINT_ATTEMPTS:
            break
        print(f"!! wrk ran {result.duration_s:.1f} s for a {round(duration)}-s point (the host stalled): "
              "measuring again", flush=True)
    answered = max(1, round(result.ok_per_s * result.duration_s))
    print(f"   {service.name:11s} {image.name:16s} c={concurrency:<3d} {result.ok_per_s:8.1f} img/s  "
          f"p50 {result.p50_ms:7.1f}  p99 {result.p99_ms:7.1f} ms  non-2xx {result.non2xx}  "
          f"socket errors {sum(result.socket_errors.values())}  batch {result.batch_size_mean}", flush=True)
    return Point(result, cpu * 1000.0 / answered)


def single_thread_decode_ms(configuration: BenchConfiguration, entry: dict, images: list[Path],
                            overrides: dict, workdir: Path, requests: int = 30) -> dict[str, float]:
    """Decode core-ms per photo: the median `Server-Timing` decode of sequential requests to a Fovea
    that decodes every image on one thread.

    A request alone in flight may decode on `threads_per_image` threads, so
    its decode time is wall time, below what the photo costs in core time
    (the large photo: about 9.7 ms on two threads, 13–14 core-ms).
    """
    config = configuration.serve_config([with_settings(entry, {"threads_per_image": 1})],
                                        server_overrides=overrides)
    with FoveaServer(config, workdir) as fovea:
        return {image.name: statistics.median(sequential_stages(fovea.port, image.read_bytes(), requests)["decode"])
                for image in images}


def in_rounds(contenders: list, round_index: int) -> list:
    """The contenders in this round's order: reversed every other round, so none always goes first."""
    return contenders if round_index % 2 == 0 else list(reversed(contenders))


def spread(values: list[float]) -> str:
    """The median and range of per-round ratios."""
    if not values:
        return "–"
    if len(values) == 1:
        return f"{values[0]:.2f}×"
    return f"{statistics.median(values):.2f}× ({min(values):.2f}–{max(values):.2f})"


def ratio_of_rounds(ratios: list[float]) -> str:
    return f"{statistics.median(ratios):.2f}×" if ratios else "–"


def ratio(numerator: float | None, denominator: float | None) -> str:
    if not numerator or not denominator:
        return "–"
    return f"{numerator / denominator:.2f}×"


def number(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def render(rows: list[Row], batching: list[dict], context: dict) -> str:
    threads, cores = context["threads"], context["cores"]
    lines = [
        f"Command: `{context['command']}`  ",
        f"Commit {context['commit']}, {context['date']}; {context['cpu']} ({cores} cores), "
        f"inference threads {threads}; load average {context['load_before']:.2f} before, "
        f"{context['load_after']:.2f} after; {context['seconds']:g} s per point after {context['warmup']:g} s warm-up; "
        f"{context['rounds']} alternating rounds (Fovea, peer and engine-only back to back in each): images/s are "
        "the median round's, ratios the median of the rounds' own ratios, latency percentiles those of all rounds' "
        "requests pooled.",
        "",
        "| Model | Image | Conc. | Fovea img/s | p50 / p95 / p99 ms | Peer img/s | Peer p99 ms | vs peer "
        "| Batch | Engine-only img/s | vs engine | Budget img/s | of budget | core-ms/img Fovea / peer | non-2xx |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for row in rows:
        fovea, peer = row.fovea, row.peer
        budget = row.budget_images_per_s(threads, cores)
        failures = f"{fovea.failures}" + (f" / {peer.failures}" if peer else "")
        lines.append(
            f"| {row.model} | {row.image} | {row.concurrency} | {fovea.ok_per_s:.1f} "
            f"| {number(row.fovea_latency_ms(50))} / {number(row.fovea_latency_ms(95))} "
            f"/ {number(row.fovea_latency_ms(99))} "
            f"| {number(peer.ok_per_s if peer else None)} | {number(row.peer_latency_ms(99))} "
            f"| {ratio_of_rounds(row.peer_ratios())} "
            f"| {number(fovea.batch_size_mean, 2)} | {number(row.engine_images_per_s)} (b={row.engine_batch}) "
            f"| {ratio_of_rounds(row.engine_ratios())} | {number(budget)} | {ratio(fovea.ok_per_s, budget)} "
            f"| {number(row.fovea_core_ms)} / {number(row.peer_core_ms)} | {failures} |")
    stages = ("decode_wait", "decode", "queue", "inference", "total")
    lines += ["", "Where Fovea's time goes at concurrency 16 (the median round's `Server-Timing`, p50 / p99 ms per "
              "stage: waiting for a decoding thread, decoding, waiting for the batch, the forward pass, the whole "
              "request; wrk's p50 adds the time on the wire):", "",
              f"| Model | Image | {' | '.join(stages)} | wrk p50 |", "|---|---|" + "--:|" * (len(stages) + 1)]
    for row in rows:
        if row.concurrency != 16 or not row.fovea.stages_ms:
            continue
        measured = row.fovea.stages_ms

        def stage(name: str) -> str:
            return f"{measured[name]['p50']:.1f} / {measured[name]['p99']:.1f}" if name in measured else "–"

        lines.append(f"| {row.model} | {row.image} | {' | '.join(stage(name) for name in stages)} "
                     f"| {row.fovea.p50_ms:.1f} |")
    lines += ["", "Budget per image (decode core-ms: the median `Server-Timing` decode of 30 sequential requests to "
              "a Fovea decoding on one thread (`threads_per_image: 1`); inference "
              f"core-ms: {threads} threads × 1000 / the summed images/s of one `fovea bench` per instance, side by "
              "side on its share of the threads, at the batch formed at concurrency 16, which is how the server "
              "runs a model under load):", "",
              "| Model | Image | Decode core-ms | Inference core-ms (batch) | Total | Ceiling img/s on "
              f"{cores} cores |", "|---|---|--:|--:|--:|--:|"]
    for row in rows:
        inference = row.inference_core_ms(threads)
        if row.concurrency != 16 or row.decode_core_ms is None or inference is None:
            continue
        total = row.decode_core_ms + inference
        lines.append(f"| {row.model} | {row.image} | {row.decode_core_ms:.2f} | {inference:.2f} (b={row.engine_batch}) "
                     f"| {total:.2f} | {cores * 1000.0 / total:.1f} |")
    targets = [row for row in rows if row.concurrency == 16 and (row.model, row.image) in TARGETS]
    if targets:
        lines += ["", "Targets at concurrency 16 (issue 8; median of the rounds' ratios, their range in brackets):", "",
                  "| Model | Image | vs peer (target) | vs engine (target) | p99 below peer's |", "|---|---|--:|--:|---|"]
        for row in targets:
            peer_target, engine_target = TARGETS[(row.model, row.image)]

            def verdict(ratios, target):
                if target is None:
                    return "–"
                if not ratios:
                    return f"– (≥ {target}×)"
                met = statistics.median(ratios) >= target
                return f"{spread(ratios)} (≥ {target}×) {'met' if met else 'NOT met'}"

            peer_p99 = row.peer_latency_ms(99)
            p99 = "–" if peer_p99 is None else ("yes" if row.fovea_latency_ms(99) < peer_p99 else "NO")
            lines.append(f"| {row.model} | {row.image} | {verdict(row.peer_ratios(), peer_target)} "
                         f"| {verdict(row.engine_ratios(), engine_target)} | {p99} |")
    if batching:
        sizes = BATCHING_SIZES
        batched = tuple(size for size in sizes if size != 1)

        def per_size(group: tuple[int, ...], cell) -> str:
            return " / ".join(cell(size) for size in group)

        def label(size: int) -> str:
            return f"b={size}"

        lines += ["", f"Batching effect at concurrency 16 (`max_batch_size` {' vs '.join(map(str, sizes))}; "
                  "gains against 1):", "",
                  f"| Model | Image | img/s {per_size(sizes, label)} | gain {per_size(batched, label)} "
                  f"| p50 ms {per_size(sizes, label)} | p99 ms {per_size(sizes, label)} "
                  f"| mean batch {per_size(batched, label)} |", "|---|---|--:|--:|--:|--:|--:|"]
        for entry in batching:
            median, gains, p50, p99 = entry["median"], entry["gains"], entry["p50_ms"], entry["p99_ms"]
            lines.append(f"| {entry['model']} | {entry['image']} "
                         f"| {per_size(sizes, lambda size: f'{median[size].ok_per_s:.1f}')} "
                         f"| {per_size(batched, lambda size: spread(gains[size]))} "
                         f"| {per_size(sizes, lambda size: number(p50[size]))} "
                         f"| {per_size(sizes, lambda size: number(p99[size]))} "
                         f"| {per_size(batched, lambda size: number(median[size].batch_size_mean, 2))} |")
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    configuration = BenchConfiguration(Path(args.config))
    images = [paths.image_path(name) for name in args.images]
    for image in images:
        if not image.is_file():
            sys.exit(f"{image} not found (set FOVEA_SHARED_DIR to the folder holding images/)")
    cores = os.cpu_count() or 1
    threads = args.threads or configuration.raw.get("server", {}).get("threads") or cores
    workdir = paths.scratch_dir("bench", "e2e")
    overrides = {"threads": threads}
    load_before = load_average()
    if load_before > args.max_load:
        print(f"!! load average {load_before:.2f} is above {args.max_load}: figures from this run are noisy",
              flush=True)

    rows: list[Row] = []
    batching: list[dict] = []
    for model in args.models:
        entry = configuration.model_entry(model)
        print(f"== {model}: {entry['path']}", flush=True)
        model_rows = {(image.name, concurrency): Row(model, image.name, concurrency)
                      for image in images for concurrency in args.concurrency}
        with contextlib.ExitStack() as stack:
            fovea = stack.enter_context(FoveaServer(
                configuration.serve_config([entry], server_overrides=overrides), workdir / model))
            description = fovea.models()["models"][0]
            services = [fovea]
            if not args.no_peer:
                services.append(stack.enter_context(PythonPeer(
                    Path(entry["path"]), description["preprocess"], workdir / model, threads,
                    output_scores=description["output_scores"])))
            max_batch = description["batching"]["max_batch_size"]
            for round_index in range(args.rounds):
                print(f"-- round {round_index + 1} of {args.rounds}", flush=True)
                for image in images:
                    rates = {service.name: warm_up(service, image, args.concurrency, args.warmup)
                             for service in in_rounds(services, round_index)}
                    for concurrency in sorted(args.concurrency):
                        row = model_rows[(image.name, concurrency)]
                        for service in in_rounds(services, round_index):
                            point = measure(service, image, concurrency, args.seconds, rates[service.name], services)
                            rates[service.name] = point.result.ok_per_s or rates[service.name]
                            (row.fovea_rounds if service is fovea else row.peer_rounds).append(point)
                if round_index == 0:
                    for row in model_rows.values():
                        row.engine_batch = min(max_batch, max(1, round(row.fovea.batch_size_mean or 1)))
                settle(services)
                engine = engine_throughput(Path(entry["path"]), [row.engine_batch for row in model_rows.values()],
                                           args.engine_seconds, threads)
                for row in model_rows.values():
                    row.engine_rounds.append(engine.get(row.engine_batch))
                print(f"   engine-only: {', '.join(f'b={b}: {v:.1f} img/s' for b, v in sorted(engine.items()))}",
                      flush=True)
        side_by_side = instances_throughput(Path(entry["path"]), [row.engine_batch for row in model_rows.values()],
                                            args.engine_seconds, description["instances"], threads)
        print(f"   engine-only, {description['instances']} instances side by side: "
              f"{', '.join(f'b={b}: {v:.1f} img/s' for b, v in sorted(side_by_side.items()))}", flush=True)
        for row in model_rows.values():
            row.instances_images_per_s = side_by_side.get(row.engine_batch)
        decode = single_thread_decode_ms(configuration, entry, images, overrides, workdir / f"{model}-decode")
        print(f"   decode core-ms (one thread, sequential): "
              f"{', '.join(f'{name}: {ms:.2f}' for name, ms in decode.items())}", flush=True)
        for (image_name, _), row in model_rows.items():
            row.decode_core_ms = decode.get(image_name)
        rows += model_rows.values()

    if not args.no_batching:
        for model in args.batching_models or args.models:
            entry = configuration.model_entry(model)
            image = images[0]
            points: dict[int, list[Point]] = {size: [] for size in BATCHING_SIZES}
            with contextlib.ExitStack() as stack:
                servers = []
                for size in points:
                    config = configuration.serve_config([with_settings(entry, {"batching": {"max_batch_size": size}})],
                                                        server_overrides=overrides)
                    server = stack.enter_context(FoveaServer(config, workdir / f"{model}-batch{size}"))
                    server.name = f"fovea b={size}"
                    servers.append((size, server))
                for round_index in range(args.rounds):
                    for size, server in in_rounds(servers, round_index):
                        rate = warm_up(server, image, [16], args.warmup)
                        points[size].append(measure(server, image, 16, args.seconds, rate,
                                                    [other for _, other in servers]))
            median = {size: median_point(found).result for size, found in points.items()}
            gains = {size: [point.result.ok_per_s / one.result.ok_per_s
                            for point, one in zip(points[size], points[1]) if one.result.ok_per_s]
                     for size in BATCHING_SIZES if size != 1}
            pooled = {p: {size: pooled_percentile_ms([point.result for point in found], p)
                          for size, found in points.items()} for p in (50, 99)}
            batching.append({"model": model, "image": image.name, "median": median,
                             "gains": gains, "p50_ms": pooled[50], "p99_ms": pooled[99]})

    context = {
        "command": "Scripts/bench/e2e/run.py " + shlex.join(args.argv),
        "commit": subprocess.run(["git", "-C", str(paths.REPO_ROOT), "rev-parse", "--short", "HEAD"],
                                 capture_output=True, text=True).stdout.strip(),
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "cpu": next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
                    "unknown CPU"),
        "cores": cores, "threads": threads, "load_before": load_before, "load_after": load_average(),
        "seconds": args.seconds, "warmup": args.warmup, "rounds": args.rounds,
    }
    table = render(rows, batching, context)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (workdir / f"results-{stamp}.json").write_text(json.dumps(
        {"context": context, "rows": [asdict(row) for row in rows],
         "batching": [{**entry, "median": {size: asdict(result) for size, result in entry["median"].items()}}
                      for entry in batching]}, indent=2))
    (workdir / "last-run.md").write_text(table)
    print("\n" + table)
    if args.write:
        # Only the load before the run tells of other work: during and right
        # after it, the benchmark's own load keeps both cores busy.
        if load_before > args.max_load and not args.force:
            print(f"!! not writing BENCHMARKS.md: load average was above {args.max_load} when the run began "
                  "(--force writes anyway)")
            return 1
        replace_between_markers(paths.REPO_ROOT / "BENCHMARKS.md", "e2e", table)
        print("BENCHMARKS.md updated (section End-to-end serving)")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[2:]))
    parser.add_argument("--config", default=str(paths.DEFAULT_CONFIG), help="Fovea YAML (server section, model entries)")
    parser.add_argument("--models", type=parse_list, default=["dog-breeds", "resnet50", "mobilenet_v2"])
    parser.add_argument("--images", type=parse_list, default=["samoyed-640.jpg", "samoyed.jpg"],
                        help="file names in shared/images, or paths")
    parser.add_argument("--concurrency", type=lambda text: parse_list(text, int), default=[1, 4, 16, 64])
    parser.add_argument("--seconds", type=float, help="measured seconds per point and round (default 10, --quick 3)")
    parser.add_argument("--rounds", type=int, help="alternating rounds per point (default 3, --quick 1)")
    parser.add_argument("--warmup", type=float, help="warm-up seconds per model×image (default 5, --quick 1)")
    parser.add_argument("--engine-seconds", type=float, help="fovea bench seconds per batch size (default 5)")
    parser.add_argument("--threads", type=int, help="inference threads for Fovea, the peer and fovea bench "
                                                     "(default: the config's server.threads, else all cores)")
    parser.add_argument("--no-peer", action="store_true", help="skip the Python peer")
    parser.add_argument("--no-batching", action="store_true", help="skip the max_batch_size 8 vs 4 vs 1 run")
    parser.add_argument("--batching-models", type=parse_list, help="models for the batching run (default: --models)")
    parser.add_argument("--quick", action="store_true", help="short durations for a smoke run")
    parser.add_argument("--write", action="store_true", help="replace the End-to-end serving table in BENCHMARKS.md")
    parser.add_argument("--max-load", type=float, default=1.5,
                        help="--write refuses when the load average before the run exceeds this (default 1.5)")
    parser.add_argument("--force", action="store_true", help="--write even on a busy machine")
    args = parser.parse_args()
    args.argv = sys.argv[1:]
    args.seconds = args.seconds or (3 if args.quick else 10)
    args.rounds = args.rounds or (1 if args.quick else 3)
    args.warmup = args.warmup if args.warmup is not None else (1 if args.quick else 5)
    args.engine_seconds = args.engine_seconds or (1 if args.quick else 5)
    # SIGTERM/SIGHUP unwind like Ctrl-C, so the services started here are stopped.
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.default_int_handler)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
