"""Whether a Docker engine answers, and the docker runtime refusing at once when none does: no engine needed."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from drills.errors import InputError
from drills.runtimes.docker.engine import cause, engine_answers
from drills.runtimes.docker.runtime import DockerRuntime
from drills.world.protocol import WorldOptions
from tests.drills.runtimes.docker.scheduled_reports import scheduled_reports


class _Engine(BaseHTTPRequestHandler):
    """What an engine says to a ping: OK, or a server error when told to break."""

    broken = False

    def do_GET(self) -> None:
        status = 500 if self.broken or not self.path.endswith("/_ping") else 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"OK")

    def log_message(self, format: str, *args: object) -> None:
        return None


class _Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


@pytest.fixture
def fake_engine(tmp_path: Path) -> Iterator[Path]:
    """An HTTP server on a socket file that answers ``/_ping`` as an engine does."""
    path = tmp_path / "engine.sock"
    with _Server(str(path), _Engine) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield path
        server.shutdown()
        thread.join(5)


def test_engine_answers_none_when_the_engine_answers_its_ping(
    fake_engine: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{fake_engine}")

    assert engine_answers() is None


def test_engine_answers_why_when_the_engine_fails_its_ping(fake_engine: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{fake_engine}")
    monkeypatch.setattr(_Engine, "broken", True)

    assert engine_answers() == (
        f"no Docker engine answers at unix://{fake_engine} (500 Server Error: Internal Server Error for url: "
        "http+docker://localhost/_ping): start one, or use the local runtime"
    )


def test_engine_answers_why_when_no_socket_is_there(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/docker.sock")

    assert engine_answers() == (
        f"no Docker engine answers at unix://{tmp_path}/docker.sock (no such file or directory): "
        "start one, or use the local runtime"
    )


def test_cause_finds_the_system_error_under_the_sdk_s_messages() -> None:
    inner = ConnectionError("Connection aborted.", FileNotFoundError(2, "No such file or directory"))
    outer = RuntimeError("Error while fetching server API version: ...")
    outer.__context__ = inner

    assert cause(outer) == "no such file or directory"


def test_cause_says_the_first_line_when_no_system_error_is_under_it() -> None:
    assert (cause(ValueError("bad answer\nmore")), cause(ValueError())) == ("bad answer", "ValueError")


def test_docker_runtime_without_an_engine_refuses_in_one_line_and_starts_nothing(
    tmp_path: Path, drillbit_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/docker.sock")

    with pytest.raises(InputError) as raised:
        DockerRuntime().up(scheduled_reports(), WorldOptions())

    assert (raised.value.exit_code, str(raised.value).splitlines(), list(drillbit_home.rglob("*"))) == (
        2,
        [
            f"no Docker engine answers at unix://{tmp_path}/docker.sock (no such file or directory): "
            "start one, or use the local runtime"
        ],
        [],
    )
