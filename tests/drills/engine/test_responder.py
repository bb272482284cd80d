"""What the automated responder writes on the timeline about a step, read without running it."""

from __future__ import annotations

import shutil
from pathlib import Path

from drills.engine.responder import started_data
from drills.scenario.loader import load_scenario
from drills.scenario.steps import step_name

SCENARIOS = Path(__file__).parents[3] / "scenarios"


def test_started_data_of_a_runbook_step_names_its_runbook_block_and_line() -> None:
    scenario = load_scenario(SCENARIOS / "db-pool-exhausted.yaml")

    data = [started_data(scenario, step, step_name(step, index)) for index, step in enumerate(scenario.response)]

    assert data == [
        {"step": "step 1 (acknowledge)", "kind": "acknowledge"},
        {
            "step": "look at the database's sessions",
            "kind": "shell",
            "runbook": "runbooks/database.md#confirm",
            "block": 1,
            "line": 23,
        },
        {
            "step": "end the sessions idle in a transaction",
            "kind": "shell",
            "runbook": "runbooks/database.md#fix",
            "block": 1,
            "line": 37,
        },
        {"step": "raise the pool size", "kind": "shell", "runbook": "runbooks/database.md#fix", "block": 2, "line": 44},
    ]


def test_started_data_of_a_block_the_runbook_no_longer_has_leaves_out_the_line(tmp_path: Path) -> None:
    shutil.copyfile(SCENARIOS / "db-pool-exhausted.yaml", tmp_path / "db-pool-exhausted.yaml")
    shutil.copytree(SCENARIOS / "runbooks", tmp_path / "runbooks")
    scenario = load_scenario(tmp_path / "db-pool-exhausted.yaml")
    # Edited after the scenario was loaded: its Fix section lost its second block.
    (tmp_path / "runbooks" / "database.md").write_text("## db-pool-exhausted\n\n### Fix\n\n```sh\ntrue\n```\n")

    data = started_data(scenario, scenario.response[3], "raise the pool size")

    assert data == {"step": "raise the pool size", "kind": "shell", "runbook": "runbooks/database.md#fix", "block": 2}
