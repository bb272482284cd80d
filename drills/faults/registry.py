"""Fault kinds register themselves: each module of :mod:`drills.faults.kinds` holds a kind's model and injector.

    FAULTS.register(FaultKind("process", ProcessFault, inject, aims))   at the bottom of faults/kinds/process.py
    FAULTS.get("process")                                               the kind (every module of kinds/ imported)
    FAULTS.union()                                                      what a scenario validates a fault with

Adding a kind is one new module in ``kinds/``. Its injector returns an :class:`ActiveFault` that knows how to
take the fault out again. Its ``aims`` says what the rendered fault will contact or act on (a service, a URL, the
world's database), and :func:`drills.faults.inject` checks that with :mod:`drills.world.targets`, the rule probes
go through too, before the injector runs. A kind module imports its heavy client (httpx, psycopg, redis-py) in the
functions that use it, never at the top, so validating a scenario does not load what only injecting needs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from drills.faults.base import FaultBase
from drills.language.kinds import KindRegistry
from drills.world.targets import Target

if TYPE_CHECKING:
    from drills.faults.active import ActiveFault
    from drills.world.context import DrillContext


F = TypeVar("F", bound=FaultBase)


@dataclass(frozen=True)
class FaultKind(Generic[F]):
    """One kind of fault: its name in a scenario (``kind: process``), its model, how to put it in, and what it aims at.

    ``aims`` is given the fault rendered (every reference resolved) and answers everything ``inject`` will
    contact or act on; it contacts nothing itself.
    """

    name: str
    model: type[F]
    inject: Callable[[F, DrillContext], ActiveFault]
    aims: Callable[[F, DrillContext], Sequence[Target]]


FAULTS: KindRegistry[FaultKind[Any]] = KindRegistry("fault", "drills.faults.kinds")
"""Every fault kind."""
register = FAULTS.register
