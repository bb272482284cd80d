"""The command line of toxiproxy-server: ``-host``, ``-port``, ``-config``, ``-seed``, ``-version``, and our
``-allow-remote``.

Flags take one dash or two, as Go's ``flag`` package allows. The seed defaults to ``DRILLBIT_SEED`` (0), not
to the time as in toxiproxy: a drill must be reproducible. Proxies stay on loopback unless ``--allow-remote``
says otherwise (toxiproxy has no such limit). SIGINT and SIGTERM stop the server cleanly, exit 0.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import signal
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from fakes.kit.settings import SettingError, integer
from fakes.toxiproxy.errors import ProxyError
from fakes.toxiproxy.server import bind_api, serve
from fakes.toxiproxy.state import VERSION, Toxiproxy

logger = logging.getLogger("fakes.toxiproxy")

# zerolog's level names, which LOG_LEVEL takes in toxiproxy.
_LEVELS = {"trace": 5, "debug": 10, "info": 20, "warn": 30, "error": 40, "fatal": 50, "panic": 50}


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="toxiproxy-server")
    parser.add_argument("-host", "--host", default="localhost", help="Host for toxiproxy's API to listen on")
    parser.add_argument("-port", "--port", default="8474", help="Port for toxiproxy's API to listen on")
    parser.add_argument("-config", "--config", default="", help="JSON file containing proxies to create on startup")
    parser.add_argument("-seed", "--seed", type=int, default=None, help="Seed for randomizing toxics with")
    parser.add_argument(
        "-allow-remote",
        "--allow-remote",
        action="store_true",
        help="Let proxies listen and forward off loopback (refused by default)",
    )
    parser.add_argument("-version", "--version", action="store_true", help="print the version")
    return parser.parse_args(argv)


class _JsonLines(logging.Formatter):
    """One JSON object a line on stdout, the shape of toxiproxy's zerolog output."""

    def format(self, record: logging.LogRecord) -> str:
        level = {"WARNING": "warn"}.get(record.levelname, record.levelname.lower())
        time = datetime.fromtimestamp(record.created, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return json.dumps({"level": level, "time": time, "message": record.getMessage()})


def _configure_logging() -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(_JsonLines())
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(_LEVELS.get(os.environ.get("LOG_LEVEL", "info").lower(), logging.INFO))


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.version:
        print(f"toxiproxy-server version {VERSION}")
        return 0
    try:
        seed = args.seed if args.seed is not None else integer("DRILLBIT_SEED", 0)
    except SettingError as error:
        print(f"toxiproxy-server: {error}", file=sys.stderr)
        return 2
    _configure_logging()
    state = Toxiproxy(seed=seed, config=Path(args.config) if args.config else None, allow_remote=args.allow_remote)
    try:
        asyncio.run(_run(state, args.host, args.port))
    except ProxyError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


async def _run(state: Toxiproxy, host: str, port: str) -> None:
    logger.info("Starting Toxiproxy version=%s seed=%d", state.version, state.seed)
    api_socket = await bind_api(host, port)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signal_number, stopping.set)
    logger.info("Starting Toxiproxy HTTP server address=%s", api_socket.getsockname()[:2])
    await serve(state, api_socket, stopping)
    logger.info("Shutdown finished")
