"""A scenario's settings against what each service reads (its declared ``settings``).

Every setting a scenario sets or unsets (the world's, an extra service's, a config or deploy fault's, a redeploy
step's) must be one the service reads, and a value written literally must be one the service takes; a value a
reference gives (``{settings.app.DB_POOL_SIZE}``) is known only when the drill runs, and is checked then by the
service itself. A version (a deploy fault's, a redeploy step's) is a setting too.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping
from dataclasses import dataclass

from drills.errors import did_you_mean
from drills.faults.changes import VERSION_SETTING
from drills.language.source import DataPath
from drills.language.templating import find_references
from drills.scenario.problem import Problem
from drills.world.settings import SettingSpec

Declared = Mapping[str, tuple[SettingSpec, ...]]
"""The settings each service reads, by service name."""


@dataclass(frozen=True)
class _Changes:
    """Settings one part of a scenario sets and unsets on one service, and where each is written."""

    service: str
    settings: tuple[DataPath, Mapping[Hashable, object]]
    unset: tuple[DataPath, object] | None = None
    version: DataPath | None = None


def check_settings(data: Mapping[Hashable, object], declared: Declared) -> list[Problem]:
    """Every setting ``data`` sets or unsets on a service that does not read it, or gives a value it does not take."""
    services = {**declared, **_extra_services(data, declared)}
    problems = []
    for changes in _changes(data):
        settings = services.get(changes.service)
        if settings is not None:  # an unknown service is the name check's to report
            problems += _check(changes, settings)
    return problems


def _mapping(value: object) -> Mapping[Hashable, object]:
    return value if isinstance(value, dict) else {}


def _extra_services(data: Mapping[Hashable, object], declared: Declared) -> dict[str, tuple[SettingSpec, ...]]:
    """A copy of a service reads what the service reads."""
    extra = _mapping(_mapping(data.get("world")).get("extra_services"))
    copies = {name: _mapping(service).get("copy_of") for name, service in extra.items()}
    return {str(name): declared[of] for name, of in copies.items() if isinstance(of, str) and of in declared}


def _changes(data: Mapping[Hashable, object]) -> Iterator[_Changes]:
    world = _mapping(data.get("world"))
    for service, settings in _mapping(world.get("settings")).items():
        yield _Changes(str(service), (("world", "settings", service), _mapping(settings)))
    for service, extra in _mapping(world.get("extra_services")).items():
        path = ("world", "extra_services", service, "settings")
        yield _Changes(str(service), (path, _mapping(_mapping(extra).get("settings"))))
    for section, kinds in (("faults", ("config", "deploy")), ("response", ("redeploy",))):
        items = data.get(section)
        for index, item in enumerate(items if isinstance(items, list) else []):
            part = _mapping(item)
            if part.get("kind") in kinds:
                yield _redeployed((section, index), part)


def _redeployed(path: DataPath, part: Mapping[Hashable, object]) -> _Changes:
    """A config or deploy fault, or a redeploy step: a deploy fault's service is the app unless it says."""
    service = part.get("service", "app" if part.get("kind") == "deploy" else None)
    return _Changes(
        str(service),
        ((*path, "settings"), _mapping(part.get("settings"))),
        ((*path, "unset"), part.get("unset")),
        (*path, "version") if part.get("version") is not None else None,
    )


def _check(changes: _Changes, settings: tuple[SettingSpec, ...]) -> list[Problem]:
    by_name = {setting.name: setting for setting in settings}
    service = changes.service
    path, values = changes.settings
    problems = []
    for key, value in values.items():
        setting = by_name.get(str(key))
        if setting is None:
            problems.append(_not_read((*path, key), service, str(key), settings))
        elif (written := _literal(value)) is not None and not setting.accepts(written):
            shown = key if setting.secret else f"{key}={written}"
            problems.append(Problem((*path, key), f"{service} cannot take {shown}: {key} is {setting.rule()}"))
    if changes.unset is not None:
        where, keys = changes.unset
        for index, key in enumerate(keys if isinstance(keys, list) else []):
            if isinstance(key, str) and key not in by_name:
                problems.append(_not_read((*where, index), service, key, settings))
    if changes.version is not None and VERSION_SETTING not in by_name:
        problems.append(_not_read(changes.version, service, VERSION_SETTING, settings, "which a version sets"))
    return problems


def _literal(value: object) -> str | None:
    """The value as the service would get it, when the scenario writes it out; None when a reference gives it (or
    it is no text at all, which the model reports)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    written = str(value)
    return None if find_references(written) else written


def _not_read(
    path: DataPath, service: str, key: str, settings: tuple[SettingSpec, ...], why: str | None = None
) -> Problem:
    names = [setting.name for setting in settings]
    guess = did_you_mean(key, names)
    reads = f"{service} reads {', '.join(names)}" if names else f"{service} reads no setting"
    message = f"{service} does not read {key}" + (f", {why}" if why else "")
    return Problem(path, message, f"{guess} {reads}" if guess else reads)
