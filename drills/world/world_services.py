"""A checked world file's services, made into the world spec of one product (its Compose profile).

A service belongs to a product when its ``profiles`` name the product, or when it has no profiles (Compose runs
those under every profile). Within its world a service is called by its ``x-drillbit`` name, else its Compose name;
dependencies and proxies are written with Compose names and made world names here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from drills.errors import UnknownNameError, did_you_mean
from drills.language.source import DataPath, YamlDocument
from drills.world.extension import FileExtension, PythonRun, ServiceExtension
from drills.world.spec import ContainerSpec, HealthCheck, HealthKind, ProxySpec, ServiceKind, ServiceSpec, WorldSpec

EXTENSION: Final = "x-drillbit"
KINDS: Final = {"postgres": ServiceKind.POSTGRES, "redis": ServiceKind.REDIS}
HEALTH: Final = {ServiceKind.POSTGRES: HealthKind.POSTGRES, ServiceKind.REDIS: HealthKind.REDIS}


@dataclass(frozen=True)
class WorldFile:
    """A checked world file: its worlds (the profiles it declares), its services and its extension."""

    path: Path
    extension: FileExtension
    services: Mapping[str, Mapping[str, Any]]
    """Each Compose service as written, merge keys applied."""
    extensions: Mapping[str, ServiceExtension]
    document: YamlDocument

    @property
    def products(self) -> tuple[str, ...]:
        return tuple(self.extension.worlds)

    def line_of(self, path: DataPath) -> int:
        return self.document.line_of(path)


class WorldBuilder:
    """The services of one product of a world file, as world specs and as the problems between them."""

    def __init__(self, world_file: WorldFile, product: str) -> None:
        self.file = world_file
        self.product = product
        self.members = {
            name: service
            for name, service in world_file.services.items()
            if product in (service.get("profiles") or [product])
        }
        self.names = {name: (world_file.extensions[name].name or name) for name in self.members}

    @classmethod
    def problems_of(cls, world_file: WorldFile) -> list[tuple[int, str]]:
        """Every problem of every product's world, each said once."""
        found: dict[tuple[int, str], None] = {}
        for product in world_file.products:
            found.update(dict.fromkeys(cls(world_file, product).problems()))
        for name, service in world_file.services.items():
            for profile in service.get("profiles") or []:
                if profile not in world_file.extension.worlds:
                    line = world_file.line_of(("services", name, "profiles"))
                    found[(line, _unknown_profile(name, profile, world_file.products))] = None
        return list(found)

    def problems(self) -> Iterator[tuple[int, str]]:
        yield from self._name_clashes()
        for name, service in self.members.items():
            yield from self._dependencies(name, service)
        yield from self._proxies()

    def spec(self) -> WorldSpec:
        entry = self.file.extension.worlds[self.product]
        server = self._proxy_server()
        policy = None if entry.policy is None else (self.file.path.parent / entry.policy)
        return WorldSpec(
            services=tuple(self._service(name, service) for name, service in self.members.items()),
            proxies=tuple(self._proxy_specs(server)),
            proxy_server=self.names[server] if server else "toxiproxy",
            name=self.product,
            description=entry.description,
            secrets=tuple(self.file.extension.secrets),
            policy=policy,
            source=self.file.path,
        )

    # Checks

    def _name_clashes(self) -> Iterator[tuple[int, str]]:
        seen: dict[str, str] = {}
        for compose_name, name in self.names.items():
            if name in seen:
                line = self.file.line_of(("services", compose_name, EXTENSION, "name"))
                yield (
                    line,
                    (
                        f"services.{compose_name}: world {self.product} already has a service called {name!r} "
                        f"({seen[name]}); each name is one service in its world"
                    ),
                )
            seen[name] = compose_name

    def _dependencies(self, name: str, service: Mapping[str, Any]) -> Iterator[tuple[int, str]]:
        for dependency in _depends_on(service):
            if dependency not in self.members:
                line = self.file.line_of(("services", name, "depends_on"))
                yield (
                    line,
                    (
                        f"services.{name}.depends_on: {dependency!r} is not a service of world {self.product}"
                        f"{_close(dependency, self.members)}"
                    ),
                )

    def _proxies(self) -> Iterator[tuple[int, str]]:
        server = self._proxy_server()
        if server is None:
            return
        for proxy, entry in self.file.extensions[server].proxies.items():
            host, port = entry.upstream.rsplit(":", 1)
            at = ("services", server, EXTENSION, "proxies", proxy, "upstream")
            if host not in self.file.services:
                yield (
                    self.file.line_of(at),
                    (f"{_where(at)}: {host!r} is not a service of the file{_close(host, self.file.services)}"),
                )
            elif host in self.members and _port(self.members[host]) is None:
                yield (
                    self.file.line_of(at),
                    (f'{_where(at)}: {host} has no port to proxy: give it `expose: ["{port}"]`'),
                )
            elif host in self.members and _port(self.members[host]) != int(port):
                yield (
                    self.file.line_of(at),
                    (f"{_where(at)}: {host} serves on port {_port(self.members[host])}, not {port}"),
                )

    # Building

    def _proxy_server(self) -> str | None:
        return next((name for name in self.members if self.file.extensions[name].proxies), None)

    def _proxy_specs(self, server: str | None) -> Iterator[ProxySpec]:
        if server is None:
            return
        for proxy, entry in self.file.extensions[server].proxies.items():
            host = entry.upstream.rsplit(":", 1)[0]
            if host in self.members:  # a proxy in front of a service another world has is not this world's
                yield ProxySpec(proxy, self.names[host], entry.listen)

    def _service(self, name: str, service: Mapping[str, Any]) -> ServiceSpec:
        extension = self.file.extensions[name]
        kind = _kind(extension)
        world_name = self.names[name]
        return ServiceSpec(
            name=world_name,
            kind=kind,
            health=HealthCheck(HEALTH.get(kind, HealthKind.HTTP), extension.health or "/"),
            module=extension.run.module if isinstance(extension.run, PythonRun) else None,
            env=_environment(service),
            depends_on=tuple(self.names[dependency] for dependency in _depends_on(service)),
            description=extension.description,
            settings=tuple(extension.settings.values()),
            port=_port(service),
            aliases=(name,) if name != world_name else (),
            container=_container(service),
            databases=tuple(extension.databases),
        )


