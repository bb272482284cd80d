"""A toxic as the API knows it: a name, a stream, a toxicity and the attributes of its type."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from fakes.toxiproxy.toxics.base import Toxic


class Direction(enum.Enum):
    """Which way data flows through a link: ``upstream`` is client to server, ``downstream`` the answer."""

    UPSTREAM = "upstream"
    DOWNSTREAM = "downstream"

    @classmethod
    def parse(cls, stream: str) -> Direction | None:
        """Toxiproxy reads a stream name without regard to case."""
        return next((direction for direction in cls if direction.value == stream.lower()), None)


@dataclass(frozen=True)
class NamedToxic:
    """One toxic of a proxy; ``stream`` is kept as the client spelled it, as toxiproxy echoes it back."""

    name: str
    type: str
    stream: str
    direction: Direction
    toxicity: float
    toxic: Toxic
