"""Running a fake as a process: its command line, and serving its ASGI app with uvicorn."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping, Sequence

import uvicorn
from starlette.types import ASGIApp

from fakes.kit.settings import SettingError


def parse_args(prog: str, argv: Sequence[str] | None = None, default_port: int = 0) -> argparse.Namespace:
    """``--host`` and ``--port``, the flags every fake takes."""
    parser = argparse.ArgumentParser(prog=prog)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=default_port)
    return parser.parse_args(argv)


def serve(app: ASGIApp, host: str, port: int) -> None:
    """Serve until SIGTERM or SIGINT; uvicorn finishes in-flight requests, then exits."""
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, lifespan="on")


def fail(prog: str, error: SettingError) -> None:
    """A misconfigured fake says what is wrong on stderr and exits 2, like a real service."""
    print(f"{prog}: {error}", file=sys.stderr)
    raise SystemExit(2)


def run(
    prog: str,
    build: Callable[[Mapping[str, str]], ASGIApp],
    argv: Sequence[str] | None = None,
    env: Mapping[str, str] = os.environ,
) -> None:
    """A fake's whole ``main``: its flags, its app built from ``env`` (exit 2 when misconfigured), then serve."""
    args = parse_args(prog, argv)
    try:
        app = build(env)
    except SettingError as error:
        fail(prog, error)
        return
    serve(app, args.host, args.port)
