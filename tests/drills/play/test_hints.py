from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from drills.errors import ScenarioError
from drills.play.hints import HintCard, hint_ladder, hint_title, render_hint
from drills.scenario.loader import find_scenario, load_scenario
from drills.scenario.model import Scenario

SCENARIOS = Path(__file__).parents[3] / "scenarios"

SCENARIO = """\
id: tiny
title: Tiny
severity: P4
description: A scenario whose runbook is written by each test.
runbook: runbooks/tiny.md#{anchor}
steady_state: [{{kind: tcp, host: "{{app.host}}", port: "{{app.port}}"}}]
faults: [{{id: stop-app, kind: process, service: app, action: stop}}]
monitors: [{{name: down, summary: App down, fires_when: fails, probe: {{kind: tcp, host: localhost, port: 1}}}}]
response: []
recovery: {{hold: 1m}}
"""

TWO_ENTRIES = """\
# Tiny runbook

## first
### How it is noticed
Alerts.
### Fix
Restart it.

## tiny-down
The app stopped: this line names the cause.

### How it is noticed
The `down` monitor pages.

### Fix
Start the app again:

```sh
drillbit world start app
```

#### If it does not start
Read its log.
"""


def _scenario(tmp_path: Path, runbook: str, anchor: str = "tiny-down", extra: str = "") -> Path:
    (tmp_path / "runbooks").mkdir(exist_ok=True)
    (tmp_path / "runbooks" / "tiny.md").write_text(runbook)
    path = tmp_path / "tiny.yaml"
    path.write_text(SCENARIO.format(anchor=anchor) + extra)
    return path


def _load(tmp_path: Path, runbook: str, anchor: str = "tiny-down", extra: str = "") -> Scenario:
    return load_scenario(_scenario(tmp_path, runbook, anchor, extra))


@pytest.mark.parametrize(
    "scenario_id", ["cron-secret-mismatch", "db-pool-exhausted", "messaging-rate-limited", "oauth-refresh-failing"]
)
def test_hint_ladder_of_each_shipped_scenario_walks_its_entry_and_charges_more_for_the_fix(scenario_id: str) -> None:
    cards = hint_ladder(find_scenario(SCENARIOS, scenario_id))

    assert [(card.number, card.title, card.cost) for card in cards] == [
        (1, "How it is noticed", 10),
        (2, "Confirm", 10),
        (3, "Fix", 20),
        (4, "Verify", 10),
    ]


def test_hint_ladder_shows_the_runbooks_commands() -> None:
    confirm = hint_ladder(find_scenario(SCENARIOS, "cron-secret-mismatch"))[1]

    assert confirm == HintCard(
        number=2,
        title="Confirm",
        text="```sh\ncurl -fsS \"$SCHEDULER_URL/_control/state\" | jq '.ticks[-1]'\n```",
        cost=10,
    )


def test_hint_ladder_never_shows_the_entrys_own_text_above_its_sections(tmp_path: Path) -> None:
    cards = hint_ladder(_load(tmp_path, TWO_ENTRIES))

    assert cards == (
        HintCard(1, "How it is noticed", "The `down` monitor pages.", 10),
        HintCard(
            2,
            "Fix",
            "Start the app again:\n\n```sh\ndrillbit world start app\n```\n\n"
            "#### If it does not start\n\nRead its log.",
            10,
        ),
    )


def test_hint_ladder_of_an_entry_without_sub_sections_is_one_card_of_its_own_text(tmp_path: Path) -> None:
    runbook = "## tiny-down\n\nStart the app:\n\n```sh\nstart app\n```\n\n## next\nNot this.\n"

    assert hint_ladder(_load(tmp_path, runbook)) == (
        HintCard(1, "tiny-down", "Start the app:\n\n```sh\nstart app\n```", 10),
    )


def test_hint_ladder_charges_what_hint_cost_says_by_title_or_anchor_in_any_case(tmp_path: Path) -> None:
    scenario = _load(tmp_path, TWO_ENTRIES, extra="hint_cost: {FIX: 25, how-it-is-noticed: 0}\n")

    assert [(card.title, card.cost) for card in hint_ladder(scenario)] == [("How it is noticed", 0), ("Fix", 25)]


def test_hint_ladder_names_the_single_card_of_an_entry_by_the_entrys_anchor(tmp_path: Path) -> None:
    scenario = _load(tmp_path, "## tiny-down\nStart it.\n", extra="hint_cost: {tiny-down: 40}\n")

    assert hint_ladder(scenario) == (HintCard(1, "tiny-down", "Start it.", 40),)


def test_hint_ladder_reads_the_runbook_as_it_is_now(tmp_path: Path) -> None:
    scenario = _load(tmp_path, TWO_ENTRIES)
    (tmp_path / "runbooks" / "tiny.md").write_text("## tiny-down\n### Fix\nRewritten.\n")

    assert hint_ladder(scenario) == (HintCard(1, "Fix", "Rewritten.", 10),)


