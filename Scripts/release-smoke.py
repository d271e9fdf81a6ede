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
import json
import os
import sys
import uuid
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
# Starting, probing and stopping a server is what the benchmark scripts'
# service helpers do (standard library only).
sys.path.insert(0, str(REPO_ROOT / "Scripts" / "bench" / "e2e"))

from fovea_bench.services import ManagedProcess, ServiceError, free_port, http_request  # noqa: E402

MULTIPART_ROUNDS = 40
TIMING_STAGES = ["decode_wait", "decode", "queue", "inference", "total"]


class SmokeFailure(Exception):
    pass


def classify(port: int, body: bytes, content_type: str, query: str = ""):
    return http_request(port, "POST", f"/classify{query}", body, {"Content-Type": content_type}, timeout=60)


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


def top_label(body: dict) -> str:
    return body["predictions"][0]["label"]


def check(port: int, images: Path) -> None:
    samoyed = (images / "samoyed.jpg").read_bytes()
    samoyed_640 = (images / "samoyed-640.jpg").read_bytes()

    expect(http_request(port, "GET", "/healthz")[0] == 200, "/healthz is not 200")

    status, headers, raw = classify(port, samoyed, "image/jpeg")
    expect(status == 200, f"samoyed.jpg answered {status}: {raw[:300]!r}")
    body = json.loads(raw)
    expect(top_label(body) == "Samoyed" and body["predictions"][0]["score"] >= 0.9,
           f"samoyed.jpg is not a confident Samoyed: {body['predictions'][:2]}")
    expect(set(body["timing_ms"]) == set(TIMING_STAGES), f"timing_ms has {sorted(body['timing_ms'])}")
    stages = [part.strip().split(";")[0] for part in headers.get("server-timing", "").split(",")]
    expect(stages == TIMING_STAGES, f"Server-Timing lists {stages}")

    form, form_type = multipart([("a.jpg", samoyed, "image/jpeg"), ("note.txt", b"not an image", "text/plain"),
                                 ("b.jpg", samoyed_640, "image/jpeg"), ("c.jpg", samoyed_640, "image/jpeg")])
    for round_number in range(MULTIPART_ROUNDS):
        status, _, raw = classify(port, form, form_type, "?top_k=1")
        expect(status == 200, f"multipart round {round_number} answered {status}: {raw[:300]!r}")
        results = json.loads(raw)["results"]
        shape = [entry["error"]["code"] if "error" in entry else top_label(entry) for entry in results]
        expect(shape == ["Samoyed", "unsupported_image_format", "Samoyed", "Samoyed"],
               f"multipart round {round_number}: results out of part order: {shape}")

    status, _, raw = classify(port, os.urandom(4096), "image/jpeg")
    expect(status == 415 and json.loads(raw)["error"]["code"] == "unsupported_image_format",
           f"random bytes answered {status}: {raw[:300]!r}")
    status, _, raw = classify(port, samoyed[: len(samoyed) // 3], "image/jpeg")
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
    server = ManagedProcess("fovea", [str(args.binary), "serve", "--config", str(args.config), "--port", str(port)],
                            port, "/readyz", REPO_ROOT / ".build" / "release-smoke" / "fovea.log", ready_timeout=120)
    try:
        server.start()
        check(port, images)
        status = server.stop(timeout=60)
        expect(status == 0, f"fovea serve exited with status {status} after SIGTERM")
    except (SmokeFailure, ServiceError, OSError, KeyError, ValueError) as failure:
        server.kill()
        print(f"release smoke: FAILED: {failure}\n--- server log (tail, {server.log_path}) ---\n"
              + server.log_tail(40), file=sys.stderr)
        return 1
    print(f"release smoke: passed ({MULTIPART_ROUNDS} multipart rounds in part order, 415/422, clean SIGTERM exit)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
