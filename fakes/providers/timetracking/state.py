"""The time-tracking provider's state: its OAuth server, the faults set on it, and the world's seed."""

from __future__ import annotations

import os
import random
from collections.abc import Mapping
from dataclasses import dataclass

from fakes.kit.clock import ScaledClock
from fakes.kit.settings import SettingError, clock_from, integer, number, text
from fakes.providers.credentials import Credential
from fakes.providers.faults import Faults
from fakes.providers.timetracking.oauth import OAuthServer

AUTHORIZE_PATH = "/oauth/authorize"
TOKEN_PATH = "/oauth/token"
TIMESHEETS_PATH = "/api/v1/timesheets"
API_PATHS = frozenset({AUTHORIZE_PATH, TOKEN_PATH, TIMESHEETS_PATH})


@dataclass
class TimetrackingState:
    """Everything the provider knows; ``view()`` is what ``/_control/state`` answers."""

    oauth: OAuthServer
    faults: Faults
    seed: int

    def view(self) -> dict[str, object]:
        return {**self.oauth.view(), "faults": self.faults.view()}


def timetracking_state(
    client_secret: str,
    clock: ScaledClock,
    seed: int = 0,
    client_id: str = "drillbit-app",
    access_ttl: float = 3600.0,
    refresh_ttl: float = 2_592_000.0,
) -> TimetrackingState:
    """A provider with one OAuth client and no accounts yet; lifetimes in scenario seconds."""
    rng = random.Random(seed)
    oauth = OAuthServer(client_id, Credential(client_secret), clock, rng, access_ttl, refresh_ttl)
    return TimetrackingState(oauth, Faults(clock, API_PATHS), seed)


def state_from_env(env: Mapping[str, str] = os.environ) -> TimetrackingState:
    """``TIMETRACKING_CLIENT_SECRET`` (required), the client id, the token lifetimes, the clock and the seed."""
    return timetracking_state(
        client_secret=text("TIMETRACKING_CLIENT_SECRET", env=env),
        clock=clock_from(env),
        seed=integer("DRILLBIT_SEED", 0, env),
        client_id=text("TIMETRACKING_CLIENT_ID", "drillbit-app", env),
        access_ttl=positive("ACCESS_TOKEN_TTL", 3600.0, env),
        refresh_ttl=positive("REFRESH_TOKEN_TTL", 2_592_000.0, env),
    )


def positive(name: str, default: float, env: Mapping[str, str]) -> float:
    value = number(name, default, env)
    if value <= 0:
        raise SettingError(f"{name} must be above 0, not {value}")
    return value
