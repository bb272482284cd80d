"""A real Redis server for one world: loopback only, a password, nothing persisted."""

from __future__ import annotations

from pathlib import Path

import redis

from drills.world.binaries import Binary


def argv(server: Binary, host: str, port: int, password: str, work_dir: Path) -> list[str]:
    return [
        str(server.path),
        *("--bind", host, "--port", str(port), "--requirepass", password),
        *("--save", "", "--appendonly", "no", "--dir", str(work_dir), "--daemonize", "no"),
    ]


def url(host: str, port: int, password: str) -> str:
    # redis-cli reads an empty user name as a user called "", so the URL names Redis' default user.
    return f"redis://default:{password}@{host}:{port}/0"


def ready(host: str, port: int, password: str) -> bool:
    client = redis.Redis(host=host, port=port, password=password, socket_timeout=1, socket_connect_timeout=1)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()
