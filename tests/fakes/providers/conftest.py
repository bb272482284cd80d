"""Fixtures for the providers' tests: a provider started as a real process (the clock is in tests/fakes)."""

from __future__ import annotations

import pytest

from tests.fakes.fake_processes import RunFake, running


@pytest.fixture
def run_fake() -> RunFake:
    return running
