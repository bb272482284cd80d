"""Probe kinds register themselves: each module of :mod:`drills.probes.kinds` holds a kind's model and reader.

    PROBES.register(ProbeKind("tcp", TcpProbe, read_tcp, aims))   at the bottom of drills/probes/kinds/tcp.py
    PROBES.get("tcp")                                             the kind (every module of kinds/ imported first)
    PROBES.union()                                                what a scenario validates a probe with

Adding a kind is one new module in ``kinds/``: nothing else lists the kinds. A kind says what a rendered probe
will contact (``aims``: its URL, its host and port, the world's database), and the evaluator checks that with
:mod:`drills.world.targets` before the reader runs; a kind that contacts nothing itself says so with
:func:`aims_at_nothing`. A kind module keeps its heavy client (httpx, psycopg, redis) out of its import, so
validating a scenario does not load what only reading needs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from drills.language.fields import SpecModel
from drills.language.kinds import KindRegistry
from drills.world.targets import Target

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
    """One kind of probe: its name in a scenario (``kind: tcp``), its model, how to read it, and what it aims at.

    ``aims`` is given the probe rendered (every reference resolved) and answers everything ``read`` will
    contact; it contacts nothing itself.
    """

    name: str
    model: type[P]
    read: Callable[[P, Reading], ProbeResult]
    aims: Callable[[P, DrillContext], Sequence[Target]]


def aims_at_nothing(probe: ProbeBase, context: DrillContext) -> Sequence[Target]:
    """What a kind that opens no connection of its own aims at: a log read, a program run (see drills.world.env)."""
    return ()


PROBES: KindRegistry[ProbeKind[Any]] = KindRegistry("probe", "drills.probes.kinds")
"""Every probe kind."""
register = PROBES.register
