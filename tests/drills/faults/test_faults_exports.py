"""The public names of drills.faults, pinned: anything else is private to its module."""

from __future__ import annotations

import types

import drills.faults


def test_faults_exports_exactly_its_public_api() -> None:
    # pytest's assertion rewriting adds "@py_..." names to the modules of a distribution with a pytest plugin.
    names = (name for name in dir(drills.faults) if not name.startswith(("_", "@")))
    # The package's own modules are its rooms, not its exports.
    names = (name for name in names if not isinstance(getattr(drills.faults, name), types.ModuleType))
    public = sorted(name for name in names if name != "annotations")
    assert (drills.faults.__all__, public) == (
        ["ActiveFault", "FaultSchedule", "FaultSet", "Injected", "RevertOutcome", "inject"],
        ["ActiveFault", "FaultSchedule", "FaultSet", "Injected", "RevertOutcome", "inject"],
    )
