"""``kind: redis``: one command on the world's Redis, and the reply it must give."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from drills.language.expect import RedisExpect
from drills.language.fields import Text
from drills.probes.registry import ProbeBase, ProbeKind, Reading, register
from drills.world.targets import Target, UrlTarget

if TYPE_CHECKING:
    from drills.probes.result import ProbeResult
    from drills.world.context import DrillContext


class RedisProbe(ProbeBase):
    """One Redis command, as its words: ``[GET, "fleet:health"]``."""

    kind: Literal["redis"]
    command: tuple[Text, ...] = Field(min_length=1)
    expect: RedisExpect = RedisExpect()


def read(probe: RedisProbe, reading: Reading) -> ProbeResult:
    from drills.probes.redis import read_redis  # redis-py loads on the first read, not when a scenario is validated

    return read_redis(probe.command, probe.expect, reading.context, reading.limits)


def aims(probe: RedisProbe, context: DrillContext) -> Sequence[Target]:
    """The world's Redis, the server the reader picks."""
    from drills.probes.redis import redis_url

    return (UrlTarget(redis_url(context)),)


register(ProbeKind("redis", RedisProbe, read, aims))
