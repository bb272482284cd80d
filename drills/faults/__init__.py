"""Injecting faults into a world and taking them out again, safely: the entry point.

    inject(fault, context) -> ActiveFault      one fault, now; ActiveFault.revert() undoes it (idempotent)
    FaultSet                                   every fault of a drill; revert_all() newest first, never stops early
    FaultSchedule                              a scenario's faults on the drill's clock, for the runner

Timing: :func:`inject` acts at once and ignores a fault's ``after`` and ``duration``. A :class:`FaultSchedule`
honours them: started at the beginning of the fault phase, it injects each fault ``after`` later and reverts it
``duration`` after it went in, telling ``on_injected``, ``on_reverted`` and ``on_failed``. Whatever the
schedule did, the runner ends a drill (finished, failed, timed out, interrupted) with ``schedule.revert_all()``.

Safety: each kind declares what a fault will contact or act on (toxiproxy, a provider's control API, traffic's
URLs, the world's database or Redis, a service by name), and :func:`inject` checks it with
:mod:`drills.world.targets`, the rule every probe goes through too, before the fault is put in; anything outside
the world raises :class:`drills.errors.TargetRefusedError` before anything is sent. What runs later (a provider's
revert, each request of traffic) is checked again when it runs.

Each kind is one module of :mod:`drills.faults.kinds`, its model, its injector and its registration:
``network`` (toxics, a proxy down), ``process`` (stop, kill, pause, restart), ``config`` and ``deploy`` (which
share the redeploy of :mod:`drills.faults.changes`), ``provider``, ``data``, ``traffic``.
"""

from __future__ import annotations

from drills.faults.active import ActiveFault, Injected, RevertOutcome
from drills.faults.collection import FaultSet
from drills.faults.injection import inject
from drills.faults.schedule import FaultSchedule

__all__ = ["ActiveFault", "FaultSchedule", "FaultSet", "Injected", "RevertOutcome", "inject"]
