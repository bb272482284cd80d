"""The docker runtime: brings a world spec up as containers, in dependency order, once an engine answers.

Without an engine it refuses at once, in one line (exit 2), before it makes a folder, a network or a container.
The world's variables are its secrets (fresh for each world, never from its seed), its seed, time scale, epoch
and size; the plan (`drills.runtimes.docker.plan`) fills the world file's ``${NAME}`` with them.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from drills.clock import Clock, SystemClock
from drills.errors import InputError
from drills.runtimes.docker.engine import engine_answers
from drills.runtimes.docker.plan import plan
from drills.runtimes.local import registry
from drills.world.home import new_world_folder
from drills.world.protocol import WorldOptions
from drills.world.spec import WorldSpec
from drills.world.variables import make_secrets, world_variables
from drills.world_clock import scenario_epoch

if TYPE_CHECKING:
    from drills.runtimes.docker.world import DockerWorld

SECRETS_FILE = "secrets.json"


class DockerRuntime:
    """The same world as containers: the official Postgres and Redis images, Shopify's Toxiproxy, our fakes' image."""

    name = "docker"

    def __init__(self, clock: Clock | None = None, project: Path | None = None) -> None:
        self.clock = clock or SystemClock()
        self.project = project
        """Where a service's ``build`` context is read from; None: the folder of the world's file."""

    def up(self, spec: WorldSpec, options: WorldOptions) -> DockerWorld:
        reason = engine_answers()
        if reason is not None:
            raise InputError(reason)
        world = self._open(spec, options)
        try:
            _bring_up(world)
        except BaseException:
            world.teardown()
            raise
        return world

    def _open(self, spec: WorldSpec, options: WorldOptions) -> DockerWorld:
        """The world planned, its folder made with its secrets and clock; nothing is on the engine yet."""
        from drills.runtimes.docker.containers import Containers
        from drills.runtimes.docker.world import CLOCK_FOLDER, DockerWorld

        directory = new_world_folder()
        containers = Containers(directory.name)
        named = make_secrets(spec)
        epoch = scenario_epoch(self.clock.wall())
        clock = directory / CLOCK_FOLDER
        variables = world_variables(options, epoch, named, clock=str(clock), name=directory.name)
        try:
            project = self.project or (spec.source.parent if spec.source else Path.cwd())
            made = plan(spec, variables, name=directory.name, project=project, clock=clock, user=containers.user())
            registry.create_folder(directory, os.getpid())
        except BaseException:
            containers.close()
            raise
        try:
            registry.write_private(directory / SECRETS_FILE, json.dumps(named, indent=2))
            return DockerWorld(spec, options, directory, made, named, containers, self.clock, epoch)
        except BaseException:
            containers.close()
            registry.remove_folder(directory)
            raise


def _bring_up(world: DockerWorld) -> None:
    world.prepare()
    for wave in world.plan.waves:
        with ThreadPoolExecutor(max_workers=len(wave)) as pool:
            for started in [pool.submit(world.start, service) for service in wave]:
                started.result()
        world.create_proxies()
