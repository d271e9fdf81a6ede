"""Starting, probing and stopping the services under test on loopback ports.

Every process started here is stopped by the same object (context manager),
by its own pid, so an interrupted run leaves nothing behind.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import signal
import socket
import subprocess
import time
from pathlib import Path

from . import paths, proc_stats

LOOPBACK = "127.0.0.1"


class ServiceError(Exception):
    """A service that would not start or stop; the message points at its log."""


def free_port() -> int:
    """A random unused port in 20000–60000 on loopback."""
    for _ in range(200):
        port = random.randint(20000, 59999)
        with socket.socket() as probe:
            try:
                probe.bind((LOOPBACK, port))
            except OSError:
                continue
            return port
    raise ServiceError("no free port found in 20000-60000")


def http_request(port: int, method: str, path: str, body: bytes | None = None,
                 headers: dict[str, str] | None = None, timeout: float = 30.0):
    """(status, headers as a lower-cased dict, body) of one request."""
    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data
    finally:
        connection.close()


class ManagedProcess:
    """A child process with a log file and a readiness URL."""

    def __init__(self, name: str, command: list[str], port: int, ready_path: str, log_path: Path,
                 env: dict[str, str] | None = None, ready_timeout: float = 600.0):
        self.name = name
        self.command = command
        self.port = port
        self.ready_path = ready_path
        self.log_path = log_path
        self.env = {**os.environ, **(env or {})}
        self.ready_timeout = ready_timeout
        self.process: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def start(self) -> "ManagedProcess":
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "wb")
        self.process = subprocess.Popen(self.command, stdout=log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, env=self.env)
        log.close()
        deadline = time.monotonic() + self.ready_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServiceError(f"{self.name} exited with {self.process.returncode} while starting; "
                                   f"see {self.log_path}:\n{self.log_tail()}")
            try:
                status, _, _ = http_request(self.port, "GET", self.ready_path, timeout=2)
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.kill()
        raise ServiceError(f"{self.name} not ready after {self.ready_timeout:.0f}s; see {self.log_path}")

    def settle(self, timeout: float = 120.0) -> bool:
        """Waits until work left over from a previous load (abandoned by its client) is done.

        The readiness probe answering quickly twice in a row means the server
        is idle again; False if it is still busy after `timeout` seconds.
        """
        deadline = time.monotonic() + timeout
        quick = 0
        while time.monotonic() < deadline and quick < 2:
            started = time.monotonic()
            try:
                http_request(self.port, "GET", self.ready_path, timeout=timeout)
            except OSError:
                pass
            quick = quick + 1 if time.monotonic() - started < 0.1 else 0
            time.sleep(0.1)
        return quick >= 2

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def rss_bytes(self) -> int:
        return proc_stats.rss_bytes(self.pid)

    def open_fds(self) -> int:
        return proc_stats.open_fds(self.pid)

    def cpu_seconds(self) -> float:
        return proc_stats.cpu_seconds(self.pid)

    def signal(self, signum: int) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signum)

    def wait(self, timeout: float) -> int | None:
        """The exit code, or None if still running after `timeout` seconds."""
        assert self.process is not None
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, timeout: float = 40.0) -> int | None:
        """SIGTERM, then SIGKILL after `timeout`; the exit code of the graceful stop (None if killed)."""
        if self.process is None:
            return None
        if self.process.poll() is not None:
            return self.process.returncode
        self.process.send_signal(signal.SIGTERM)
        code = self.wait(timeout)
        if code is None:
            self.kill()
        return code

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> "ManagedProcess":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class FoveaServer(ManagedProcess):
    """`fovea serve` with a configuration written by the caller (a dict, saved as JSON, which is YAML)."""

    def __init__(self, config: dict, workdir: Path, env: dict[str, str] | None = None,
                 ready_timeout: float = 900.0):
        workdir.mkdir(parents=True, exist_ok=True)
        self.config = config
        self.config_path = workdir / "fovea.yaml"
        self.config_path.write_text(json.dumps(config, indent=2) + "\n")
        binary = paths.fovea_binary()
        if not binary.is_file():
            raise ServiceError(f"{binary} is missing: run `swift build -c release --product fovea` "
                               "(or set FOVEA_BIN)")
        port = free_port()
        command = [str(binary), "serve", "--config", str(self.config_path),
                   "--host", LOOPBACK, "--port", str(port)]
        super().__init__("fovea", command, port, "/readyz", workdir / "fovea.log", env, ready_timeout)

    def models(self) -> dict:
        status, _, body = http_request(self.port, "GET", "/models")
        if status != 200:
            raise ServiceError(f"GET /models answered {status}")
        return json.loads(body)

    def metrics(self) -> str:
        _, _, body = http_request(self.port, "GET", "/metrics")
        return body.decode()

    def settle(self, timeout: float = 120.0) -> bool:
        """Fovea keeps serving requests whose client has gone, so wait for empty queues."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(model["queue_depth"] == 0 for model in self.models()["models"]) and self.inflight() <= 1:
                return True
            time.sleep(0.2)
        return False

    def batches_by_size(self) -> dict[int, float]:
        """Forward passes so far by batch size (all models), from the `fovea_batch_size` histogram.

        Its buckets are cumulative and, up to 4, one size wide; wider ones are
        keyed by their upper bound.
        """
        cumulative: list[tuple[float, float]] = []
        for line in self.metrics().splitlines():
            if line.startswith("fovea_batch_size_bucket") and 'le="+Inf"' not in line:
                bound = float(line.split('le="', 1)[1].split('"', 1)[0])
                cumulative.append((bound, float(line.split()[-1])))
        totals: dict[float, float] = {}
        for bound, count in cumulative:
            totals[bound] = totals.get(bound, 0.0) + count
        counts, below = {}, 0.0
        for bound in sorted(totals):
            counts[int(bound)] = totals[bound] - below
            below = totals[bound]
        return counts

    def inflight(self) -> float:
        """`fovea_inflight_requests`, which counts the /metrics request itself."""
        for line in self.metrics().splitlines():
            if line.startswith("fovea_inflight_requests"):
                return float(line.split()[-1])
        return 0.0


class PythonPeer(ManagedProcess):
    """The FastAPI + uvicorn + onnxruntime + Pillow peer serving one model."""

    def __init__(self, model_path: Path, preprocess: dict, workdir: Path, threads: int,
                 output_scores: str = "logits", ready_timeout: float = 300.0):
        port = free_port()
        server = Path(__file__).resolve().parents[1] / "python_peer" / "server.py"
        python = paths.BENCH_VENV / "bin" / "python"
        command = [str(python), str(server), "--model", str(model_path), "--preprocess", json.dumps(preprocess),
                   "--threads", str(threads), "--output-scores", output_scores,
                   "--host", LOOPBACK, "--port", str(port)]
        super().__init__("python-peer", command, port, "/healthz", workdir / "python-peer.log",
                         ready_timeout=ready_timeout)
