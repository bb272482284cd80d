"""Every scenario in scenarios/ recovers under the automated responder, on a real world, with every invariant held,
every fault reverted and every process gone.

This is what CI proves on every change: the runbooks' fixes still restore service.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from drills.engine.responder import AutoResponder
from drills.engine.runner import Drill, DrillSettings
from drills.runtimes.local.runtime import LocalRuntime
from drills.scenario.loader import load_all
from drills.scenario.model import Scenario
from drills.timeline import EventKind

pytestmark = pytest.mark.world

SCENARIOS = Path(__file__).parents[3] / "scenarios"


@pytest.mark.parametrize("scenario", load_all(SCENARIOS), ids=lambda scenario: scenario.id)
def test_scenario_recovers_under_the_automated_responder(
    scenario: Scenario, drillbit_home: Path, tmp_path: Path
) -> None:
    result = Drill(scenario, DrillSettings(report_dir=tmp_path), LocalRuntime()).run(AutoResponder)
    kinds = [event.kind for event in result.record.timeline]
    reverts = [event.data for event in result.record.timeline if event.kind is EventKind.FAULT_REVERTED]
    # Objectives are timings, which a shared machine cannot promise: bench/drill_times.py and `drillbit ci` judge them.
    assert result.score.outcome == "recovered"
    assert [invariant.held for invariant in result.score.invariants] == [True] * len(scenario.invariants)
    assert sorted(str(revert["fault"]) for revert in reverts) == sorted(fault.id for fault in scenario.faults)
    assert all(revert["ok"] is True for revert in reverts)
    # Detected after the fault began to go in (a redeploy's symptom can show before it is done), then recovered.
    metrics = result.score.metrics
    assert (metrics.time_to_detect_s is None, metrics.time_to_recover_s is None) == (False, False)
    assert kinds.index(EventKind.FAULT_INJECTED) < kinds.index(EventKind.RECOVERED)
    reports = result.written
    assert [path.exists() for path in (reports.json, reports.markdown, reports.junit)] == [True, True, True]
    assert list((drillbit_home / "worlds").iterdir()) == []
