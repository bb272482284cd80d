"""The public names of drills.faults, pinned: anything else is private to its module."""

from __future__ import annotations

import drills.faults


def test_faults_exports_exactly_its_public_api() -> None:
    public = sorted(name for name in dir(drills.faults) if not name.startswith("_") and name != "annotations")
    assert (drills.faults.__all__, public) == (
        ["ActiveFault", "FaultSchedule", "FaultSet", "Injected", "RevertOutcome", "inject"],
        ["ActiveFault", "FaultSchedule", "FaultSet", "Injected", "RevertOutcome", "inject"],
    )
