#!/usr/bin/env python3
"""Checks the release binary end to end, as `make run` serves it.

The test suite runs debug builds; the optimizer can change behaviour, and once
did (Swift 6.3.1 returned task-group results with the wrong index in release
builds only: multipart images came back out of order, or the server trapped).
So `make test` also starts `fovea serve` from the release build with the
default configuration and checks over HTTP: health and readiness, the sample
photo called a Samoyed with every timing stage reported, multipart answers in
part order (many times, as the miscompile struck now and then), the errors for
bytes that are not an image (415) and a truncated JPEG (422), and a clean exit
(status 0) on SIGTERM.

    Scripts/release-smoke.py .build/release/fovea [--config Config/fovea.yaml]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = "127.0.0.1"
MULTIPART_ROUNDS = 40
TIMING_STAGES = {"decode_wait", "decode", "queue", "inference", "total"}


class SmokeFailure(Exception):
    pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def request(port: int, method: str, path: str, body: bytes = b"", content_type: str | None = None):
    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=60)
    try:
        headers = {"Content-Type": content_type} if content_type else {}
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def multipart(parts: list[tuple[str, bytes, str]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = b""
    for name, data, content_type in parts:
        body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"{name}\"\r\n"
                 f"Content-Type: {content_type}\r\n\r\n").encode() + data + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


def wait_until_ready(port: int, server: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SmokeFailure(f"fovea serve exited with status {server.returncode} before it was ready")
        try:
            if request(port, "GET", "/readyz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SmokeFailure(f"/readyz did not answer 200 within {timeout:.0f} s")


def top_label(body: dict) -> str:
    return body["predictions"][0]["label"]


def check(port: int, images: Path) -> None:
    samoyed = (images / "samoyed.jpg").read_bytes()
    samoyed_640 = (images / "samoyed-640.jpg").read_bytes()

    expect(request(port, "GET", "/healthz")[0] == 200, "/healthz is not 200")

    status, headers, raw = request(port, "POST", "/classify", samoyed, "image/jpeg")
    expect(status == 200, f"samoyed.jpg answered {status}: {raw[:300]!r}")
    body = json.loads(raw)
    expect(top_label(body) == "Samoyed" and body["predictions"][0]["score"] >= 0.9,
           f"samoyed.jpg is not a confident Samoyed: {body['predictions'][:2]}")
    expect(set(body["timing_ms"]) == TIMING_STAGES, f"timing_ms has {sorted(body['timing_ms'])}")
    stages = [part.strip().split(";")[0] for part in headers.get("Server-Timing", "").split(",")]
    expect(stages == ["decode_wait", "decode", "queue", "inference", "total"], f"Server-Timing lists {stages}")

    form, form_type = multipart([("a.jpg", samoyed, "image/jpeg"), ("note.txt", b"not an image", "text/plain"),
                                 ("b.jpg", samoyed_640, "image/jpeg"), ("c.jpg", samoyed_640, "image/jpeg")])
    for round_number in range(MULTIPART_ROUNDS):
        status, _, raw = request(port, "POST", "/classify?top_k=1", form, form_type)
        expect(status == 200, f"multipart round {round_number} answered {status}: {raw[:300]!r}")
        results = json.loads(raw)["results"]
        shape = [entry["error"]["code"] if "error" in entry else top_label(entry) for entry in results]
        expect(shape == ["Samoyed", "unsupported_image_format", "Samoyed", "Samoyed"],
               f"multipart round {round_number}: results out of part order: {shape}")

    status, _, raw = request(port, "POST", "/classify", os.urandom(4096), "image/jpeg")
    expect(status == 415 and json.loads(raw)["error"]["code"] == "unsupported_image_format",
           f"random bytes answered {status}: {raw[:300]!r}")
    status, _, raw = request(port, "POST", "/classify", samoyed[: len(samoyed) // 3], "image/jpeg")
    expect(status == 422 and json.loads(raw)["error"]["code"] == "undecodable_image",
           f"a truncated JPEG answered {status}: {raw[:300]!r}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("binary", type=Path)
    parser.add_argument("--config", type=Path, default=REPO_ROOT / "Config" / "fovea.yaml")
    args = parser.parse_args()

    shared = os.environ.get("FOVEA_SHARED_DIR") or str(REPO_ROOT.parent / "shared")
    images = Path(shared) / "images"
    if not (images / "samoyed.jpg").is_file():
        print(f"release smoke: FAILED: no sample photos in {images}; shared/ must sit beside the repository "
              "(or set FOVEA_SHARED_DIR)", file=sys.stderr)
        return 1

    port = free_port()
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen([str(args.binary), "serve", "--config", str(args.config), "--port", str(port)],
                                  cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until_ready(port, server)
            check(port, images)
            server.send_signal(signal.SIGTERM)
            status = server.wait(timeout=60)
            expect(status == 0, f"fovea serve exited with status {status} after SIGTERM")
        except (SmokeFailure, OSError, KeyError, ValueError, subprocess.TimeoutExpired) as failure:
            if server.poll() is None:
                server.kill()
                server.wait()
            log.seek(0)
            tail = log.read().decode(errors="replace").splitlines()[-40:]
            print(f"release smoke: FAILED: {failure}\n--- server log (tail) ---\n" + "\n".join(tail), file=sys.stderr)
            return 1
    print(f"release smoke: passed ({MULTIPART_ROUNDS} multipart rounds in part order, 415/422, clean SIGTERM exit)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