def load_world(world_file: WorldFile, product: str) -> WorldSpec:
    """The world spec of ``product``; an unknown product is an error that names those the file has."""
    if product not in world_file.products:
        raise UnknownNameError(
            f"{world_file.path} has no world {product!r}{_close(product, world_file.products)}",
            hint=f"its worlds are: {', '.join(world_file.products)}",
        )
    return WorldBuilder(world_file, product).spec()


def _kind(extension: ServiceExtension) -> ServiceKind:
    if isinstance(extension.run, PythonRun):
        return ServiceKind.PYTHON
    if extension.run is None:
        return ServiceKind.CONTAINER
    return KINDS[extension.run]


def _depends_on(service: Mapping[str, Any]) -> list[str]:
    written = service.get("depends_on") or []
    return list(written)  # a list of names, or a mapping whose keys are the names


def _environment(service: Mapping[str, Any]) -> dict[str, str]:
    written = service.get("environment") or {}
    if isinstance(written, list):
        pairs = [item.split("=", 1) if "=" in item else [item, None] for item in written]
        written = dict(pairs)
    return {key: _text(key, value) for key, value in written.items()}


def _text(key: str, value: object) -> str:
    if value is None:
        return f"${{{key}}}"  # Compose passes the variable of that name through
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _port(service: Mapping[str, Any]) -> int | None:
    for written in [*(service.get("expose") or []), *(service.get("ports") or [])]:
        text = str(written.get("target") if isinstance(written, dict) else written)
        port = text.rsplit(":", 1)[-1].split("/")[0].split("-")[0]
        if port.isdigit():
            return int(port)
    return None


def _container(service: Mapping[str, Any]) -> ContainerSpec:
    build = service.get("build")
    command = service.get("command") or ()
    health = (service.get("healthcheck") or {}).get("test") or ()
    return ContainerSpec(
        image=service.get("image"),
        build=build.get("context") if isinstance(build, dict) else build,
        command=tuple(command.split() if isinstance(command, str) else map(str, command)),
        healthcheck=tuple(health.split() if isinstance(health, str) else map(str, health)),
    )


def _unknown_profile(service: str, profile: str, products: tuple[str, ...]) -> str:
    return (
        f"services.{service}.profiles: {profile!r} is not a world of the file{_close(profile, products)} "
        f"(its worlds, under {EXTENSION}.worlds: {', '.join(products)})"
    )


def _close(word: str, choices: Mapping[str, object] | tuple[str, ...]) -> str:
    close = did_you_mean(word, list(choices))
    return f"; {close}" if close else ""


def _where(path: tuple[object, ...]) -> str:
    return ".".join(map(str, path))
