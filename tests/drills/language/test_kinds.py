"""Kind registries: every module of a family's package registers one kind, found without a list."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Literal

import pytest
from pydantic import TypeAdapter, ValidationError

from drills.faults import kinds as fault_kinds
from drills.faults.registry import FAULTS
from drills.language.fields import SpecModel
from drills.language.kinds import KindRegistry
from drills.probes import kinds as probe_kinds
from drills.probes.registry import PROBES

PACKAGE = "drill_kinds_under_test"
KNOCK = """
from dataclasses import dataclass
from typing import Literal

from drills.language.fields import SpecModel
from drill_kinds_under_test import REGISTRY


class Knock(SpecModel):
    kind: Literal["knock"]


@dataclass(frozen=True)
class KnockKind:
    name: str
    model: type


REGISTRY.register(KnockKind("knock", Knock))
"""


class Ping(SpecModel):
    kind: Literal["ping"]
    host: str


class Pong(SpecModel):
    kind: Literal["pong"]
    times: int = 1


@dataclass(frozen=True)
class _Kind:
    name: str
    model: type[SpecModel]


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An importable package of kinds with no module yet; its ``REGISTRY`` discovers what is put in it."""
    folder = tmp_path / PACKAGE
    folder.mkdir()
    (folder / "__init__.py").write_text(
        f"from drills.language.kinds import KindRegistry\nREGISTRY = KindRegistry('test', {PACKAGE!r})\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield folder
    for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
        del sys.modules[name]


def _registry_of(package: Path) -> KindRegistry[_Kind]:
    module: ModuleType = importlib.import_module(package.name)
    registry: KindRegistry[_Kind] = module.REGISTRY
    return registry


@pytest.mark.parametrize(("registry", "family"), [(PROBES, probe_kinds), (FAULTS, fault_kinds)])
def test_each_module_of_a_family_registers_the_kind_named_after_it(
    registry: KindRegistry[_Kind], family: ModuleType
) -> None:
    assert list(registry.kinds()) == sorted(info.name for info in pkgutil.iter_modules(family.__path__))


def test_a_module_dropped_into_the_package_is_found_with_no_list_to_edit(package: Path) -> None:
    (package / "knock.py").write_text(KNOCK)
    registry = _registry_of(package)
    assert list(registry.kinds()) == ["knock"]
    assert TypeAdapter(registry.union()).validate_python({"kind": "knock"}).kind == "knock"


def test_the_union_tells_kinds_apart_by_kind(package: Path) -> None:
    registry = _registry_of(package)
    registry.register(_Kind("ping", Ping))
    registry.register(_Kind("pong", Pong))
    adapter: TypeAdapter[Ping | Pong] = TypeAdapter(registry.union())
    pong, ping = (
        adapter.validate_python({"kind": "pong", "times": 3}),
        adapter.validate_python({"kind": "ping", "host": "a"}),
    )
    assert (pong, ping) == (Pong(kind="pong", times=3), Ping(kind="ping", host="a"))
    with pytest.raises(ValidationError, match="'ping', 'pong'"):
        adapter.validate_python({"kind": "pang"})


def test_a_name_registered_twice_is_refused_and_an_unknown_one_named(package: Path) -> None:
    registry = _registry_of(package)
    registry.register(_Kind("ping", Ping))
    registry.register(_Kind("ping", Ping))  # the same kind again (a module imported twice) is fine
    with pytest.raises(ValueError, match="test kind 'ping' is registered twice"):
        registry.register(_Kind("ping", Pong))
    with pytest.raises(KeyError, match="no test kind 'pang'; the kinds are: ping"):
        registry.get("pang")


def test_a_kind_taken_out_is_gone(package: Path) -> None:
    registry = _registry_of(package)
    registry.register(_Kind("ping", Ping))
    registry.unregister("ping")
    assert registry.kinds() == {}
