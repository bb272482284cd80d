"""Fixtures shared by every test: real Postgres and Redis servers, started once per test session."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import psycopg
import pytest

from drills.runtimes.local.runtime import LocalRuntime
from drills.runtimes.local.world import LocalWorld
from drills.world.protocol import WorldOptions
from drills.world.worlds import world_spec

_database_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def data_world() -> Iterator[LocalWorld]:
    """A world of just the two real servers, Postgres and Redis."""
    world = LocalRuntime().up(world_spec().only("postgres", "redis"), WorldOptions())
    yield world
    world.teardown()


@pytest.fixture(scope="session")
def make_database(data_world: LocalWorld) -> Callable[[], str]:
    """Creates a fresh, empty database on the real server and returns its URL."""
    server_url = data_world.endpoints["postgres"].url

    def create() -> str:
        name = f"test_{next(_database_numbers)}"
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return server_url.rsplit("/", 1)[0] + f"/{name}"

    return create


@pytest.fixture(scope="session")
def postgres_url(make_database: Callable[[], str]) -> str:
    """A fresh database on a real Postgres server, for the whole session."""
    return make_database()


@pytest.fixture(scope="session")
def redis_url(data_world: LocalWorld) -> str:
    """A real redis-server, for the whole session (tests flush what they use)."""
    return data_world.endpoints["redis"].url
