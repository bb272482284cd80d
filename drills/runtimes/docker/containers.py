"""A world's containers, network and volumes on the Docker engine, made through testcontainers' client.

testcontainers labels everything it makes with its session, and its reaper (Ryuk) removes everything of a session
whose harness is gone: a crashed harness leaves no container, network or volume behind for long. A container is
made from its plan with that client rather than as a testcontainers ``DockerContainer``, which publishes its ports
on every interface: a world's are published on 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from drills.errors import WorldError
from drills.runtimes.docker.plan import ContainerPlan
from drills.world.targets import LOOPBACK

if TYPE_CHECKING:
    from docker.models.containers import Container

WORLD_LABEL: Final = "io.drillbit.world"
SERVICE_LABEL: Final = "io.drillbit.service"
BUILD_TIMEOUT_S: Final = 900
POOL_SIZE: Final = 32
"""Connections to the engine: each container's log is a stream held open for its life, beside the calls."""


class Containers:
    """The engine as one world sees it: its images built, its network, volumes and containers made and removed."""

    def __init__(self, world: str) -> None:
        from testcontainers.core.docker_client import DockerClient

        self.world = world
        self._docker = DockerClient(max_pool_size=POOL_SIZE)

    @property
    def client(self) -> Any:
        """The Docker SDK's client (``docker.DockerClient``)."""
        return self._docker.client

    def start_reaper(self) -> None:
        """Starts testcontainers' reaper for this process, unless turned off (``TESTCONTAINERS_RYUK_DISABLED``)."""
        from testcontainers.core.config import testcontainers_config
        from testcontainers.core.container import Reaper

        if not testcontainers_config.ryuk_disabled:
            Reaper.get_instance()

    def user(self) -> str:
        """The account a container that reads the world clock runs as: the harness's own (the clock's file is its
        owner's only), or root on a rootless engine, whose root is the harness's user."""
        options = self.client.info().get("SecurityOptions") or []
        rootless = any("rootless" in str(option) for option in options)
        return "0:0" if rootless else f"{os.getuid()}:{os.getgid()}"

    def build(self, tag: str, context: Path) -> None:
        """Builds the image of ``context``'s Dockerfile as ``tag``; it is kept, so the next world's build is cached."""
        import docker
        from testcontainers.core.image import DockerImage

        try:
            DockerImage(path=context, tag=tag, clean_up=False, timeout=BUILD_TIMEOUT_S).build()
        except docker.errors.BuildError as error:
            raise WorldError(
                f"building the image {tag} from {context} failed: {error.msg}",
                hint="`docker build` there shows the whole output",
            ) from error

    def labels(self, service: str | None = None) -> dict[str, str]:
        """What marks a thing as this world's (testcontainers adds its session's own)."""
        return {WORLD_LABEL: self.world} | ({SERVICE_LABEL: service} if service else {})

    def create_network(self, name: str) -> None:
        self._docker.client_networks_create(name, {"labels": self.labels()})

    def create_volume(self, name: str) -> None:
        from testcontainers.core.labels import create_labels

        self.client.volumes.create(name=name, labels=create_labels("", self.labels()))

    def create(
        self, plan: ContainerPlan, environment: Mapping[str, str], ports: Mapping[int, int], network: str
    ) -> Container:
        """The service's container, made but not started: on ``network`` under its aliases, each port of ``ports``
        published at its host port on 127.0.0.1."""
        from docker.types import EndpointConfig, Mount

        api_version = self.client.api.api_version
        container: Container = self._docker.create(
            plan.image,
            command=list(plan.command) or None,
            environment=dict(environment),
            ports={f"{port}/tcp": (LOOPBACK, host) for port, host in ports.items()},
            labels=self.labels(plan.service),
            name=plan.name,
            network=network,
            networking_config={network: EndpointConfig(api_version, aliases=list(plan.aliases))},
            mounts=[Mount(m.target, m.source, type=m.kind.value, read_only=m.read_only) for m in plan.mounts],
            healthcheck=plan.healthcheck.as_docker() if plan.healthcheck else None,
            user=plan.user,
        )
        return container

    def remove_world(self, network: str, volumes: tuple[str, ...]) -> None:
        """Removes every container of the world (by its label, so one made by a start that failed half-way too),
        then its network and volumes; what is already gone is no error."""
        import docker

        found = self.client.containers.list(all=True, filters={"label": f"{WORLD_LABEL}={self.world}"})
        for container in found:
            with contextlib.suppress(docker.errors.NotFound):
                container.remove(force=True, v=True)
        for name in volumes:
            with contextlib.suppress(docker.errors.NotFound):
                self.client.volumes.get(name).remove(force=True)
        with contextlib.suppress(docker.errors.NotFound):
            self.client.networks.get(network).remove()
        self.close()

    def close(self) -> None:
        """Closes the connections to the engine (what runs there runs on)."""
        self.client.close()


def port_taken(error: BaseException) -> bool:
    """Whether the engine refused to start a container because a host port it publishes is taken."""
    text = str(error)
    return "port is already allocated" in text or "address already in use" in text
