"""Hints for a person playing a drill: the scenario's runbook entry, one section at a time, each for points.

The ladder is the entry's direct sub-sections in the runbook's order (for cron-secret-mismatch: How it is
noticed, Confirm, Fix, Verify). A card is its section's whole text, code blocks included, so the responder sees
the commands. An entry without sub-sections is one card: its own text. A card costs :data:`DEFAULT_HINT_COST`
points unless the scenario's ``hint_cost`` names its section (``hint_cost: {fix: 20}``);
:func:`drills.language.runbook.names_section` says which names count (the loader checks them with it). The runbook
is read when the ladder is built, so a play shows the runbook as it is now.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from rich.console import RenderableType
from rich.markdown import Markdown
from rich.panel import Panel
from rich.text import Text

from drills.errors import ScenarioError
from drills.language.files import read_text
from drills.language.runbook import Runbook, Section, hint_sections, names_section, parse_runbook
from drills.scenario.model import Scenario

__all__ = [
    "DEFAULT_HINT_COST",
    "HintCard",
    "hint_ladder",
    "hint_title",
    "render_hint",
]

DEFAULT_HINT_COST: Final = 10
_MINUS: Final = "\N{MINUS SIGN}"
_EMPTY: Final = "_This section of the runbook is empty._"


@dataclass(frozen=True)
class HintCard:
    """One hint: its place on the ladder (from 1), its section's title, the section as markdown, its cost."""

    number: int
    title: str
    text: str
    cost: int


def hint_ladder(scenario: Scenario) -> tuple[HintCard, ...]:
    """The scenario's hints, in the order a person takes them, read from its runbook now."""
    runbook, entry = _entry(scenario)
    return tuple(
        HintCard(number, section.title, runbook.text(section), _cost(scenario.hint_cost, section))
        for number, section in enumerate(hint_sections(runbook, entry), start=1)
    )


def hint_title(card: HintCard, total: int) -> str:
    """Its place on the ladder, its section and its cost: ``hint 2 of 4: Confirm (-10 points)``, with a minus sign."""
    return f"hint {card.number} of {total}: {card.title} ({_points(card.cost)})"


def render_hint(card: HintCard, total: int) -> RenderableType:
    """One card for a terminal: a panel titled with its place and cost, the section rendered as markdown."""
    return Panel(
        Markdown(card.text or _EMPTY),
        title=Text(hint_title(card, total)),
        title_align="left",
        border_style="yellow",
    )


def _cost(costs: Mapping[str, int], section: Section) -> int:
    return next((cost for name, cost in costs.items() if names_section(name, section)), DEFAULT_HINT_COST)


def _points(cost: int) -> str:
    if cost == 0:
        return "free"
    return f"{_MINUS}{cost} point" if cost == 1 else f"{_MINUS}{cost} points"


def _entry(scenario: Scenario) -> tuple[Runbook, Section]:
    reference = scenario.runbook
    path = reference.path
    if path is None:  # the model refuses this already: a scenario's runbook names its file
        raise ScenarioError(scenario.id, None, "runbook: names no file: write runbooks/NAME.md#anchor")
    runbook = parse_runbook(read_text(path))
    entry = runbook.section(reference.anchor)
    if entry is None:
        raise ScenarioError(
            str(path), None, f"has no section #{reference.anchor}", hint="`drillbit validate` checks it"
        )
    return runbook, entry
