"""What every scenario shares: command-line options, a hard time limit, the
server under test and a background sampler of its RSS and descriptors."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from fovea_bench import paths, proc_stats
from fovea_bench.configuration import BenchConfiguration
from fovea_bench.services import FoveaServer

_RUNNING: list[FoveaServer] = []


def options(description: str, default_seconds: float, quick_seconds: float) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--config", default=str(paths.DEFAULT_CONFIG), help="Fovea YAML (server section, models)")
    parser.add_argument("--model", default="dog-breeds", help="model entry of --config to serve")
    parser.add_argument("--image", default="samoyed-640.jpg", help="photo in shared/images, or a path")
    parser.add_argument("--seconds", type=float,
                        help=f"length of the main phase (default {default_seconds:g}, --quick {quick_seconds:g})")
    parser.add_argument("--quick", action="store_true", help="short smoke run")
    parser.add_argument("--time-limit", type=float, help="hard limit for the whole scenario in seconds")
    parser.set_defaults(default_seconds=default_seconds, quick_seconds=quick_seconds)
    return parser


def parse(parser: argparse.ArgumentParser) -> argparse.Namespace:
    args = parser.parse_args()
    if args.seconds is None:
        args.seconds = args.quick_seconds if args.quick else args.default_seconds
    if args.time_limit is None:
        args.time_limit = 3 * args.seconds + 600
    arm_time_limit(args.time_limit)
    # SIGTERM/SIGHUP unwind like Ctrl-C, so the server is stopped on the way out.
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.default_int_handler)
    return args


def arm_time_limit(seconds: float) -> None:
    """After `seconds`, stop the servers this scenario started and exit as a failure."""

    def expire(*_):
        for server in _RUNNING:
            server.kill()
        print(f"FAIL time limit: scenario still running after {seconds:.0f}s")
        print("0 passed, 1 failed")
        os._exit(1)

    signal.signal(signal.SIGALRM, expire)
    signal.alarm(int(seconds))


def image_bytes(name: str) -> bytes:
    path = paths.image_path(name)
    if not path.is_file():
        sys.exit(f"{path} not found (set FOVEA_SHARED_DIR to the folder holding images/)")
    return path.read_bytes()


def start_server(args: argparse.Namespace, scenario: str, models: list[dict] | None = None,
                 env: dict[str, str] | None = None, **config_options) -> FoveaServer:
    """`fovea serve` with --config's server section and `models` (default: --model's entry)."""
    configuration = BenchConfiguration(Path(args.config))
    models = models or [configuration.model_entry(args.model)]
    config = configuration.serve_config(models, **config_options)
    server = FoveaServer(config, paths.scratch_dir("reliability", scenario), env=env)
    _RUNNING.append(server)
    server.start()
    return server


def stop_server(server: FoveaServer, verdict) -> None:
    """Stops the server with SIGTERM and checks that it drained and exited 0, which every scenario requires."""
    code = server.stop()
    verdict.check("graceful exit after the run", code == 0, f"exit code {code}")


def model_entry(args: argparse.Namespace) -> dict:
    return BenchConfiguration(Path(args.config)).model_entry(args.model)


@dataclass
class Sample:
    at: float
    rss: int
    fds: int
    # Cumulative CPU seconds, to tell the server's own slowdowns from the host's.
    server_cpu: float = 0.0
    harness_cpu: float = 0.0  # this process: the load generator
    host_busy: float = 0.0
    host_steal: float = 0.0
    host_total: float = 0.0


@dataclass
class HostShare:
    """Where the machine's CPU went between two samples, as fractions of all its cores."""

    server: float
    harness: float
    others: float  # every other process on the machine
    steal: float  # taken by the hypervisor for other guests

    def __str__(self) -> str:
        return (f"server {self.server:.0%}, load generator {self.harness:.0%}, other processes "
                f"{self.others:.0%}, stolen by the hypervisor {self.steal:.0%} of the cores")


@dataclass
class ResourceSampler:
    """Samples a process's RSS and open descriptors every `interval` seconds in a thread."""

    pid: int
    interval: float = 1.0
    samples: list[Sample] = field(default_factory=list)

    def __post_init__(self):
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def sample(self) -> Sample | None:
        try:
            busy, steal, total = proc_stats.host_cpu_seconds()
            harness = os.times()
            sample = Sample(time.monotonic(), proc_stats.rss_bytes(self.pid), proc_stats.open_fds(self.pid),
                            proc_stats.cpu_seconds(self.pid), harness.user + harness.system, busy, steal, total)
        except (OSError, RuntimeError):
            return None
        self.samples.append(sample)
        return sample

    def __enter__(self) -> "ResourceSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def peak_rss(self, since: float = 0.0) -> int:
        return max((s.rss for s in self.samples if s.at >= since), default=0)

    def host_share(self, since: float = 0.0, until: float = float("inf")) -> HostShare | None:
        """How the machine's cores were shared over the samples taken between `since` and `until`.

        A server that slows down while other processes or other guests take
        the cores is not the same finding as one that slows down on an idle
        machine; scenarios print this next to any failure.
        """
        window = [s for s in self.samples if since <= s.at <= until]
        if len(window) < 2:
            return None
        first, last = window[0], window[-1]
        total = last.host_total - first.host_total
        if total <= 0:
            return None
        server = last.server_cpu - first.server_cpu
        harness = last.harness_cpu - first.harness_cpu
        busy = last.host_busy - first.host_busy
        return HostShare(server=server / total, harness=harness / total,
                         others=max(0.0, busy - server - harness) / total,
                         steal=(last.host_steal - first.host_steal) / total)


def mib(value: float) -> str:
    return f"{value / 2**20:.1f} MiB"
