"""Hold N idle keep-alive connections open against a server and report its
RSS and thread count before and after, plus whether /healthz still answers.

Usage: idle_connections.py PID PORT [N]
"""
import socket
import sys
import time


def status(pid: int) -> dict:
    fields = {}
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return {"rss_kib": int(fields["VmRSS"].split()[0]), "threads": int(fields["Threads"])}


def healthz_seconds(port: int) -> float:
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
        response = b""
        while chunk := connection.recv(4096):
            response += chunk
    assert response.startswith(b"HTTP/1.1 200"), response[:100]
    return time.monotonic() - started


def main() -> None:
    pid, port = int(sys.argv[1]), int(sys.argv[2])
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 5000
    healthz_seconds(port)
    time.sleep(8)
    before = status(pid)
    connections = []
    for _ in range(count):
        connection = socket.create_connection(("127.0.0.1", port), timeout=10)
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n")
        connections.append(connection)
    for connection in connections:
        data = connection.recv(4096)
        assert data.startswith(b"HTTP/1.1 200"), data[:100]
    # Let the worker threads Dispatch started for the connection burst retire,
    # so the count reflects what idle connections cost: no threads.
    time.sleep(8)
    after = status(pid)
    latency = healthz_seconds(port)
    print(f"idle keep-alive connections: {count}")
    print(f"RSS: {before['rss_kib'] / 1024:.1f} MiB -> {after['rss_kib'] / 1024:.1f} MiB "
          f"(growth {(after['rss_kib'] - before['rss_kib']) / 1024:.1f} MiB)")
    print(f"threads: {before['threads']} -> {after['threads']}")
    print(f"/healthz with all of them open: {latency * 1000:.1f} ms")
    for connection in connections:
        connection.close()


if __name__ == "__main__":
    main()