def test_hint_ladder_names_a_runbook_that_lost_the_entry(tmp_path: Path) -> None:
    scenario = _load(tmp_path, TWO_ENTRIES)
    runbook = tmp_path / "runbooks" / "tiny.md"
    runbook.write_text("## something-else\n")

    with pytest.raises(ScenarioError) as raised:
        hint_ladder(scenario)

    assert str(raised.value) == f"{runbook}: has no section #tiny-down\nHint: `drillbit validate` checks it"


def test_hint_ladder_names_a_runbook_that_is_gone(tmp_path: Path) -> None:
    scenario = _load(tmp_path, TWO_ENTRIES)
    runbook = tmp_path / "runbooks" / "tiny.md"
    runbook.unlink()

    with pytest.raises(ScenarioError) as raised:
        hint_ladder(scenario)

    assert str(raised.value) == f"{runbook}: cannot be read: No such file or directory"


def test_load_scenario_refuses_a_hint_cost_for_a_section_the_entry_does_not_have(tmp_path: Path) -> None:
    path = _scenario(tmp_path, TWO_ENTRIES, extra="hint_cost:\n  fix: 20\n  verify: 5\n")

    with pytest.raises(ScenarioError) as raised:
        load_scenario(path)

    assert str(raised.value) == (
        f"{path}:13: hint_cost.verify: #tiny-down has no hint named 'verify'\n"
        "Hint: its hints are: How it is noticed, Fix"
    )


def test_load_scenario_refuses_a_sub_section_of_a_hint_as_a_hint(tmp_path: Path) -> None:
    path = _scenario(tmp_path, TWO_ENTRIES, extra="hint_cost: {if it does not start: 5}\n")

    with pytest.raises(ScenarioError, match="has no hint named 'if it does not start'"):
        load_scenario(path)


def test_load_scenario_refuses_two_hint_costs_for_one_hint(tmp_path: Path) -> None:
    path = _scenario(tmp_path, TWO_ENTRIES, extra="hint_cost:\n  Fix: 20\n  fix-1: 30\n")

    with pytest.raises(ScenarioError) as raised:
        load_scenario(path)

    assert str(raised.value) == (
        f"{path}:13: hint_cost.fix-1: 'fix-1' and 'Fix' both name the hint 'Fix'\nHint: keep one of them"
    )


@pytest.mark.parametrize(
    ("cost", "message"),
    [
        ("-5", "hint_cost.fix: input should be greater than or equal to 0, not -5"),
        ("101", "hint_cost.fix: input should be less than or equal to 100, not 101"),
        ("'20'", "hint_cost.fix: input should be a valid integer, not '20'"),
        ("true", "hint_cost.fix: input should be a valid integer, not True"),
    ],
)
def test_load_scenario_refuses_a_hint_cost_that_is_not_0_to_100_points(tmp_path: Path, cost: str, message: str) -> None:
    path = _scenario(tmp_path, TWO_ENTRIES, extra=f"hint_cost: {{fix: {cost}}}\n")

    with pytest.raises(ScenarioError) as raised:
        load_scenario(path)

    assert str(raised.value) == f"{path}:11: {message}"


@pytest.mark.parametrize(
    ("cost", "title"),
    [(10, "hint 2 of 4: Confirm (\N{MINUS SIGN}10 points)"), (1, "hint 2 of 4: Confirm (\N{MINUS SIGN}1 point)")],
)
def test_hint_title_says_where_the_card_is_and_what_it_costs(cost: int, title: str) -> None:
    assert hint_title(HintCard(2, "Confirm", "", cost), 4) == title


def test_hint_title_of_a_free_hint() -> None:
    assert hint_title(HintCard(1, "Verify", "", 0), 1) == "hint 1 of 1: Verify (free)"


def _rendered(card: HintCard, total: int) -> list[str]:
    console = Console(width=60, record=True, color_system=None)
    console.print(render_hint(card, total))
    return [line.rstrip() for line in console.export_text().splitlines()]


def test_render_hint_is_a_panel_titled_with_the_card_and_its_markdown_inside() -> None:
    card = HintCard(2, "Confirm [sh]", 'Run:\n\n```sh\ncurl -fsS "$SCHEDULER_URL/_control/state"\n```', 10)

    lines = _rendered(card, 4)

    assert (lines[0].startswith("╭─ hint 2 of 4: Confirm [sh] (\N{MINUS SIGN}10 points) ─"), lines[1:-1]) == (
        True,
        [
            "│ Run:                                                     │",
            "│                                                          │",
            "│                                                          │",
            '│  curl -fsS "$SCHEDULER_URL/_control/state"               │',
            "│                                                          │",
        ],
    )


def test_render_hint_of_an_empty_section_says_so() -> None:
    assert "This section of the runbook is empty." in _rendered(HintCard(1, "Verify", "", 10), 1)[1]
