"""What Fovea says a request's time went to: the stages of its `Server-Timing` header."""

from __future__ import annotations

import http.client
import re
import time

from .services import LOOPBACK

_STAGE = re.compile(r"(\w+);dur=([\d.]+)")


def sequential_stages(port: int, body: bytes, count: int, pause: float = 0.0) -> dict[str, list[float]]:
    """POSTs `body` to /classify `count` times, one after another on one keep-alive connection,
    and returns each `Server-Timing` stage's durations in ms (decode, queue, inference, total).

    Sequential requests show what a lone request pays, which load tests
    average away. Raises RuntimeError on an answer other than 200.
    """
    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=60)
    stages: dict[str, list[float]] = {}
    try:
        for _ in range(count):
            connection.request("POST", "/classify", body, {"Content-Type": "image/jpeg"})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"POST /classify answered HTTP {response.status}")
            for name, duration in _STAGE.findall(response.getheader("Server-Timing") or ""):
                stages.setdefault(name, []).append(float(duration))
            if pause:
                time.sleep(pause)
    finally:
        connection.close()
    return stages
