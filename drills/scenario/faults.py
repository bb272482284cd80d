"""Faults as a scenario describes them: typed, reversible actions on the world, told apart by ``kind``.

Each kind says how it is undone: a toxic is removed and a proxy enabled again, a stopped process started, a
paused one resumed, a changed service redeployed with its original settings and version, a provider told to
run its revert action, a data change undone by its ``revert_sql`` (and held sessions closed), traffic stopped.
Injecting and reverting belong to another module; this one only describes.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Final, Literal, Self

from pydantic import Field, JsonValue, model_validator

from drills.scenario.fields import (
    SLUG,
    Duration,
    NonEmptyText,
    PositiveDuration,
    ServiceName,
    SettingName,
    Settings,
    Slug,
    SpecModel,
    Text,
    field_error,
    matching,
)
from drills.scenario.probes import HttpRequest

ToxicType = Literal["latency", "bandwidth", "slow_close", "timeout", "reset_peer", "slicer", "limit_data"]
# Toxiproxy's own attribute names and units (milliseconds, KB/s, bytes, microseconds for slicer's delay):
# a toxic acts on the wire in wall time, so its numbers are not scaled. The first ones listed are required.
TOXIC_ATTRIBUTES: Final[dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "latency": (("latency",), ("jitter",)),
    "bandwidth": (("rate",), ()),
    "slow_close": ((), ("delay",)),
    "timeout": ((), ("timeout",)),
    "reset_peer": ((), ("timeout",)),
    "slicer": (("average_size",), ("size_variation", "delay")),
    "limit_data": (("bytes",), ()),
}


class FaultBase(SpecModel):
    """What every fault has: an id, a delay after the fault phase starts, and how long it lasts.

    Without ``duration`` a fault stays until the drill ends (or a responder fixes what it broke); it is
    reverted at the end either way.
    """

    id: Slug
    after: Duration = timedelta()
    duration: PositiveDuration | None = None


class NetworkFault(FaultBase):
    """A toxic on one of toxiproxy's proxies, or the proxy taken down (``proxy_down: true``)."""

    kind: Literal["network"]
    proxy: ServiceName
    toxic: ToxicType | None = None
    attributes: dict[str, int] = Field(default_factory=dict)
    stream: Literal["upstream", "downstream"] = "downstream"
    toxicity: float = Field(default=1.0, ge=0, le=1)
    proxy_down: bool = False

    @model_validator(mode="after")
    def _toxic_or_down(self) -> Self:
        if self.proxy_down == (self.toxic is not None):
            raise ValueError("a network fault has a toxic, or proxy_down: true, one of the two")
        if self.proxy_down and self.given("attributes", "stream", "toxicity"):
            raise field_error("proxy_down", "attributes, stream and toxicity belong to a toxic, not to proxy_down")
        if self.toxic is not None:
            _check_attributes(self.toxic, self.attributes)
        return self


def _check_attributes(toxic: str, attributes: dict[str, int]) -> None:
    required, optional = TOXIC_ATTRIBUTES[toxic]
    unknown = sorted(set(attributes) - {*required, *optional})
    if unknown:
        allowed = ", ".join([*required, *optional]) or "none"
        raise field_error("attributes", f"a {toxic} toxic has no attribute {unknown[0]!r} (it has: {allowed})")
    missing = [name for name in required if name not in attributes]
    if missing:
        raise field_error("toxic", f"a {toxic} toxic needs attributes: {', '.join(missing)}")


class ProcessFault(FaultBase):
    """A service's process stopped, killed, paused or restarted."""

    kind: Literal["process"]
    service: ServiceName
    action: Literal["stop", "kill", "pause", "restart"]

    @property
    def revert_action(self) -> Literal["start", "resume"] | None:
        """What undoes the action: a restart needs nothing undone."""
        if self.action == "pause":
            return "resume"
        return None if self.action == "restart" else "start"


class _Redeploy(SpecModel):
    """Settings to set and settings to remove when a service is redeployed."""

    service: ServiceName
    settings: Settings = Field(default_factory=dict)
    unset: tuple[SettingName, ...] = ()

    @model_validator(mode="after")
    def _no_conflict(self) -> Self:
        both = sorted(set(self.settings) & set(self.unset))
        if both:
            raise field_error("unset", f"{both[0]} is both set and unset")
        return self


class ConfigFault(FaultBase, _Redeploy):
    """A service redeployed with changed or missing settings (a secret, a URL, a pool size)."""

    kind: Literal["config"]

    @model_validator(mode="after")
    def _changes_something(self) -> Self:
        if not self.settings and not self.unset:
            raise ValueError("a config fault changes settings or unsets some: give settings or unset")
        return self


class ProviderAction(SpecModel):
    """``POST /_control/<action>`` on a fake, with a JSON body."""

    action: Annotated[str, matching(SLUG, "a control action like rotate-client-secret")]
    body: dict[str, JsonValue] = Field(default_factory=dict)


class ProviderFault(FaultBase, ProviderAction):
    """A fake provider told, through its control API, to misbehave: rotate a secret, revoke, rate-limit, fail.

    ``revert`` is the control action that undoes it; by default ``reset`` (clear the provider's faults).
    """

    kind: Literal["provider"]
    service: ServiceName
    revert: ProviderAction = ProviderAction(action="reset")


class DataFault(FaultBase):
    """A change to the world's data: SQL on its database (undone by ``revert_sql``), or a Redis command
    (undone by ``revert_redis``).

    With ``hold_open`` each of ``sessions`` connections runs the SQL in a transaction it keeps open until the
    fault is reverted: a leak that holds the pool, or locks that block everyone else.
    """

    kind: Literal["data"]
    sql: NonEmptyText | None = None
    revert_sql: str | None = None
    database: str | None = None
    sessions: int = Field(default=1, ge=1, le=200)
    hold_open: bool = False
    redis: tuple[Text, ...] | None = Field(default=None, min_length=1)
    revert_redis: tuple[Text, ...] | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _sql_or_redis(self) -> Self:
        if (self.sql is None) == (self.redis is None):
            raise ValueError("a data fault runs sql or a redis command, one of the two")
        sql_only = self.given("revert_sql", "database", "sessions", "hold_open")
        if self.redis is not None and sql_only:
            raise field_error(sql_only[0], f"{sql_only[0]} goes with sql, not with a redis command")
        if self.sql is not None and self.revert_redis is not None:
            raise field_error("revert_redis", "revert_redis goes with a redis command, not with sql")
        return self


class DeployFault(FaultBase, _Redeploy):
    """A release of a service that misbehaves: another version, with changed or missing settings."""

    kind: Literal["deploy"]
    service: ServiceName = "app"
    version: NonEmptyText


class TrafficFault(FaultBase):
    """Requests sent at the world as a client or an attacker would: ``count`` of them, one every ``every``.

    The requests are used in turn, so a few variants (accounts, source addresses) cycle through the load.
    """

    kind: Literal["traffic"]
    requests: tuple[HttpRequest, ...] = Field(min_length=1)
    count: int = Field(ge=1)
    every: PositiveDuration


Fault = Annotated[
    NetworkFault | ProcessFault | ConfigFault | ProviderFault | DataFault | DeployFault | TrafficFault,
    Field(discriminator="kind"),
]
"""Any fault, told apart by its ``kind``."""
