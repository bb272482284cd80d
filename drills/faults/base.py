"""What every fault has, whatever its kind: its kind, an id, when it goes in and how long it stays."""

from __future__ import annotations

from datetime import timedelta

from drills.language.fields import Duration, PositiveDuration, Slug, SpecModel


class FaultBase(SpecModel):
    """What every fault has: its ``kind``, an id, a delay after the fault phase starts, and how long it lasts.

    Without ``duration`` a fault stays until the drill ends (or a responder fixes what it broke); it is
    reverted at the end either way.
    """

    kind: str
    id: Slug
    after: Duration = timedelta()
    duration: PositiveDuration | None = None
