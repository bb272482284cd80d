"""How fast and how exact ``fakes.toxiproxy`` is, each figure beside a direct connection measured in the same run.

Starts the proxy (``python -m fakes.toxiproxy``) and an upstream process (an echo server and a byte sink, on
asyncio) on 127.0.0.1 only, then measures: added round-trip latency and single-connection throughput with no
toxics, 500 concurrent connections, the precision of the latency, bandwidth and timeout toxics, how much the
latency of consecutive chunks overlaps, and how soon removing a latency toxic lets the data it held through.
Bounded in time (about 30 s); exits 1 when a target is missed.

    .venv/bin/python bench/toxiproxy_bench.py
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent
ROUND_TRIPS = 3000
THROUGHPUT_BYTES = 512 * 1024 * 1024
CONCURRENT = 500
IO_TIMEOUT = 10.0

Address = tuple[str, int]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class Api:
    """Just enough of the toxiproxy API, over urllib (the bench needs nothing beyond the standard library)."""

    def __init__(self, port: int) -> None:
        self.base = f"http://{HOST}:{port}"

    def call(self, method: str, path: str, body: object | None = None) -> object:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        with urllib.request.urlopen(request, timeout=IO_TIMEOUT) as response:
            raw = response.read()
        return json.loads(raw) if raw else None

    def proxy(self, name: str, upstream: Address) -> Address:
        body = {"name": name, "listen": f"{HOST}:0", "upstream": f"{HOST}:{upstream[1]}"}
        answer = self.call("POST", "/proxies", body)
        if not isinstance(answer, dict):
            raise RuntimeError(f"unexpected answer creating a proxy: {answer!r}")
        host, port = str(answer["listen"]).rsplit(":", 1)
        return host, int(port)

    def toxic(self, proxy: str, type_: str, stream: str, attributes: dict[str, int]) -> str:
        name = f"bench_{type_}"
        body = {"name": name, "type": type_, "stream": stream, "attributes": attributes}
        self.call("POST", f"/proxies/{proxy}/toxics", body)
        return name

    def remove_toxic(self, proxy: str, name: str) -> None:
        self.call("DELETE", f"/proxies/{proxy}/toxics/{name}")


@contextmanager
def process(arguments: list[str]) -> Iterator[subprocess.Popen[str]]:
    child = subprocess.Popen(
        [sys.executable, *arguments], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        yield child
    finally:
        child.terminate()
        try:
            child.wait(timeout=5)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait(timeout=5)


def wait_for_api(api: Api, deadline: float) -> None:
    while True:
        try:
            api.call("GET", "/version")
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def connect(address: Address) -> socket.socket:
    sock = socket.create_connection(address, timeout=IO_TIMEOUT)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def round_trips(address: Address, count: int, payload: bytes = b"x" * 64) -> list[float]:
    """Seconds for each echo of a small message over one connection."""
    times = []
    with connect(address) as sock:
        for _ in range(count):
            start = time.perf_counter()
            sock.sendall(payload)
            received = 0
            while received < len(payload):
                received += len(sock.recv(65536))
            times.append(time.perf_counter() - start)
    return times


def send_to_sink(address: Address, total: int, block: int = 1024 * 1024) -> float:
    """Seconds to push ``total`` bytes to the sink and hear that it has them all."""
    buffer = memoryview(b"\0" * block)
    with connect(address) as sock:
        start = time.perf_counter()
        sock.sendall(total.to_bytes(8, "big"))
        for offset in range(0, total, block):
            sock.sendall(buffer[: min(block, total - offset)])
        if sock.recv(1) != b"k":
            raise RuntimeError("the sink did not acknowledge")
        return time.perf_counter() - start


def hold_concurrent(address: Address, count: int) -> tuple[int, float]:
    """Open ``count`` connections at once, echo on each while all are open; errors and seconds taken."""
    errors = 0
    start = time.perf_counter()
    with ExitStack() as stack:
        sockets = []
        for _ in range(count):
            try:
                sockets.append(stack.enter_context(connect(address)))
            except OSError:
                errors += 1
        for index, sock in enumerate(sockets):
            sock.sendall(b"ping %05d" % index)
        for index, sock in enumerate(sockets):
            try:
                errors += sock.recv(64) != b"ping %05d" % index
            except OSError:
                errors += 1
    return errors, time.perf_counter() - start


def chunks_through(address: Address, chunks: int, spacing: float) -> float:
    """Seconds from sending the first of ``chunks`` one-byte writes, ``spacing`` apart, until all are echoed."""
    with connect(address) as sock:
        start = time.perf_counter()
        for _ in range(chunks):
            sock.sendall(b"x")
            time.sleep(spacing)
        received = 0
        while received < chunks:
            received += len(sock.recv(65536))
        return time.perf_counter() - start


def released_after_removal(api: Api, address: Address) -> float:
    """Seconds from removing a latency toxic that holds an echo (it would hold it 10 minutes) to the echo."""
    name = api.toxic("echo", "latency", "downstream", {"latency": 600_000, "jitter": 0})
    with connect(address) as sock:
        sock.sendall(b"held")
        time.sleep(0.05)
        start = time.perf_counter()
        api.remove_toxic("echo", name)
        received = 0
        while received < 4:
            received += len(sock.recv(65536))
        return time.perf_counter() - start


def time_to_close(address: Address) -> float:
    """Seconds from connecting (and sending a byte) until the proxy closes the connection."""
    with connect(address) as sock:
        start = time.perf_counter()
        sock.sendall(b"x")
        while sock.recv(65536):
            pass
        return time.perf_counter() - start


class Report:
    """Prints each figure as it is measured, and remembers which targets were missed."""

    def __init__(self) -> None:
        self.missed: list[str] = []

    def figure(self, name: str, text: str, met: bool | None = None) -> None:
        mark = "" if met is None else ("  ok" if met else "  MISSED")
        print(f"{name:<44} {text}{mark}", flush=True)
        if met is False:
            self.missed.append(name)


def measure_no_toxics(report: Report, direct: Address, proxied: Address, sink: Address, sink_proxy: Address) -> None:
    round_trips(direct, 200)
    round_trips(proxied, 200)  # warm both paths
    direct_rtt = statistics.median(round_trips(direct, ROUND_TRIPS))
    proxied_rtt = statistics.median(round_trips(proxied, ROUND_TRIPS))
    added = (proxied_rtt - direct_rtt) * 1e6
    report.figure(
        "round trip, 64 B echo (median)",
        f"direct {direct_rtt * 1e6:.0f} µs, proxied {proxied_rtt * 1e6:.0f} µs, "
        f"added {added:.0f} µs (ratio {proxied_rtt / direct_rtt:.2f}x)",
        added <= 300,
    )
    direct_rate = THROUGHPUT_BYTES / send_to_sink(sink, THROUGHPUT_BYTES) / 1e6
    proxied_rate = THROUGHPUT_BYTES / send_to_sink(sink_proxy, THROUGHPUT_BYTES) / 1e6
    report.figure(
        "throughput, one connection",
        f"direct {direct_rate:.0f} MB/s, proxied {proxied_rate:.0f} MB/s (ratio {proxied_rate / direct_rate:.2f})",
        proxied_rate >= 300,
    )
    direct_errors, direct_seconds = hold_concurrent(direct, CONCURRENT)
    proxied_errors, proxied_seconds = hold_concurrent(proxied, CONCURRENT)
    report.figure(
        f"{CONCURRENT} concurrent connections",
        f"direct {direct_errors} errors in {direct_seconds * 1e3:.0f} ms, proxied {proxied_errors} errors "
        f"in {proxied_seconds * 1e3:.0f} ms (ratio {proxied_seconds / direct_seconds:.1f}x)",
        proxied_errors == 0 and direct_errors == 0,
    )


def measure_toxics(report: Report, api: Api, proxied: Address, sink_api: Api, sink_proxy: Address) -> None:
    base = statistics.median(round_trips(proxied, 200))
    for latency, jitter in ((100, 0), (50, 0), (100, 20)):
        name = api.toxic("echo", "latency", "downstream", {"latency": latency, "jitter": jitter})
        trips = [(trip - base) * 1e3 for trip in round_trips(proxied, 20)]
        api.remove_toxic("echo", name)
        worst = max(max(trip - (latency + jitter), (latency - jitter) - trip) for trip in trips)
        report.figure(
            f"latency toxic {latency}±{jitter} ms",
            f"added {min(trips):.1f}..{max(trips):.1f} ms, worst {max(worst, 0):.1f} ms outside (direct: 0)",
            worst <= 10,
        )
    latency, chunks, spacing = 200, 5, 0.010
    name = api.toxic("echo", "latency", "downstream", {"latency": latency, "jitter": 0})
    all_in = chunks_through(proxied, chunks, spacing) * 1e3
    api.remove_toxic("echo", name)
    overlapping, in_turn = latency + (chunks - 1) * spacing * 1e3, chunks * latency
    report.figure(
        f"latency toxic {latency} ms, {chunks} chunks {spacing * 1e3:.0f} ms apart",
        f"all echoed in {all_in:.0f} ms (overlapping: {overlapping:.0f} ms; one after another: {in_turn} ms)",
        all_in < 2 * latency,
    )
    released = released_after_removal(api, proxied) * 1e3
    report.figure("latency toxic removed, data it held", f"echoed {released:.1f} ms after the removal")
    for rate in (100, 1000, 10000):
        total = rate * 1000  # one second's worth
        name = sink_api.toxic("sink", "bandwidth", "upstream", {"rate": rate})
        seconds = send_to_sink(sink_proxy, total)
        sink_api.remove_toxic("sink", name)
        measured = total / seconds / 1000
        error = abs(measured - rate) / rate
        report.figure(f"bandwidth toxic {rate} KB/s", f"measured {measured:.0f} KB/s ({error:.1%} off)", error <= 0.10)
    for timeout in (100, 300):
        name = api.toxic("echo", "timeout", "downstream", {"timeout": timeout})
        closed_after = time_to_close(proxied) * 1e3
        api.remove_toxic("echo", name)
        report.figure(
            f"timeout toxic {timeout} ms",
            f"closed after {closed_after:.1f} ms ({closed_after - timeout:+.1f} ms)",
            abs(closed_after - timeout) <= 20,
        )


def main() -> int:
    if sys.argv[1:] == ["--serve-upstream"]:
        asyncio.run(serve_upstream())
        return 0
    report = Report()
    api = Api(free_port())
    upstream_command = [str(Path(__file__).resolve()), "--serve-upstream"]
    toxiproxy_command = ["-m", "fakes.toxiproxy", "--host", HOST, "--port", api.base.rsplit(":", 1)[1]]
    started = time.monotonic()
    with process(upstream_command) as upstream, process(toxiproxy_command):
        assert upstream.stdout is not None
        echo_port, sink_port = map(int, upstream.stdout.readline().split())
        wait_for_api(api, time.monotonic() + 10)
        echo, sink = (HOST, echo_port), (HOST, sink_port)
        proxied, sink_proxy = api.proxy("echo", echo), api.proxy("sink", sink)
        measure_no_toxics(report, echo, proxied, sink, sink_proxy)
        measure_toxics(report, api, proxied, api, sink_proxy)
    report.figure("bench wall time", f"{time.monotonic() - started:.1f} s")
    if report.missed:
        print(f"missed: {', '.join(report.missed)}", file=sys.stderr)
    return 1 if report.missed else 0


class _Echo(asyncio.Protocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.transport.write(data)


class _Sink(asyncio.Protocol):
    """Reads an 8-byte length, then that many bytes, then answers ``k``."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.header = b""
        self.remaining = -1

    def data_received(self, data: bytes) -> None:
        if self.remaining < 0:
            self.header += data
            if len(self.header) < 8:
                return
            self.remaining = int.from_bytes(self.header[:8], "big")
            data = self.header[8:]
        self.remaining -= len(data)
        if self.remaining == 0:
            self.transport.write(b"k")


async def serve_upstream() -> None:
    """The upstream process: echo and sink on free ports, printed on stdout, until terminated."""
    loop = asyncio.get_running_loop()
    echo = await loop.create_server(_Echo, HOST, 0, backlog=4096)
    sink = await loop.create_server(_Sink, HOST, 0)
    ports = [server.sockets[0].getsockname()[1] for server in (echo, sink)]
    print(*ports, flush=True)
    await asyncio.sleep(120)  # the bench ends well before; never outlive it for long


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
