"""The docker runtime's tests that need an engine skip, each with the reason, when none answers."""

from __future__ import annotations

import functools

import pytest

from drills.runtimes.docker.engine import engine_answers


@functools.cache
def _no_engine() -> str | None:
    return engine_answers()


@pytest.fixture(scope="session")
def docker_engine() -> None:
    """Skips the test when no Docker engine answers, saying why (``pytest -rs`` shows it)."""
    reason = _no_engine()
    if reason is not None:
        pytest.skip(reason)
