"""A world's Postgres starts from a copy of a template cluster made once; each world still has its own password."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest

from drills.runtimes.local.drivers.postgres import connection_url
from drills.runtimes.local.drivers.postgres_template import templates_root
from drills.runtimes.local.runtime import LocalRuntime
from drills.runtimes.local.world import LocalWorld
from drills.world.protocol import WorldOptions
from drills.world.spec import WorldSpec
from drills.world.worlds import world_spec

POSTGRES_ONLY = world_spec().only("postgres")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty user cache: the first world makes the template."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def worlds(drillbit_home: Path) -> Iterator[list[LocalWorld]]:
    made: list[LocalWorld] = []
    yield made
    for world in made:
        world.teardown()


def up(spec: WorldSpec, worlds: list[LocalWorld]) -> LocalWorld:
    worlds.append(LocalRuntime().up(spec, WorldOptions()))
    return worlds[-1]


def accepts(world: LocalWorld, password: str, database: str = "drillbit") -> bool:
    endpoint = world.endpoints["postgres"]
    try:
        with psycopg.connect(connection_url(endpoint.host, endpoint.port, password, database), connect_timeout=5):
            return True
    except psycopg.OperationalError:
        return False


def test_the_first_world_makes_the_template_and_the_next_copies_it(cache: Path, worlds: list[LocalWorld]) -> None:
    first = up(POSTGRES_ONLY, worlds)
    made = sorted(path.name for path in templates_root().iterdir())
    second = up(POSTGRES_ONLY, worlds)

    assert templates_root().parent.parent == cache
    assert len(made) == 1
    assert made[0].startswith("cluster-")
    assert sorted(path.name for path in templates_root().iterdir()) == made
    assert (second.directory / "postgres" / "data" / "PG_VERSION").exists()
    assert [
        accepts(first, first.secrets["postgres_password"]),
        accepts(second, second.secrets["postgres_password"]),
    ] == [
        True,
        True,
    ]


def test_a_world_copied_from_the_template_refuses_every_password_but_its_own(
    cache: Path, worlds: list[LocalWorld]
) -> None:
    first = up(POSTGRES_ONLY, worlds)
    second = up(POSTGRES_ONLY, worlds)

    assert first.secrets["postgres_password"] != second.secrets["postgres_password"]
    assert accepts(second, first.secrets["postgres_password"]) is False
    assert accepts(second, second.secrets["postgres_password"]) is True


def test_other_databases_make_another_template_that_holds_them(cache: Path, worlds: list[LocalWorld]) -> None:
    up(POSTGRES_ONLY, worlds)
    postgres = POSTGRES_ONLY.service("postgres")
    with_scratch = replace(POSTGRES_ONLY, services=(replace(postgres, databases=("scratch",)),))
    world = up(with_scratch, worlds)

    assert len(list(templates_root().iterdir())) == 2
    assert accepts(world, world.secrets["postgres_password"], "scratch") is True


def test_a_template_left_half_written_is_never_copied(cache: Path, worlds: list[LocalWorld]) -> None:
    up(POSTGRES_ONLY, worlds)
    (made,) = templates_root().iterdir()
    made.rename(made.with_name(made.name + ".partial-0000"))
    world = up(POSTGRES_ONLY, worlds)

    assert sorted(path.name for path in templates_root().iterdir()) == sorted([made.name, made.name + ".partial-0000"])
    assert accepts(world, world.secrets["postgres_password"]) is True


def test_a_cache_that_cannot_be_written_costs_only_the_template(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, worlds: list[LocalWorld]
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    world = up(POSTGRES_ONLY, worlds)

    assert accepts(world, world.secrets["postgres_password"]) is True
    assert blocked.read_text() == "a file where the cache would be"
