"""A pass proves the runbook: with a responder that only takes the page, no shipped scenario recovers.

If one did, its runbook's fix would not be needed, and CI's green would prove nothing about it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import JsonValue

from drills.engine.responder import AutoResponder
from drills.engine.runner import Drill, DrillSettings
from drills.engine.watch import Watch
from drills.runtimes.local.runtime import LocalRuntime
from drills.scenario.loader import load_all
from drills.scenario.model import Scenario
from drills.timeline import EventKind, TimelineRecorder
from drills.world.context import DrillContext

pytestmark = pytest.mark.world

SCENARIOS = Path(__file__).parents[3] / "scenarios"
PAGE_WAIT_SCENARIO_SECONDS = 2 * 3600.0


class AcknowledgeOnly:
    """Takes the first page, as the automated responder would, and then does nothing at all."""

    watches_recovery = False

    def __init__(self, scenario: Scenario, context: DrillContext, recorder: TimelineRecorder, watch: Watch) -> None:
        self.context = context
        self.recorder = recorder
        self.watch = watch

    def respond(self) -> bool:
        if not self.watch.wait_fired(None, self.context.wall_seconds(PAGE_WAIT_SCENARIO_SECONDS)):
            return False
        monitors: list[JsonValue] = list(self.watch.firing_monitors())
        data: dict[str, JsonValue] = {"monitor": monitors[0], "monitors": monitors}
        self.recorder.record(EventKind.ACKNOWLEDGED, "responder:acknowledge-only", "acknowledged", data)
        return True


@pytest.mark.parametrize("scenario", load_all(SCENARIOS), ids=lambda scenario: scenario.id)
def test_scenario_does_not_recover_when_the_responder_only_acknowledges(
    scenario: Scenario, drillbit_home: Path, tmp_path: Path
) -> None:
    result = Drill(scenario, DrillSettings(report_dir=tmp_path), LocalRuntime()).run(AcknowledgeOnly)
    kinds = [event.kind for event in result.record.timeline]
    # Paged and acknowledged, so the fault bit; then nothing recovered it, and the verdict says what was not done.
    assert (EventKind.MONITOR_FIRED in kinds, EventKind.ACKNOWLEDGED in kinds) == (True, True)
    assert result.score.outcome == "not_recovered"
    assert [step.status for step in result.score.steps] == ["not_run"] * len(scenario.response)
    assert any(reason.startswith("response steps never carried out: ") for reason in result.score.reasons)
    assert list((drillbit_home / "worlds").iterdir()) == []


def test_a_failed_response_step_fails_a_drill_that_recovered(drillbit_home: Path, tmp_path: Path) -> None:
    """db-pool-exhausted recovers once the idle session is ended; a failing pool-size step still fails the drill."""
    (scenario,) = [s for s in load_all(SCENARIOS) if s.id == "db-pool-exhausted"]
    last = scenario.response[-1]
    broken = last.model_copy(update={"runbook": None, "shell": "drillbit world set app NO_SUCH=1 && no-such-tool"})
    scenario = scenario.model_copy(update={"response": (*scenario.response[:-1], broken)})
    result = Drill(scenario, DrillSettings(report_dir=tmp_path), LocalRuntime()).run(AutoResponder)
    failed = [step for step in result.score.steps if step.status == "failed"]
    assert [(step.name, step.command) for step in failed] == [
        ("raise the pool size", "drillbit world set app NO_SUCH=1 && no-such-tool")
    ]
    assert result.score.passed is False
    assert any(r.startswith("response step 'raise the pool size' (`drillbit world set") for r in result.score.reasons)
    junit = result.written.junit.read_text(encoding="utf-8")
    assert "response step &apos;raise the pool size&apos;" in junit or "response step 'raise the pool size'" in junit
