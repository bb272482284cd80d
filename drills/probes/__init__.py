"""Evaluating probes against a live world: one small reader per kind, and waiting until a probe holds.

A probe that cannot read (connection refused, a timeout, an SQL error) does not hold, and says why in its
detail; only a mistake in the scenario or the drill (an unresolved reference, a URL that is not one) raises.
A probe aimed outside the world is such a mistake: once rendered, what it will contact (its kind's ``aims``) is
checked by :mod:`drills.world.targets`, and anything that is not the world's raises
:class:`~drills.errors.TargetRefusedError` before a byte is sent or a name looked up. Every read is bounded by
:class:`ProbeLimits`. A rate needs the probe's earlier reads: evaluate it again and
again through one :class:`Evaluator`. Each kind is a module of :mod:`drills.probes.kinds` (see
:mod:`drills.probes.registry`).
"""

from __future__ import annotations

import math
from typing import Any

from drills.clock import sleep_until
from drills.errors import ProbeError, TargetRefusedError
from drills.language.templating import resolve_model
from drills.probes.history import MetricHistory
from drills.probes.registry import PROBES, ProbeBase, ProbeKind, Reading
from drills.probes.result import DEFAULT_LIMITS, ProbeLimits, ProbeResult
from drills.world.context import DrillContext
from drills.world.targets import check_all

__all__ = ["Evaluator", "MetricHistory", "ProbeLimits", "ProbeResult", "check_aim", "evaluate", "wait_until"]


class Evaluator:
    """Evaluates probes within ``limits``, keeping what a rate needs from one read of a probe to the next.

    A read that times the incident (a monitor's, a recovery check's, a wait's) holds the world clock still while
    it reads: reading is the harness's work, not the incident's (drills.world_clock). One that times nothing (an
    invariant's) lets the world run on: ``holds_clock=False``.
    """

    def __init__(
        self, limits: ProbeLimits = DEFAULT_LIMITS, history: MetricHistory | None = None, *, holds_clock: bool = True
    ) -> None:
        self.limits = limits
        self.history = history if history is not None else MetricHistory()
        self.holds_clock = holds_clock

    def evaluate(self, probe: ProbeBase, context: DrillContext) -> ProbeResult:
        """One read of ``probe``; raises :class:`TargetRefusedError`, having sent nothing, when it aims off-world."""
        kind, rendered = _aimed(probe, context)
        reading = Reading(context, self.limits, self.history)
        if not self.holds_clock:
            return kind.read(rendered, reading)
        with context.clock.hold():
            return kind.read(rendered, reading)


def check_aim(probe: ProbeBase, context: DrillContext) -> None:
    """Refuses ``probe``, rendered with the values of now, if it aims outside the world; reads nothing."""
    _aimed(probe, context)


def _aimed(probe: ProbeBase, context: DrillContext) -> tuple[ProbeKind[Any], ProbeBase]:
    """``probe`` rendered, and its kind, once what it will contact is checked."""
    kind = PROBES.kinds().get(probe.kind)
    if kind is None:
        raise ProbeError(f"no way to evaluate a probe of kind {probe.kind!r}")
    # Rendered once, here at the edge: the reader gets every reference already resolved, and what is checked is
    # exactly what the reader will contact.
    rendered = resolve_model(probe, context.values())
    try:
        check_all(kind.aims(rendered, context), context.world)
    except TargetRefusedError as refused:
        if probe.name is None:
            raise
        raise TargetRefusedError(f"probe {probe.name!r}: {refused.message}", hint=refused.hint) from None
    return kind, rendered


def evaluate(probe: ProbeBase, context: DrillContext, *, limits: ProbeLimits = DEFAULT_LIMITS) -> ProbeResult:
    """One evaluation of ``probe``, on its own (a rate needs an :class:`Evaluator` kept between reads)."""
    return Evaluator(limits).evaluate(probe, context)


def wait_until(
    probe: ProbeBase,
    context: DrillContext,
    timeout_s: float,
    interval_s: float,
    *,
    evaluator: Evaluator | None = None,
) -> ProbeResult:
    """Evaluates ``probe`` on fixed ticks of the drill's clock until it holds or ``timeout_s`` passes.

    Ticks are ``interval_s`` apart from the first evaluation, whatever an evaluation takes (one that runs past
    a tick waits for the next). Returns the first result that held, or else the last one.
    """
    if interval_s <= 0:
        raise ProbeError(f"a wait needs an interval above 0s, not {interval_s:g}s")
    evaluator = evaluator or Evaluator()
    clock = context.clock
    start = clock.monotonic()
    while True:
        result = evaluator.evaluate(probe, context)
        if result.held:
            return result
        elapsed = clock.monotonic() - start
        next_tick = (math.floor(elapsed / interval_s) + 1) * interval_s
        if next_tick > timeout_s:
            return result
        sleep_until(clock, start + next_tick)
