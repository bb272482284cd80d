"""The probes and faults a scenario can name: the unions of every kind registered, built when this is imported.

For a type checker a probe is a :class:`ProbeBase` and a fault a :class:`FaultBase`; pydantic validates each
against the discriminated union of the registered kinds' models (:mod:`drills.probes.kinds`,
:mod:`drills.faults.kinds`), so a kind added there is one a scenario can use, with nothing listed here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from drills.faults.base import FaultBase
from drills.faults.registry import FAULTS
from drills.probes.registry import PROBES, ProbeBase

if TYPE_CHECKING:
    Probe: TypeAlias = ProbeBase
    Fault: TypeAlias = FaultBase
else:
    Probe = PROBES.union()
    Fault = FAULTS.union()

__all__ = ["Fault", "FaultBase", "Probe", "ProbeBase"]
