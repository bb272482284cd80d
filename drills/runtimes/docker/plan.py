"""How a world spec becomes containers: the docker runtime's plan, a pure function that talks to no engine.

    plan(spec, variables, name="world-1a2b3c4d", project=Path("/src/app"), clock=Path("/tmp/.../clock"))
    DockerPlan(network="drillbit-world-1a2b3c4d", containers=(ContainerPlan(service="postgres", ...), ...),
               proxies=(ProxyPlan("postgres", "0.0.0.0:15432", "postgres:5432", 15432), ...), waves=(...))

Each service is one container on the world's network, known there by its name and each of its aliases, so the
addresses the world file writes (``toxiproxy:15432``) are kept as written. Its environment, command and health
check are the world file's with every ``${NAME}`` filled from the world's variables; a secret reaches a container
through its environment only (a command line is anyone's to read), so a command that would carry one is refused.
Its port on the network is published on 127.0.0.1 only, and so is each proxy's port on the proxy server (Shopify's
Toxiproxy): the harness reaches a docker world there, as it reaches a local one on loopback. A service that reads
the world clock gets the clock's folder mounted read-only and ``DRILLBIT_CLOCK`` naming the file in it (the folder,
not the file: the harness replaces the file whole at each change, which a mount of the file itself would not see),
and runs as ``user``, the account that can read the file.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Final

from drills.errors import InputError
from drills.world.protocol import CLOCK_FILE
from drills.world.spec import HealthCheck, HealthKind, ProxySpec, ServiceKind, ServiceSpec, WorldSpec
from drills.world.variables import interpolate

CLOCK_VARIABLE: Final = "DRILLBIT_CLOCK"
CLOCK_FOLDER: Final = "/run/drillbit"
"""Where a container finds the world clock's folder."""
CLOCK_PATH: Final = f"{CLOCK_FOLDER}/{CLOCK_FILE}"
POSTGRES_DATA: Final = "/var/lib/postgresql/data"
"""Postgres' data, on a volume of the world's own: a redeploy recreates the container, not the database."""
PROXY_SERVER_READY: Final = HealthCheck(HealthKind.HTTP, "/version")
"""Toxiproxy's readiness, from the harness: the real server has its API, not our fake's ``/_control/health``."""
HEALTH_INTERVAL_S: Final = 1.0
HEALTH_TIMEOUT_S: Final = 2.0
HEALTH_RETRIES: Final = 30
"""A health check's timing, as the world file gives every one (``ContainerSpec`` carries only its test)."""
IMAGE_REPOSITORY: Final = "drillbit-fakes"
_DOCKER_NAME: Final = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_.-]*")


class PlanError(InputError):
    """The world cannot run as containers as it is written (exit 2)."""


class MountKind(StrEnum):
    BIND = "bind"
    VOLUME = "volume"


@dataclass(frozen=True)
class Mount:
    """A host folder (``bind``) or a named volume of the world, at ``target`` in a container."""

    source: str
    target: str
    kind: MountKind
    read_only: bool = False


@dataclass(frozen=True)
class HealthPlan:
    """A container's health check in Docker's terms: its test, how often, how long one may take, how many fail."""

    test: tuple[str, ...]
    interval_s: float = HEALTH_INTERVAL_S
    timeout_s: float = HEALTH_TIMEOUT_S
    retries: int = HEALTH_RETRIES

    def as_docker(self) -> dict[str, object]:
        """As the Engine API takes it, durations in nanoseconds."""
        nanoseconds = 1_000_000_000
        return {
            "test": list(self.test),
            "interval": round(self.interval_s * nanoseconds),
            "timeout": round(self.timeout_s * nanoseconds),
            "retries": self.retries,
        }


