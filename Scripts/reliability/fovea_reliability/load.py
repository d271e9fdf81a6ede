"""A small asyncio HTTP/1.1 load generator that keeps every request's outcome.

wrk measures throughput well but cannot say which request failed, when it was
sent, or what a 503 carried; the scenarios need exactly that. Connections are
keep-alive on loopback. Every run is bounded by a duration and a request cap.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field

LOOPBACK = "127.0.0.1"


@dataclass
class Outcome:
    """One request: when it was sent (monotonic seconds), how long it took, and how it ended."""

    sent_at: float
    latency_s: float
    status: int | None  # None: the connection failed before a full response arrived
    error: str | None = None
    retry_after: str | None = None
    model: str | None = None
    connection_close: bool = False  # the answer said `Connection: close`
    # Set when the request was resent on a fresh connection because the reused
    # one turned out closed before any answer byte: seconds it had sat idle.
    stale_connection_idle_s: float | None = None


@dataclass
class LoadReport:
    outcomes: list[Outcome] = field(default_factory=list)
    started_at: float = 0.0
    finished_at: float = 0.0

    @property
    def duration_s(self) -> float:
        return max(1e-9, self.finished_at - self.started_at)

    def with_status(self, predicate) -> list[Outcome]:
        return [o for o in self.outcomes if o.status is not None and predicate(o.status)]

    @property
    def ok(self) -> list[Outcome]:
        return self.with_status(lambda s: 200 <= s < 300)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status is None or not 200 <= o.status < 300]

    def windowed_ok_rate(self, window_s: float) -> float:
        """Median of the 2xx answers per second over consecutive `window_s` windows of the run.

        On a shared host throughput swings by 10-20 % from one minute to the
        next; one short quiet or noisy spell moves the overall mean, but not
        the median of several windows.
        """
        windows = max(1, int(self.duration_s // window_s))
        counts = [0] * windows
        for outcome in self.ok:
            index = int((outcome.sent_at + outcome.latency_s - self.started_at) // window_s)
            if 0 <= index < windows:
                counts[index] += 1
        counts.sort()
        middle = windows // 2
        median = counts[middle] if windows % 2 else (counts[middle - 1] + counts[middle]) / 2
        return median / window_s

    def stale_connection_summary(self) -> str:
        """How many requests were resent because their kept-alive connection had been closed while idle."""
        idle = sorted(o.stale_connection_idle_s for o in self.outcomes if o.stale_connection_idle_s is not None)
        if not idle:
            return "no request met a connection closed while idle"
        return (f"{len(idle)} requests resent on a fresh connection after their kept-alive one was closed "
                f"while idle (idle {idle[0]:.1f}–{idle[-1]:.1f} s)")

    def failure_timeline(self, bucket_s: float = 5.0) -> str:
        """When the non-2xx answers came, as seconds into the run, so a failure can be
        matched against the host's own record (a stall shows as one burst, a slow leak
        as a spread)."""
        buckets: dict[int, int] = {}
        for outcome in self.failed:
            index = int((outcome.sent_at - self.started_at) // bucket_s)
            buckets[index] = buckets.get(index, 0) + 1
        if not buckets:
            return "no failures"
        return "failures sent at " + ", ".join(
            f"{index * bucket_s:g}–{(index + 1) * bucket_s:g} s: {count}" for index, count in sorted(buckets.items()))

    def status_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for outcome in self.outcomes:
            key = str(outcome.status) if outcome.status is not None else f"error:{outcome.error}"
            counts[key] = counts.get(key, 0) + 1
        return counts


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


def latencies_ms(outcomes: list[Outcome]) -> list[float]:
    return [o.latency_s * 1000 for o in outcomes]


class StaleConnection(Exception):
    """A reused connection ended before the first byte of the answer."""


class Connection:
    """One keep-alive connection; reconnects lazily after the server closes it.

    A server may close a keep-alive connection that sat idle (Fovea after
    `keep_alive_idle`) just as the client reuses it; the request then meets
    end-of-stream before any answer. Like Go's net/http and urllib3, the
    request is resent once on a fresh connection; the outcome records the
    idle time so reports can tell these apart from connections cut mid-answer.
    """

    def __init__(self, port: int):
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.idle_since: float | None = None  # set after a complete answer on a kept-alive connection

    async def _ensure(self) -> None:
        if self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection(LOOPBACK, self.port)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None
        self.idle_since = None

    async def request(self, head: bytes, body: bytes, timeout: float) -> Outcome:
        sent_at = time.monotonic()
        try:
            try:
                return await asyncio.wait_for(self._exchange(head, body, sent_at), timeout)
            except StaleConnection as stale:
                self.close()
                remaining = timeout - (time.monotonic() - sent_at)
                outcome = await asyncio.wait_for(self._exchange(head, body, sent_at), max(0.001, remaining))
                outcome.stale_connection_idle_s = stale.args[0]
                return outcome
        except asyncio.TimeoutError:
            self.close()
            return Outcome(sent_at, time.monotonic() - sent_at, None, "timeout")
        except (OSError, asyncio.IncompleteReadError, ValueError) as error:
            self.close()
            return Outcome(sent_at, time.monotonic() - sent_at, None, type(error).__name__)

    async def _exchange(self, head: bytes, body: bytes, sent_at: float) -> Outcome:
        idle_since, self.idle_since = self.idle_since, None
        await self._ensure()
        assert self.reader is not None and self.writer is not None
        try:
            self.writer.write(head + body)
            await self.writer.drain()
            raw = await self.reader.readuntil(b"\r\n\r\n")
        except (ConnectionResetError, BrokenPipeError, asyncio.IncompleteReadError) as error:
            nothing_answered = not isinstance(error, asyncio.IncompleteReadError) or not error.partial
            if idle_since is not None and nothing_answered:
                raise StaleConnection(time.monotonic() - idle_since) from error
            raise
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        payload = await self.reader.readexactly(length) if length else b""
        latency = time.monotonic() - sent_at
        model = None
        marker = payload.find(b'"model":"')
        if marker >= 0:
            start = marker + len(b'"model":"')
            model = payload[start:payload.find(b'"', start)].decode()
        closing = headers.get("connection", "").lower() == "close"
        if closing:
            self.close()
        else:
            self.idle_since = time.monotonic()
        return Outcome(sent_at, latency, status, None, headers.get("retry-after"), model, closing)


def request_head(path: str, body: bytes, content_type: str = "image/jpeg") -> bytes:
    return (f"POST {path} HTTP/1.1\r\nHost: {LOOPBACK}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()


async def closed_loop(port: int, body: bytes, concurrency: int, duration_s: float, max_requests: int,
                      path: str = "/classify", timeout_s: float = 30.0, stop: asyncio.Event | None = None) -> LoadReport:
    """`concurrency` connections, each sending its next request when the previous one is answered."""
    head = request_head(path, body)
    report = LoadReport(started_at=time.monotonic())
    deadline = report.started_at + duration_s
    stop = stop or asyncio.Event()

    async def worker() -> None:
        connection = Connection(port)
        while time.monotonic() < deadline and not stop.is_set() and len(report.outcomes) < max_requests:
            outcome = await connection.request(head, body, timeout_s)
            report.outcomes.append(outcome)
            if outcome.status is None:
                await asyncio.sleep(0.05)  # a refused connect must not spin
        connection.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    report.finished_at = time.monotonic()
    return report


async def open_loop(port: int, body: bytes, rate: float, duration_s: float, max_outstanding: int,
                    path: str = "/classify", timeout_s: float = 30.0) -> LoadReport:
    """Poisson arrivals at `rate` per second, whatever the answers; at most `max_outstanding` in flight.

    Arrivals that find `max_outstanding` requests in flight are recorded as
    status None / "client_saturated" so an overloaded client is visible.
    """
    head = request_head(path, body)
    report = LoadReport(started_at=time.monotonic())
    deadline = report.started_at + duration_s
    idle: list[Connection] = []
    outstanding = 0
    tasks: set[asyncio.Task] = set()

    async def one() -> None:
        nonlocal outstanding
        connection = idle.pop() if idle else Connection(port)
        outcome = await connection.request(head, body, timeout_s)
        report.outcomes.append(outcome)
        outstanding -= 1
        if outcome.status is not None and connection.writer is not None:
            idle.append(connection)

    next_at = report.started_at
    while next_at < deadline and len(report.outcomes) + outstanding < rate * duration_s * 2:
        now = time.monotonic()
        if next_at > now:
            await asyncio.sleep(next_at - now)
        if outstanding >= max_outstanding:
            report.outcomes.append(Outcome(time.monotonic(), 0.0, None, "client_saturated"))
        else:
            outstanding += 1
            task = asyncio.create_task(one())
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        next_at += random.expovariate(rate)
    if tasks:
        await asyncio.wait(tasks, timeout=timeout_s + 5)
    for connection in idle:
        connection.close()
    report.finished_at = time.monotonic()
    return report
