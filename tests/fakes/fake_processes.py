"""A fake started as a real process in a test (``python -m <module>`` on a free port, until it is healthy), and
stopping it: politely, then for sure, never waiting forever."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import httpx

STOP_TIMEOUT = 10.0


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT)


STARTUP_TIMEOUT = 20.0
REPOSITORY = Path(__file__).resolve().parents[2]

RunFake = Callable[[str, dict[str, str]], AbstractContextManager[str]]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_healthy(base_url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the fake exited with {process.returncode} before it was healthy")
        try:
            if httpx.get(f"{base_url}/_control/health", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise AssertionError(f"{base_url} was not healthy within {timeout}s")


@contextmanager
def running(module: str, env: dict[str, str]) -> Iterator[str]:
    """``python -m module --port N`` with ``env``; yields its base URL once healthy, then stops it."""
    port = free_port()
    command = [sys.executable, "-m", module, "--host", "127.0.0.1", "--port", str(port)]
    full_env = {**os.environ, "DRILLBIT_TIME_SCALE": "1", "DRILLBIT_SEED": "0", **env}
    process = subprocess.Popen(command, env=full_env, cwd=REPOSITORY, stdout=subprocess.DEVNULL)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", process, STARTUP_TIMEOUT)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)
