"""Putting one fault into the world now: each kind to the module that knows how, every failure named alike."""

from __future__ import annotations

from drills.errors import DrillbitError, FaultError, TargetRefusedError
from drills.faults.active import ActiveFault
from drills.faults.base import FaultBase
from drills.faults.registry import FAULTS
from drills.language.templating import resolve_model
from drills.reports.redaction import Redactor
from drills.world.context import DrillContext
from drills.world.targets import check_all


def inject(fault: FaultBase, context: DrillContext) -> ActiveFault:
    """Injects ``fault`` at once (its ``after`` and ``duration`` are the caller's, see :mod:`drills.faults`).

    Raises :class:`TargetRefusedError` when it aims outside the world (its kind's ``aims``, checked by the rule
    probes go through too, before anything is done), :class:`FaultError` when it could not be put in; a fault
    that fails halfway takes out what it had already done before raising.
    """
    kind = FAULTS.kinds().get(fault.kind)
    if kind is None:
        raise FaultError(f"{_failed(fault)}: no fault kind {fault.kind!r}")
    try:
        # Rendered once, here at the edge: the fault goes in, and comes out, with the values of this moment.
        rendered = resolve_model(fault, context.values())
        check_all(kind.aims(rendered, context), context.world)
        # The world clock stands still while the fault goes in: that is the harness's work, not the incident's.
        with context.clock.hold():
            active = kind.inject(rendered, context)
    except TargetRefusedError:
        raise
    except DrillbitError as error:
        raise FaultError(f"{_failed(fault)}: {error.message}", hint=error.hint) from error
    except Exception as error:
        raise FaultError(f"{_failed(fault)}: {type(error).__name__}: {error}") from error
    return active.as_written(fault, Redactor(context.secrets().values()).text)


def _failed(fault: FaultBase) -> str:
    return f"injecting {fault.kind} fault {fault.id!r} failed"
