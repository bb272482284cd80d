"""A fault that is in the world now, and the one way it is taken out again.

Each kind of fault returns an :class:`Injected` (what it changed, how to name it, how to undo it); an
:class:`ActiveFault` wraps it so that every kind reverts alike: once, under a lock, with every failure turned
into a :class:`FaultError` that names the fault.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from drills.errors import DrillbitError, FaultError
from drills.faults.base import FaultBase


class Injected(Protocol):
    """What a kind of fault hands back once it is in: a description for the timeline and a way back."""

    def describe(self) -> str:
        """One line for the timeline; never a secret."""
        ...

    def undo(self) -> None:
        """Takes the fault out, fine if a responder already did; safe to call again after it failed."""
        ...


@dataclass(frozen=True)
class RevertOutcome:
    """How reverting one fault went: ``error`` says why when it did not."""

    fault_id: str
    ok: bool
    error: str | None = None


class ActiveFault:
    """A fault in the world: ``revert()`` takes it out; once that succeeded, reverting again does nothing."""

    def __init__(self, fault: FaultBase, injected: Injected, mask: Callable[[str], str] = str) -> None:
        self.fault = fault
        self._injected = injected
        self._mask = mask
        self._lock = threading.Lock()
        self._reverted = False

    @property
    def fault_id(self) -> str:
        return self.fault.id

    @property
    def reverted(self) -> bool:
        """Whether a revert succeeded; read without waiting for a revert in progress."""
        return self._reverted

    def describe(self) -> str:
        return self._mask(self._injected.describe())

    def as_written(self, fault: FaultBase, mask: Callable[[str], str]) -> ActiveFault:
        """The same fault in the world, known by the fault as the scenario wrote it (the injector was given it
        rendered), its description passed through ``mask`` so that no secret a reference resolved to shows."""
        return ActiveFault(fault, self._injected, mask)

    def revert(self) -> None:
        """Takes the fault out of the world; raises :class:`FaultError` when that failed (a retry may work)."""
        with self._lock:
            if not self._reverted:
                self._undo()
                self._reverted = True

    def try_revert(self) -> RevertOutcome | None:
        """Reverts unless that already succeeded (then None); a failure is in the outcome, not raised."""
        with self._lock:
            if self._reverted:
                return None
            try:
                self._undo()
            except FaultError as error:
                return RevertOutcome(self.fault_id, ok=False, error=str(error))
            self._reverted = True
            return RevertOutcome(self.fault_id, ok=True)

    def _undo(self) -> None:
        try:
            self._injected.undo()
        except DrillbitError as error:
            raise FaultError(f"reverting fault {self.fault_id!r} failed: {error.message}", hint=error.hint) from error
        except Exception as error:
            raise FaultError(f"reverting fault {self.fault_id!r} failed: {type(error).__name__}: {error}") from error

    def __repr__(self) -> str:
        state = "reverted" if self._reverted else "active"
        return f"<ActiveFault {self.fault_id} ({self.fault.kind}, {state})>"