@dataclass(frozen=True)
class ContainerPlan:
    """One service as a container: what it runs, with what, where, and how it is known and checked."""

    service: str
    name: str
    image: str
    """The image it runs; with ``build``, the tag the build gives it."""
    build: Path | None
    """The build context (a folder with a Dockerfile), when the image is built rather than pulled."""
    command: tuple[str, ...]
    """Empty: the image's own."""
    environment: Mapping[str, str]
    aliases: tuple[str, ...]
    ports: tuple[int, ...]
    """Its ports on the network, each published on 127.0.0.1: its own first, then (the proxy server) each proxy's."""
    healthcheck: HealthPlan | None
    ready: HealthCheck
    """How the harness tells it is ready, from outside, at its published port."""
    mounts: tuple[Mount, ...] = ()
    user: str | None = None
    """``uid:gid`` to run as; None: the image's own user."""

    @property
    def port(self) -> int:
        return self.ports[0]


@dataclass(frozen=True)
class ProxyPlan:
    """A proxy to create on the proxy server: Toxiproxy's ``listen`` and ``upstream``, and its port to publish."""

    name: str
    listen: str
    upstream: str
    port: int

    def as_toxiproxy(self) -> dict[str, object]:
        return {"name": self.name, "listen": self.listen, "upstream": self.upstream, "enabled": True}


@dataclass(frozen=True)
class DockerPlan:
    """A whole world as containers: its network, its containers, the proxies to create and the order to start in."""

    network: str
    containers: tuple[ContainerPlan, ...]
    proxies: tuple[ProxyPlan, ...]
    proxy_server: str | None
    waves: tuple[tuple[str, ...], ...]
    """Services in groups, each depending only on earlier groups; a group starts at once."""
    volumes: tuple[str, ...] = ()

    def container(self, service: str) -> ContainerPlan:
        for container in self.containers:
            if container.service == service:
                return container
        raise KeyError(service)

    def builds(self) -> dict[str, Path]:
        """Every image to build, by tag, with its context: one per context, however many services run it."""
        return {c.image: c.build for c in self.containers if c.build is not None}


@dataclass(frozen=True)
class _World:
    """What every container of one world is planned with."""

    spec: WorldSpec
    variables: Mapping[str, str]
    name: str
    project: Path
    clock: Path
    user: str | None
    secrets: Mapping[str, str]


def plan(
    spec: WorldSpec,
    variables: Mapping[str, str],
    *,
    name: str,
    project: Path,
    clock: Path,
    user: str | None = None,
) -> DockerPlan:
    """The containers, network, volumes and proxies that run ``spec`` as the world called ``name``.

    ``variables`` fill the world file's ``${NAME}`` (``DRILLBIT_CLOCK`` is the plan's own); ``project`` is the world
    file's folder, against which a ``build`` context is read; ``clock`` is the host folder holding the world clock's
    file; ``user`` the ``uid:gid`` that can read it.
    """
    if not _DOCKER_NAME.fullmatch(name):
        raise PlanError(f"{name!r} cannot name a world's containers: letters, digits, '_', '.' and '-' only")
    filled = {**variables, CLOCK_VARIABLE: CLOCK_PATH}
    secrets = {key: filled[key] for key in spec.secrets if filled.get(key)}
    world = _World(spec, filled, name, project, clock, user, secrets)
    proxies = tuple(_proxy(spec, proxy) for proxy in spec.proxies)
    containers = tuple(_container(world, service, proxies) for service in spec.services)
    volumes = tuple(m.source for c in containers for m in c.mounts if m.kind is MountKind.VOLUME)
    has_server = spec.proxy_server in spec.names()
    if proxies and not has_server:
        raise PlanError(f"the world has proxies but no proxy server {spec.proxy_server!r}")
    return DockerPlan(
        network=f"drillbit-{name}",
        containers=containers,
        proxies=proxies,
        proxy_server=spec.proxy_server if has_server else None,
        waves=_waves(spec),
        volumes=volumes,
    )


