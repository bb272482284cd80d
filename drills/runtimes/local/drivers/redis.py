"""A real Redis server for one world: loopback only, a password, nothing persisted."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from drills.runtimes.local.drivers import ServiceDriver, register
from drills.runtimes.local.launch import Launch, Servers, base_env
from drills.runtimes.local.registry import write_private
from drills.world.binaries import Binary
from drills.world.protocol import Endpoint
from drills.world.spec import ServiceKind, ServiceSpec
from drills.world.targets import LOOPBACK


class RedisDriver(ServiceDriver):
    """Redis: its one setting is its password, which a redeploy may change like any other."""

    def url(self, host: str, port: int, secrets: Mapping[str, str]) -> str:
        # redis-cli reads an empty user name as a user called "", so the URL names Redis' default user.
        return f"redis://default:{secrets['redis_password']}@{host}:{port}/0"

    def settings(self, configured: Mapping[str, str], secrets: Mapping[str, str]) -> dict[str, str]:
        return {"REDIS_PASSWORD": secrets["redis_password"]}

    def launch(
        self, service: ServiceSpec, port: int, settings: Mapping[str, str], servers: Servers, work: Path
    ) -> Launch:
        work.mkdir(mode=0o700, parents=True, exist_ok=True)
        # The password goes in a file only its owner reads: a command line is anyone's to read (ps, /proc).
        config = work / "redis.conf"
        write_private(config, f"requirepass {quoted(settings['REDIS_PASSWORD'])}\n")
        argv = [
            str(servers.redis.path),
            str(config),
            *("--bind", LOOPBACK, "--port", str(port)),
            *("--save", "", "--appendonly", "no", "--dir", str(work), "--daemonize", "no"),
            *keep_environment(servers.redis),
        ]
        return Launch(argv, base_env())

    def ready(self, service: ServiceSpec, address: Endpoint, secrets: Mapping[str, str]) -> bool:
        import redis  # here, not above: the runtime loads while a world's first processes start
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        client = redis.Redis(
            host=address.host,
            port=address.port,
            password=secrets["redis_password"],
            socket_timeout=1,
            socket_connect_timeout=1,
            # One attempt: redis-py otherwise retries a refused connection with backoff, about 3 s in all.
            retry=Retry(NoBackoff(), 0),
        )
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()


def quoted(value: str) -> str:
    """A value as a double-quoted string of Redis' configuration file."""
    escaped = []
    for character in value:
        if character in '"\\':
            escaped.append("\\" + character)
        elif character.isascii() and character.isprintable():
            escaped.append(character)
        else:
            escaped.extend(f"\\x{byte:02x}" for byte in character.encode())
    return '"' + "".join(escaped) + '"'


def keep_environment(server: Binary) -> list[str]:
    """Redis writes its process title over its environment, and the world's tag with it, unless told not to (6.2
    and later can be); an older one is still found by the pid its world recorded."""
    found = re.search(r"(\d+)\.(\d+)", server.version)
    if found is None or (int(found[1]), int(found[2])) < (6, 2):
        return []
    return ["--set-proc-title", "no"]


register(ServiceKind.REDIS, RedisDriver())
