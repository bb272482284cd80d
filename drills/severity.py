"""Severities and what a team's severities promise: response targets, default objectives, escalation, points.

The shipped policy is :data:`DEFAULT_POLICY`. A team writes its own in a YAML file (``drillbit run --policy
FILE``), every duration in scenario time::

    severities:
      P1: {detect: 5m, acknowledge: 15m, recover: 1h, escalate: {L2: 30m, L3: 1h}}
      P2: {detect: 15m, acknowledge: 1h, recover: 4h, escalate: {L2: 30m}}
      P3: {detect: 1h, acknowledge: 4h, recover: 24h}
      P4: {detect: 4h, acknowledge: 24h, recover: 72h}
    points: {full: 100, objective_missed: 20, invariant_not_held: 20, escalation_missed: 10}

A drill's record keeps the policy it was scored by, so a report renders the same wherever it is read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Final

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, NonNegativeInt, PositiveFloat, ValidationError

from drills.durations import parse_duration
from drills.errors import InputError


class Severity(StrEnum):
    """Incident severity, P1 the most urgent."""

    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"


ESCALATION_LEVEL: Final = re.compile(r"L[1-4]")


def _seconds(value: object) -> object:
    """A duration as a policy file writes it (``15m``), or seconds as report.json saves them."""
    return parse_duration(value).total_seconds() if isinstance(value, str) else value


Seconds = Annotated[PositiveFloat, BeforeValidator(_seconds)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SeverityTargets(_Frozen):
    """One severity's promises, in scenario seconds: the default objectives and the escalation deadlines."""

    detect: Seconds
    acknowledge: Seconds
    """The response target: how soon someone must have taken the page."""
    recover: Seconds
    escalate: dict[Annotated[str, Field(pattern=ESCALATION_LEVEL.pattern)], Seconds] = Field(default_factory=dict)
    """Not recovered this long after the fault, the incident must have reached this level (L2, L3...)."""


class PointsRule(_Frozen):
    """How many points a drill starts with, and what each miss costs."""

    full: NonNegativeInt = 100
    objective_missed: NonNegativeInt = 20
    invariant_not_held: NonNegativeInt = 20
    escalation_missed: NonNegativeInt = 10

    def text(self) -> str:
        """The rule in words, as reports quote it."""
        return (
            f"{self.full} points, less each hint's cost, {self.objective_missed} for each objective missed, "
            f"{self.invariant_not_held} for each declared invariant that broke or was never checked, and "
            f"{self.escalation_missed} for each escalation rule that was due and not kept; 0 when the drill did not "
            "recover; never below 0."
        )


class SeverityPolicy(_Frozen):
    """What each severity promises, and the points rule."""

    severities: dict[Severity, SeverityTargets]
    points: PointsRule = PointsRule()

    def targets(self, severity: Severity) -> SeverityTargets:
        return self.severities[severity]


MINUTE: Final = 60.0
HOUR: Final = 60 * MINUTE

DEFAULT_POLICY: Final = SeverityPolicy(
    severities={
        Severity.P1: SeverityTargets(
            detect=5 * MINUTE, acknowledge=15 * MINUTE, recover=HOUR, escalate={"L2": 30 * MINUTE, "L3": HOUR}
        ),
        Severity.P2: SeverityTargets(
            detect=15 * MINUTE, acknowledge=HOUR, recover=4 * HOUR, escalate={"L2": 30 * MINUTE}
        ),
        Severity.P3: SeverityTargets(detect=HOUR, acknowledge=4 * HOUR, recover=24 * HOUR),
        Severity.P4: SeverityTargets(detect=4 * HOUR, acknowledge=24 * HOUR, recover=72 * HOUR),
    }
)
"""The policy drillbit ships: the targets README.md and docs/reports.md list."""


def load_policy(path: Path | str) -> SeverityPolicy:
    """A team's policy from its YAML file; every severity must be there. Raises InputError naming what is wrong."""
    try:
        document: Any = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise InputError(f"{path}: cannot read the severity policy: {error}") from error
    try:
        policy = SeverityPolicy.model_validate(document)
    except (ValidationError, ValueError) as error:
        raise InputError(f"{path}: not a severity policy: {_first_problem(error)}", hint=_HINT) from error
    missing = [severity.value for severity in Severity if severity not in policy.severities]
    if missing:
        raise InputError(f"{path}: the policy says nothing of {', '.join(missing)}", hint=_HINT)
    return policy


_HINT: Final = "each of P1..P4 needs detect, acknowledge and recover (e.g. 15m), and may escalate: {L2: 30m}"


def _first_problem(error: ValidationError | ValueError) -> str:
    if isinstance(error, ValidationError):
        problem = error.errors()[0]
        return f"{'.'.join(map(str, problem['loc'])) or '(top)'}: {problem['msg']}"
    return str(error)


def escalation_rules(policy: SeverityPolicy, severity: Severity) -> Mapping[str, float]:
    """The severity's escalation deadlines, lowest level first."""
    return dict(sorted(policy.targets(severity).escalate.items()))
