"""Every proxy of the server by name, and the changes that involve more than one proxy.

One lock orders the changes, so a populate and a delete never interleave halfway. Every address a change
asks for is checked first (``loopback.check``), unless the server allows remote addresses.
"""

from __future__ import annotations

import asyncio
import random

from fakes.toxiproxy import errors, loopback
from fakes.toxiproxy.proxy import Proxy
from fakes.toxiproxy.proxy_input import ProxyInput


class ProxyCollection:
    """The proxies of one toxiproxy server; each draws its randomness from the server's seeded generator."""

    def __init__(self, rng: random.Random, allow_remote: bool = False) -> None:
        self._rng = rng
        self._allow_remote = allow_remote
        self._proxies: dict[str, Proxy] = {}
        self._lock = asyncio.Lock()

    def get(self, name: str) -> Proxy:
        proxy = self._proxies.get(name)
        if proxy is None:
            raise errors.PROXY_NOT_FOUND
        return proxy

    def by_name(self) -> list[Proxy]:
        """All proxies, sorted by name (Go prints a map's keys in order)."""
        return [self._proxies[name] for name in sorted(self._proxies)]

    def _check(self, wanted: ProxyInput, where: str = "") -> None:
        if not self._allow_remote:
            loopback.check(wanted, where)

    def _new(self, wanted: ProxyInput) -> Proxy:
        return Proxy(wanted.name, wanted.listen, wanted.upstream, self._rng)

    async def create(self, wanted: ProxyInput) -> Proxy:
        """Add a proxy, listening if it is enabled; a failure to listen adds nothing."""
        self._check(wanted)
        async with self._lock:
            if wanted.name in self._proxies:
                raise errors.PROXY_ALREADY_EXISTS
            proxy = self._new(wanted)
            if wanted.enabled:
                await proxy.start()
            self._proxies[proxy.name] = proxy
            return proxy

    async def update(self, proxy: Proxy, wanted: ProxyInput) -> None:
        """Move a proxy (closing its connections) when its listen or upstream changes; enable or disable it."""
        self._check(wanted)
        async with self._lock:
            if await proxy.differs(wanted.listen, wanted.upstream):
                proxy.stop()
                proxy.listen, proxy.upstream = wanted.listen, wanted.upstream
            if wanted.enabled and not proxy.enabled:
                await proxy.start()
            elif not wanted.enabled:
                proxy.stop()

    async def delete(self, name: str) -> None:
        async with self._lock:
            self.get(name).stop()
            del self._proxies[name]

    async def populate(
        self, wanted: list[ProxyInput]
    ) -> tuple[list[Proxy], errors.ApiError | errors.ProxyError | None]:
        """Create each proxy in order; keep one that already exists with the same listen and upstream
        (toxics and all), replace one that differs. Stops at the first failure, keeping those before it;
        an address that is not allowed, in any entry, is raised before anything changes."""
        for number, entry in enumerate(wanted, start=1):
            self._check(entry, f" at proxy {number}")
        async with self._lock:
            done: list[Proxy] = []
            for entry in wanted:
                try:
                    done.append(await self._add_or_replace(entry))
                except (errors.ApiError, errors.ProxyError) as error:
                    return done, error
            return done, None

    async def _add_or_replace(self, wanted: ProxyInput) -> Proxy:
        existing = self._proxies.get(wanted.name)
        if existing is not None:
            if not await existing.differs(wanted.listen, wanted.upstream):
                return existing
            existing.stop()
        proxy = self._new(wanted)
        if wanted.enabled:
            await proxy.start()
        self._proxies[proxy.name] = proxy
        return proxy

    async def reset(self) -> None:
        """Enable every proxy and remove every toxic; the proxies stay."""
        async with self._lock:
            for proxy in self.by_name():
                if not proxy.enabled:
                    await proxy.start()
                await proxy.toxics.reset()

    async def stop_all(self) -> None:
        """Close every listener and connection: the server is shutting down."""
        async with self._lock:
            for proxy in self._proxies.values():
                proxy.stop()
