"""Probe kinds register themselves: each module of :mod:`drills.probes.kinds` holds a kind's model and reader.

    PROBES.register(ProbeKind("tcp", TcpProbe, read_tcp))   at the bottom of drills/probes/kinds/tcp.py
    PROBES.get("tcp")                                       the kind (every module of kinds/ imported first)
    PROBES.union()                                          what a scenario validates a probe with

Adding a kind is one new module in ``kinds/``: nothing else lists the kinds. A kind module keeps its heavy client
(httpx, psycopg, redis) out of its import, so validating a scenario does not load what only reading needs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from drills.language.fields import SpecModel
from drills.language.kinds import KindRegistry

if TYPE_CHECKING:
    from drills.probes.history import MetricHistory
    from drills.probes.result import ProbeLimits, ProbeResult
    from drills.world.context import DrillContext


class ProbeBase(SpecModel):
    """What every probe has: its ``kind`` and an optional name for the timeline."""

    kind: str
    name: str | None = None


P = TypeVar("P", bound=ProbeBase)


@dataclass(frozen=True)
class Reading:
    """What a reader is given besides its probe: the drill, the bounds on one read, and earlier reads."""

    context: DrillContext
    limits: ProbeLimits
    history: MetricHistory


@dataclass(frozen=True)
class ProbeKind(Generic[P]):
    """One kind of probe: its name in a scenario (``kind: tcp``), its model, and how to read it."""

    name: str
    model: type[P]
    read: Callable[[P, Reading], ProbeResult]


PROBES: KindRegistry[ProbeKind[Any]] = KindRegistry("probe", "drills.probes.kinds")
"""Every probe kind."""
register = PROBES.register
