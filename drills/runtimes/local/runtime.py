"""The local runtime: brings a world spec up as processes on loopback, in dependency order."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from drills.clock import Clock, SystemClock
from drills.errors import InputError
from drills.runtimes.local import proxies, registry
from drills.runtimes.local.launch import Servers
from drills.runtimes.local.privileges import reachable_install, service_account
from drills.runtimes.local.world import LocalWorld
from drills.world.binaries import find_postgres, find_redis
from drills.world.home import install_cache, new_world_folder
from drills.world.protocol import WorldOptions
from drills.world.spec import ServiceKind, WorldSpec


def servers() -> Servers:
    """The binaries, made reachable by the account the servers run as."""
    account = service_account()
    postgres_bin = find_postgres().path.parent
    if account is not None:
        postgres_bin = reachable_install(postgres_bin.parent, install_cache()) / "bin"
    return Servers(postgres_bin=postgres_bin, redis=find_redis(), account=account)


def clean_orphans() -> list[str]:
    """Removes what harnesses that are gone left behind (processes and folders); returns the worlds' names."""
    removed = []
    for leftover in registry.leftovers():
        registry.remove(leftover)
        removed.append(leftover.name)
    return removed


def check_runnable(spec: WorldSpec) -> None:
    """Refuses, before anything starts, a world with a service that says no way to run as a process."""
    containers = [service.name for service in spec.services if service.kind == ServiceKind.CONTAINER]
    if containers:
        raise InputError(
            f"world {spec.name}: {', '.join(containers)} can run only as a container (no x-drillbit.run)",
            hint="drill this world with --runtime docker, or say how to run each locally (docs/world-file.md)",
        )


class LocalRuntime:
    """Real processes on loopback; nothing to install beyond the project's own wheels."""

    name = "local"

    def __init__(self, clock: Clock | None = None) -> None:
        self.clock = clock or SystemClock()

    def up(self, spec: WorldSpec, options: WorldOptions) -> LocalWorld:
        check_runnable(spec)
        clean_orphans()
        world = LocalWorld(spec, options, new_world_folder(), servers(), self.clock)
        try:
            self._bring_up(world)
        except BaseException:
            world.teardown()
            raise
        return world

    def _bring_up(self, world: LocalWorld) -> None:
        spec = world.spec
        world.warm_up()
        for wave in spec.waves():
            self._create_proxies(world)
            with ThreadPoolExecutor(max_workers=len(wave)) as pool:
                for started in [pool.submit(world.start, service.name) for service in wave]:
                    started.result()
        self._create_proxies(world)

    def _create_proxies(self, world: LocalWorld) -> None:
        spec = world.spec
        started = set(world.endpoints)
        due = [
            p
            for p in spec.proxies
            if p.name not in world.proxies and p.upstream in started and spec.proxy_server in started
        ]
        if due:
            api = world.endpoints[spec.proxy_server]
            world.set_proxies(proxies.create(api, due, world.endpoints))
