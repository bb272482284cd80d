"""A world of containers: starting, checking, changing and stopping each of its services, as a deploy tool would.

Every action is the local world's, done to a container instead of a process: stop sends the image's stop signal
(Postgres' fast shutdown), kill SIGKILL, pause and resume freeze and thaw it, restart stops and starts the same
container, redeploy recreates it with its new settings. Each one holds the world clock and is charged its declared
cost, as on the local runtime. Each service keeps the host ports it was first given, so its endpoints stay put
whatever is done to it (unless another program takes one of them meanwhile: then it gets new ones, as a local
world's service does). Readiness is checked from outside, at the published port, by the same checks as a local
world's (``drills.runtimes.local.drivers``).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Final

from drills.clock import Clock, wait_for
from drills.errors import ServiceStartError
from drills.runtimes.docker import proxies
from drills.runtimes.docker.containers import Containers, port_taken
from drills.runtimes.docker.logs import LogCopy
from drills.runtimes.docker.plan import DockerPlan, ProxyPlan
from drills.runtimes.local import registry
from drills.runtimes.local.drivers import driver_for
from drills.runtimes.local.ports import free_port
from drills.world.protocol import CLOCK_FILE, Endpoint, WorldOptions
from drills.world.running import RunningWorld
from drills.world.settings import apply_changes
from drills.world.spec import WorldSpec
from drills.world.targets import LOOPBACK
from drills.world_clock import write_clock_file

if TYPE_CHECKING:
    from docker.models.containers import Container

START_TIMEOUT_S: Final = 60.0
START_ATTEMPTS: Final = 3
STOP_GRACE_S: Final = 10
POLL_S: Final = 0.2
LOG_TAIL_LINES: Final = 40
CLOCK_FOLDER: Final = "clock"
"""The folder of the world's folder that holds the clock's file, mounted into the containers that read it."""


class DockerWorld(RunningWorld):
    """The services of one world as containers on one network, reached on 127.0.0.1."""

    def __init__(
        self,
        spec: WorldSpec,
        options: WorldOptions,
        directory: Path,
        plan: DockerPlan,
        secrets: Mapping[str, str],
        containers: Containers,
        clock: Clock,
        epoch: float,
    ) -> None:
        super().__init__(spec, options, directory, epoch, secrets)
        self.plan = plan
        self._containers = containers
        self._clock = clock
        self._running: dict[str, Container] = {}
        self._ports: dict[str, dict[int, int]] = {}
        self._logs: list[LogCopy] = []
        # Services of one wave start in parallel threads.
        self._lock = threading.Lock()
        self._settings = {c.service: {**c.environment, **options.overrides.get(c.service, {})} for c in plan.containers}
        self._start_clock()

    @property
    def clock_file(self) -> Path:
        """The file the world's containers read its scenario time from, in the folder they have mounted."""
        return self.directory / CLOCK_FOLDER / CLOCK_FILE

    # Bringing it up

    def prepare(self) -> None:
        """What the first container needs: the reaper, the world's images, its network and volumes."""
        self._containers.start_reaper()
        for tag, context in self.plan.builds().items():
            self._containers.build(tag, context)
        self._containers.create_network(self.plan.network)
        for volume in self.plan.volumes:
            self._containers.create_volume(volume)

    def create_proxies(self) -> None:
        """Creates the world's proxies once its proxy server runs (a no-op before, and after they exist)."""
        server = self.plan.proxy_server
        if server is None or not self.plan.proxies or self._proxies or server not in self._running:
            return
        self._create_proxies(server)

    def _create_proxies(self, server: str) -> None:
        """Creates the proxies on the server, and publishes where each is reached (the server's ports may be new)."""
        proxies.create(self._endpoints[server], self.plan.proxies)
        self._proxies = {proxy.name: self._proxy_endpoint(server, proxy) for proxy in self.plan.proxies}

    # Starting and checking

    def start(self, service: str) -> None:
        """Starts the service's container (made first, if it has none) and waits until it is ready."""
        with self._options.held("start"):
            self._start(service)

    def _start(self, service: str) -> None:
        import docker

        for attempt in range(1, START_ATTEMPTS + 1):
            container = self._container(service)
            try:
                self._launch(service, container)
            except docker.errors.APIError as error:
                if not (port_taken(error) and attempt < START_ATTEMPTS):
                    raise ServiceStartError(service, f"the engine did not start it: {error}") from error
                self._discard(service, ports=True)
                continue
            if self._wait_ready(service, container):
                self._restore_proxies(service)
                return
            break
        raise ServiceStartError(
            service,
            "it exited" if not self._alive(container) else f"not ready after {START_TIMEOUT_S:.0f}s",
            self._tail(container),
            hint=f"its whole log is {self.log_path(service)}",
        )

    def _container(self, service: str) -> Container:
        """The service's container: the one it has, or a new one on the host ports it has (or is now given)."""
        found = self._running.get(service)
        if found is not None:
            return found
        plan = self.plan.container(service)
        with self._lock:
            ports = self._ports.setdefault(service, {port: free_port() for port in plan.ports})
        container = self._containers.create(plan, self._settings[service], ports, self.plan.network)
        with self._lock:
            self._running[service] = container
            self._endpoints[service] = self._endpoint(service, ports[plan.port])
        return container

    def _launch(self, service: str, container: Container) -> None:
        copy = LogCopy(container, self.log_path(service))
        with self._lock:
            self._logs.append(copy)
        container.start()

    def _endpoint(self, service: str, port: int) -> Endpoint:
        """The address at ``port`` on 127.0.0.1 (the service's own or a proxy's), with a URL in its own scheme."""
        kind = self._spec.service(service).kind
        return Endpoint(LOOPBACK, port, driver_for(kind).url(LOOPBACK, port, self._secrets))

    def _proxy_endpoint(self, server: str, proxy: ProxyPlan) -> Endpoint:
        upstream = proxy.upstream.rpartition(":")[0]
        return self._endpoint(upstream, self._ports[server][proxy.port])

    def _wait_ready(self, service: str, container: Container) -> bool:
        wait_for(lambda: not self._alive(container) or self._ready(service), START_TIMEOUT_S, self._clock, POLL_S)
        return self._alive(container) and self._ready(service)

    def _ready(self, service: str) -> bool:
        spec = replace(self._spec.service(service), health=self.plan.container(service).ready)
        return driver_for(spec.kind).ready(spec, self._endpoints[service], self._secrets)

    def _restore_proxies(self, service: str) -> None:
        """Toxiproxy keeps its proxies in memory: a restarted or redeployed one gets the world's back."""
        if service == self.plan.proxy_server and self._proxies:
            self._create_proxies(service)

    def _status(self, service: str) -> str:
        container = self._running.get(service)
        return "gone" if container is None else _status(container)

    def _alive(self, container: Container) -> bool:
        return _status(container) == "running"

    def running(self, service: str) -> bool:
        """Whether the service's container runs, ready or not (a paused one runs)."""
        return self._status(service) in ("running", "paused")

    def healthy(self, service: str) -> bool:
        return self._status(service) == "running" and self._ready(service)

    def _tail(self, container: Container) -> str:
        import docker

        try:
            return bytes(container.logs(tail=LOG_TAIL_LINES)).decode(errors="replace")
        except docker.errors.DockerException:
            return ""

    # What a deploy tool or an operator does

    def stop(self, service: str) -> None:
        with self._options.held("stop"):
            self._stop(service)

    def _stop(self, service: str) -> None:
        if self.running(service):
            self._running[service].stop(timeout=STOP_GRACE_S)

    def kill(self, service: str) -> None:
        if self.running(service):
            with self._options.held("kill"):
                self._running[service].kill()

    def pause(self, service: str) -> None:
        with self._options.held("pause"):
            self._running[service].pause()

    def resume(self, service: str) -> None:
        with self._options.held("resume"):
            self._running[service].unpause()

    def restart(self, service: str) -> None:
        with self._options.held("restart"):
            self._stop(service)
            self._start(service)

    def redeploy(self, service: str, changes: Mapping[str, str | None]) -> None:
        """Changes settings (None removes one) and recreates the service's container with them, like a deploy."""
        apply_changes(self._settings[service], changes)
        with self._options.held("redeploy"):
            self._stop(service)
            self._discard(service)
            self._start(service)

    def _discard(self, service: str, *, ports: bool = False) -> None:
        """Removes the service's container (and, with ``ports``, forgets its host ports: another took one)."""
        import docker

        with self._lock:
            container = self._running.pop(service, None)
            if ports:
                self._ports.pop(service, None)
        if container is not None:
            with contextlib.suppress(docker.errors.NotFound):
                container.remove(force=True, v=True)

    # The world's clock and lifetime

    def _start_clock(self) -> None:
        """Before any container starts: followed by the drill's world clock, or left running from the epoch."""
        self.clock_file.parent.mkdir(mode=0o700, exist_ok=True)
        write_clock_file(self._options.clock, self.clock_file, self.epoch, self._clock.wall())

    def teardown(self) -> None:
        """Removes every container, the network and the volumes, stops copying logs, then removes the world's folder."""
        try:
            self._containers.remove_world(self.plan.network, self.plan.volumes)
        finally:
            for copy in self._logs:
                copy.close()
            registry.remove_folder(self.directory)


def _status(container: Container) -> str:
    import docker

    try:
        container.reload()
    except docker.errors.NotFound:
        return "gone"
    return str(container.status)
