"""``python -m fakes.toxiproxy`` as the world starts it: a real process, flags, a config file, SIGTERM."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from tests.fakes.toxiproxy.toxiproxy_world import HOST, WAIT, Client, address_of


def free_port() -> int:
    with socket.create_server((HOST, 0)) as probe:
        return int(probe.getsockname()[1])


@contextmanager
def toxiproxy_process(*flags: str) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "fakes.toxiproxy", *flags], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=WAIT)


def wait_until_answering(url: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + WAIT * 2
    while time.monotonic() < deadline and process.poll() is None:
        try:
            httpx.get(f"{url}/version", timeout=WAIT)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise TimeoutError(f"toxiproxy did not answer on {url}")


@pytest.mark.world
def test_process_serves_the_config_proxies_and_exits_0_on_sigterm(tmp_path, echo_server):
    api_port, proxy_port = free_port(), free_port()
    config = tmp_path / "toxiproxy.json"
    entry = {"name": "echo", "listen": f"{HOST}:{proxy_port}", "upstream": echo_server.upstream}
    config.write_text(json.dumps([entry]))
    url = f"http://{HOST}:{api_port}"

    with toxiproxy_process("--host", HOST, "--port", str(api_port), "-config", str(config), "--seed", "3") as process:
        wait_until_answering(url, process)
        proxies = httpx.get(f"{url}/proxies", timeout=WAIT).json()
        client = Client(address_of(proxies["echo"]["listen"]))
        echoed = client.echo(b"through a real process")
        client.close()
        process.send_signal(signal.SIGTERM)
        returncode = process.wait(WAIT)

    assert sorted(proxies) == ["echo"]
    assert (echoed, returncode) == (b"through a real process", 0)


@pytest.mark.world
def test_process_with_a_taken_api_port_says_so_and_exits_1():
    with socket.create_server((HOST, 0)) as taken:
        port = taken.getsockname()[1]
        with toxiproxy_process("--host", HOST, "--port", str(port)) as process:
            _, stderr = process.communicate(timeout=WAIT * 2)

    assert (process.returncode, stderr) == (1, f"error: listen tcp {HOST}:{port}: bind: address already in use\n")


def test_version_flag_prints_the_version_like_toxiproxy_server():
    result = subprocess.run(
        [sys.executable, "-m", "fakes.toxiproxy", "-version"], capture_output=True, text=True, timeout=WAIT * 2
    )

    assert (result.returncode, result.stdout) == (0, "toxiproxy-server version 2.12.0+drillbit\n")


@pytest.mark.world
def test_process_started_with_allow_remote_takes_an_upstream_on_another_host():
    api_port = free_port()
    url = f"http://{HOST}:{api_port}"
    body = {"name": "mail", "listen": f"{HOST}:0", "upstream": "10.0.0.1:80"}

    with toxiproxy_process("--host", HOST, "--port", str(api_port), "--allow-remote") as process:
        wait_until_answering(url, process)
        answer = httpx.post(f"{url}/proxies", json=body, timeout=WAIT)

    assert (answer.status_code, answer.json()["upstream"]) == (201, "10.0.0.1:80")


@pytest.mark.world
def test_process_answers_a_body_nested_too_deep_with_400_and_logs_no_error():
    api_port = free_port()
    url = f"http://{HOST}:{api_port}"

    with toxiproxy_process("--host", HOST, "--port", str(api_port)) as process:
        wait_until_answering(url, process)
        answer = httpx.post(f"{url}/proxies", content=b"[" * 100_000 + b"]" * 100_000, timeout=WAIT)
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=WAIT)

    levels = [json.loads(line)["level"] for line in stdout.splitlines()]
    assert (answer.status_code, answer.json()["status"]) == (400, 400)
    assert (sorted(set(levels)), stderr) == (["info"], "")
