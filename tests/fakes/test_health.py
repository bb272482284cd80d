"""``python -m fakes.health URL``, the health check the world file's containers run: 0 on a 200 in time, else 1."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from fakes.health import answers, main

SLOW_S = 1.0


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/slow":
            time.sleep(SLOW_S)
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/ok")
        else:
            self.send_response({"/ok": 200, "/slow": 200, "/created": 201}.get(self.path, 503))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return None


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A server on a free loopback port: 200 at /ok, 200 after a second at /slow, 503 elsewhere."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


@pytest.mark.parametrize(("path", "expected"), [("/ok", True), ("/moved", True), ("/created", False), ("/down", False)])
def test_answers_only_a_200(server: str, path: str, expected: bool) -> None:
    assert answers(server + path) is expected


def test_answers_gives_up_on_a_slow_answer_at_its_timeout(server: str) -> None:
    started = time.monotonic()
    answered = answers(server + "/slow", timeout=0.2)
    waited = time.monotonic() - started

    assert (answered, waited < SLOW_S) == (False, True)


def test_answers_no_to_a_port_nothing_listens_on() -> None:
    with ThreadingHTTPServer(("127.0.0.1", 0), _Handler) as closed:
        port = closed.server_address[1]

    assert answers(f"http://127.0.0.1:{port}/ok") is False


def test_answers_no_to_what_is_not_a_url() -> None:
    assert answers("not a url") is False


def test_main_wants_exactly_one_url(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert capsys.readouterr().err == "usage: python -m fakes.health URL\n"


def test_health_module_exits_0_on_a_200_and_1_otherwise(server: str) -> None:
    codes = [
        subprocess.run([sys.executable, "-m", "fakes.health", server + path], timeout=30, check=False).returncode
        for path in ("/ok", "/down")
    ]

    assert codes == [0, 1]
