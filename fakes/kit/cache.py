"""Redis as a cache that fails open: when Redis does not answer, readers fall back to the database."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

SOCKET_TIMEOUT_SECONDS = 1.0
# After a failure the cache is skipped this long, so a dead Redis costs one timeout, not one per request.
COOL_DOWN_SECONDS = 5.0
KEY_PREFIX = "drillbit:app:"


def open_redis(url: str) -> aioredis.Redis:
    return aioredis.Redis.from_url(
        url,
        socket_timeout=SOCKET_TIMEOUT_SECONDS,
        socket_connect_timeout=SOCKET_TIMEOUT_SECONDS,
        retry=Retry(NoBackoff(), 0),
        decode_responses=True,
    )


class Cache:
    """Text values under ``drillbit:app:``; every miss, error or skipped call answers None."""

    def __init__(self, client: aioredis.Redis) -> None:
        self.client = client
        self._skip_until = 0.0

    async def ping(self) -> None:
        """Raises when Redis does not answer; the health check wants the truth, not the fallback."""
        try:
            await self.client.ping()
        except (RedisError, OSError, TimeoutError):
            self._skip_until = time.monotonic() + COOL_DOWN_SECONDS
            raise
        self._skip_until = 0.0

    async def get(self, key: str) -> str | None:
        value = await self._guarded(lambda: self.client.get(KEY_PREFIX + key))
        return value if isinstance(value, str) else None

    async def set(self, key: str, value: str, ttl_seconds: float) -> None:
        ttl_ms = max(1, int(ttl_seconds * 1000))
        await self._guarded(lambda: self.client.set(KEY_PREFIX + key, value, px=ttl_ms))

    async def incr(self, key: str) -> None:
        await self._guarded(lambda: self.client.incr(KEY_PREFIX + key))

    async def delete(self, key: str) -> None:
        await self._guarded(lambda: self.client.delete(KEY_PREFIX + key))

    async def _guarded(self, command: Callable[[], Awaitable[Any]]) -> Any:
        if time.monotonic() < self._skip_until:
            return None
        try:
            return await command()
        except (RedisError, OSError, TimeoutError):
            self._skip_until = time.monotonic() + COOL_DOWN_SECONDS
            return None
