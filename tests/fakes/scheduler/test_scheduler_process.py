"""The scheduler as a real process, calling a real HTTP server that stands in for the app."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from tests.fakes.fake_processes import stop

REPOSITORY = Path(__file__).resolve().parents[3]
WAIT = 20.0
Received = list[tuple[str, str | None, dict[str, object]]]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def app_server(port: int, received: Received) -> Iterator[None]:
    """A tiny app on ``port`` that records each call and answers two sent runs."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received.append((self.path, self.headers["X-Scheduler-Secret"], body))
            answer = b'{"due": 2, "sent": 2, "failed": 0, "skipped": 0}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextmanager
def scheduler(app_port: int, log: Path) -> Iterator[str]:
    port = free_port()
    env = {
        **os.environ,
        "APP_URL": f"http://127.0.0.1:{app_port}",
        "SCHEDULER_SECRET": "shh",
        "TICK_INTERVAL": "900",
        "TICK_TIMEOUT": "5",
        "DRILLBIT_TIME_SCALE": "3600",
        "DRILLBIT_EPOCH": str(time.time()),
    }
    command = [sys.executable, "-m", "fakes.scheduler", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("w") as out:
        process = subprocess.Popen(command, env=env, cwd=REPOSITORY, stdout=out)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {WAIT}s waiting for {what}")
        time.sleep(0.05)


def tick_lines(log: Path, status: str) -> list[str]:
    return [line for line in log.read_text().splitlines() if line.startswith("tick ") and f" status={status} " in line]


def slot_of(line: str) -> str:
    return line.split(" ")[1].removeprefix("slot=")


@pytest.mark.world
def test_scheduler_process_ticks_through_an_app_outage_at_aligned_slots(tmp_path: Path) -> None:
    app_port, log, received = free_port(), tmp_path / "scheduler.log", []
    with scheduler(app_port, log) as base_url:
        wait_for(lambda: len(tick_lines(log, "unreachable")) >= 1, "a tick while the app is down")
        with app_server(app_port, received):
            wait_for(lambda: len(tick_lines(log, "200")) >= 3, "three ticks the app answered")
        state = httpx.get(f"{base_url}/_control/state", timeout=5.0).json()

    slots = [slot_of(line) for line in tick_lines(log, "200")][:3]
    assert [(path, secret, body) for path, secret, body in received[:3]] == [
        ("/api/v1/internal/run-due-reports", "shh", {"slot": slot}) for slot in slots
    ]
    seconds = [datetime.fromisoformat(slot).timestamp() for slot in slots]
    assert all(second % 900 == 0 for second in seconds)
    assert seconds == sorted(set(seconds))
    first_tick = next(tick for tick in state["ticks"] if tick["slot"] == slots[0])
    assert {**first_tick, "at": None} == {"slot": slots[0], "at": None, "status": 200, "runs": 2, "error": None}
    assert (state["app_url"], state["tick_interval"]) == (f"http://127.0.0.1:{app_port}", 900)
    assert log.read_text().startswith(f"scheduler app_url=http://127.0.0.1:{app_port} tick_interval=900 ")