def _container(world: _World, service: ServiceSpec, proxies: tuple[ProxyPlan, ...]) -> ContainerPlan:
    if service.port is None:
        raise PlanError(
            f"service {service.name!r} has no port on the world's network",
            hint="give it one with Compose's `expose`: the harness reaches each service at its published port",
        )
    image, build = _image(world, service)
    environment = {key: _filled(world, service, value) for key, value in service.env.items()}
    command = _secret_free(world, service, "command", service.container.command)
    test = _secret_free(world, service, "health check", service.container.healthcheck)
    server = service.name == world.spec.proxy_server
    reads_clock = environment.get(CLOCK_VARIABLE) == CLOCK_PATH
    return ContainerPlan(
        service=service.name,
        name=f"drillbit-{world.name}-{service.name}",
        image=image,
        build=build,
        command=command,
        environment=environment,
        aliases=(service.name, *service.aliases),
        ports=(service.port, *(proxy.port for proxy in proxies if server)),
        healthcheck=HealthPlan(test) if test else None,
        ready=PROXY_SERVER_READY if server else service.health,
        mounts=_mounts(world, service, reads_clock),
        user=world.user if reads_clock else None,
    )


def _image(world: _World, service: ServiceSpec) -> tuple[str, Path | None]:
    container = service.container
    if container.build is not None:
        context = Path(os.path.normpath(world.project / container.build))
        digest = hashlib.sha256(str(context).encode()).hexdigest()[:12]
        return f"{IMAGE_REPOSITORY}:{digest}", context
    if container.image:
        return container.image, None
    raise PlanError(
        f"service {service.name!r} has neither an image nor a build",
        hint="give it Compose's `image` (pulled) or `build` (a folder with a Dockerfile)",
    )


def _filled(world: _World, service: ServiceSpec, text: str) -> str:
    try:
        return interpolate(text, world.variables)
    except InputError as error:
        raise PlanError(f"service {service.name!r}: {error.message}", hint=error.hint) from None


def _secret_free(world: _World, service: ServiceSpec, what: str, words: tuple[str, ...]) -> tuple[str, ...]:
    filled = tuple(_filled(world, service, word) for word in words)
    for key, secret in world.secrets.items():
        if any(secret in word for word in filled):
            raise PlanError(
                f"service {service.name!r}: its {what} would carry the secret ${{{key}}} on a command line",
                hint=f"give it through the environment and let the container's shell read it (write $${key})",
            )
    return filled


def _mounts(world: _World, service: ServiceSpec, reads_clock: bool) -> tuple[Mount, ...]:
    mounts = []
    if reads_clock:
        mounts.append(Mount(str(world.clock), CLOCK_FOLDER, MountKind.BIND, read_only=True))
    if service.kind is ServiceKind.POSTGRES:
        mounts.append(Mount(f"drillbit-{world.name}-{service.name}-data", POSTGRES_DATA, MountKind.VOLUME))
    return tuple(mounts)


def _proxy(spec: WorldSpec, proxy: ProxySpec) -> ProxyPlan:
    upstream = _upstream(spec, proxy)
    if proxy.listen is None:
        raise PlanError(
            f"proxy {proxy.name!r} has no listen port",
            hint="the world's services reach it at the proxy server's name and that port (toxiproxy:15432)",
        )
    if upstream.port is None:
        raise PlanError(
            f"proxy {proxy.name!r} forwards to service {upstream.name!r}, which has no port on the world's network",
            hint=f"give {upstream.name!r} its port with Compose's `expose`",
        )
    return ProxyPlan(proxy.name, f"0.0.0.0:{proxy.listen}", f"{upstream.name}:{upstream.port}", proxy.listen)


def _upstream(spec: WorldSpec, proxy: ProxySpec) -> ServiceSpec:
    for service in spec.services:
        if proxy.upstream in (service.name, *service.aliases):
            return service
    raise PlanError(
        f"proxy {proxy.name!r} forwards to {proxy.upstream!r}, which is no service of the world",
        hint=f"its services are: {', '.join(spec.names())}",
    )


def _waves(spec: WorldSpec) -> tuple[tuple[str, ...], ...]:
    try:
        waves = spec.waves()
    except ValueError as error:
        raise PlanError(str(error)) from None
    return tuple(tuple(service.name for service in wave) for wave in waves)
