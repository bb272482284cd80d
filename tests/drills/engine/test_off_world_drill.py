"""A drill whose scenario comes to aim outside its world ends on that error, with its reason and its report.

What `drillbit validate` cannot see: a host that only a reference gives (here a setting of the world's app
that points at a public status page). The world is one in memory; nothing is started and nothing is sent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from drills.engine.runner import DrillSettings, run_drill
from drills.scenario.loader import load_scenario
from drills.world.protocol import World, WorldOptions
from drills.world.spec import WorldSpec
from tests.drills.deploy.deploy_fake_world import FakeWorld

STATUS_PAGE = "https://status.example.com"
OUTSIDE = "a drill never touches anything outside its world"
SCENARIO = """\
id: status-page
title: The app's status page
severity: P3
description: A scenario whose monitor or step reads the app's status page setting.
runbook: runbooks/tiny.md#fix
steady_state: [{{kind: log, service: app, pattern: panic, expect: {{count: 0}}}}]
faults: [{{id: stop-app, kind: process, service: app, action: stop}}]
monitors:
  - name: status page down
    summary: The status page says the app is down
    probe: {monitor}
response:
  - kind: http
    name: tell the status page
    method: POST
    url: "{{settings.app.STATUS_URL}}/api/incidents"
recovery: {{hold: 1m}}
"""
FROM_SETTING = '{kind: http, url: "{settings.app.STATUS_URL}/health"}'
ON_LOGS = "{kind: log, service: app, pattern: stopped}"


@dataclass
class StatusWorld(FakeWorld):
    """A world in memory whose app has a setting pointing outside it; every fault's action is recorded."""

    directory: Path = Path("/nonexistent")
    actions: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.configured["app"]["STATUS_URL"] = STATUS_PAGE

    def stop(self, service: str) -> None:
        self.actions.append(f"stop {service}")


@dataclass
class InMemory:
    """A runtime that hands out one world in memory."""

    world: StatusWorld
    name: str = "memory"

    def up(self, spec: WorldSpec, options: WorldOptions) -> World:
        return self.world


def _drill(tmp_path: Path, monitor: str) -> tuple[StatusWorld, dict[str, object], tuple[str, ...]]:
    (tmp_path / "runbooks").mkdir()
    (tmp_path / "runbooks" / "tiny.md").write_text("## Fix\n\nStart the app.\n")
    (tmp_path / "world").mkdir()
    path = tmp_path / "status-page.yaml"
    path.write_text(SCENARIO.format(monitor=monitor))
    world = StatusWorld(logs=tmp_path / "logs", directory=tmp_path / "world")
    settings = DrillSettings(time_scale=600, report_dir=tmp_path / "reports")
    result = run_drill(load_scenario(path), settings, runtime=InMemory(world))
    report = json.loads(result.written.json.read_text())
    return world, report, result.score.reasons


def test_a_monitor_aimed_outside_the_world_ends_the_drill_before_any_fault(tmp_path: Path) -> None:
    world, report, reasons = _drill(tmp_path, FROM_SETTING)
    kinds = [event["kind"] for event in report["timeline"]]  # type: ignore[index]
    assert (reasons[0].splitlines()[0], "fault_injected" in kinds, world.actions) == (
        "the drill stopped on an error: TargetRefusedError: monitor 'status page down': "
        f"{STATUS_PAGE}/health is not a service of this world (status.example.com is not a loopback address); "
        f"{OUTSIDE}",
        False,
        [],
    )


def test_a_step_aimed_outside_the_world_fails_and_ends_the_drill(tmp_path: Path) -> None:
    world, _, reasons = _drill(tmp_path, ON_LOGS)
    refusal = (
        f"{STATUS_PAGE}/api/incidents is not a service of this world (status.example.com is not a loopback "
        f"address); {OUTSIDE}"
    )
    # The reasons after these two are the objectives the drill, stopped, never got to.
    assert ([reason.splitlines()[0] for reason in reasons[:2]], world.actions) == (
        [
            f"the drill stopped on an error: TargetRefusedError: response step 'tell the status page': {refusal}",
            "response step 'tell the status page' (`POST {settings.app.STATUS_URL}/api/incidents`) failed: "
            f"{refusal}",
        ],
        ["stop app"],
    )
