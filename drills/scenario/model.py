"""A scenario: one incident the harness can drill, as a typed, frozen model of its YAML file.

Probes and faults are kinds that register themselves (:mod:`drills.probes.kinds`, :mod:`drills.faults.kinds`,
gathered in :mod:`drills.scenario.kinds`); steps are :mod:`drills.scenario.steps`, expectations
:mod:`drills.language.expect`. Reading a file, with line numbers in every error, is
:mod:`drills.scenario.loader`'s job. docs/scenarios.md is the format's reference.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal, Self

from pydantic import Field, PositiveFloat, StringConstraints, model_validator

from drills.language.fields import (
    Duration,
    NonEmptyText,
    PositiveDuration,
    RunbookRef,
    ServiceName,
    Settings,
    Slug,
    SpecModel,
    field_error,
)
from drills.scenario.kinds import Fault, Probe
from drills.scenario.steps import Step, step_name
from drills.severity import Severity
from drills.timeline import ObjectiveTargets, ScenarioSummary

__all__ = [
    "ExtraService",
    "Invariant",
    "Monitor",
    "Objectives",
    "Recovery",
    "Scenario",
    "Severity",
    "World",
]


class ExtraService(SpecModel):
    """One more instance of a world's service for this scenario (a staging scheduler), with its settings."""

    copy_of: ServiceName
    settings: Settings = Field(default_factory=dict)


class World(SpecModel):
    """Which world the scenario happens in (a product of the world file), and how it differs from that world."""

    product: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*$")] | None = None
    """The world file's world (Compose profile) it happens in; none: scheduled-reports, the first product."""
    time_scale: PositiveFloat = 1.0
    """Scenario seconds per wall second unless the command line says otherwise."""
    settings: dict[ServiceName, Settings] = Field(default_factory=dict)
    extra_services: dict[ServiceName, ExtraService] = Field(default_factory=dict)


class Monitor(SpecModel):
    """An alert: ``probe`` checked every ``interval``; it fires once its condition has lasted ``for``.

    The condition is the probe holding (``fires_when: holds``, the default: write the probe as the alert's
    query) or failing (``fires_when: fails``, which includes the probe not being able to read at all).
    """

    name: NonEmptyText
    probe: Probe
    fires_when: Literal["holds", "fails"] = "holds"
    for_: Duration = Field(default=timedelta(), alias="for")
    interval: PositiveDuration = timedelta(seconds=15)
    severity: Severity | None = None
    """The page's severity; the scenario's when not given."""
    summary: NonEmptyText


class Recovery(SpecModel):
    """Recovered: the steady state and these checks all hold, and keep holding for ``hold``."""

    checks: tuple[Probe, ...] = ()
    hold: Duration
    interval: PositiveDuration = timedelta(seconds=10)


class Invariant(SpecModel):
    """What must never happen: ``probe`` holds at every check, every ``interval`` and after the drill.

    Without ``interval`` it is checked once, after the drill (a final check, such as a row count).
    """

    name: NonEmptyText
    probe: Probe
    interval: PositiveDuration | None = None


class Objectives(SpecModel):
    """Targets in scenario time, measured from the first fault; one not given is the severity's."""

    time_to_detect: PositiveDuration | None = None
    time_to_acknowledge: PositiveDuration | None = None
    time_to_recover: PositiveDuration | None = None

    def targets(self) -> ObjectiveTargets:
        """The same objectives in scenario seconds, as a drill's record keeps them."""
        return ObjectiveTargets(
            time_to_detect_s=_seconds(self.time_to_detect),
            time_to_acknowledge_s=_seconds(self.time_to_acknowledge),
            time_to_recover_s=_seconds(self.time_to_recover),
        )


def _seconds(duration: timedelta | None) -> float | None:
    return None if duration is None else duration.total_seconds()


HintCost = Annotated[int, Field(ge=0, le=100, strict=True)]
"""Points a hint costs: a whole number from 0 to 100 (the most a drill can score)."""


class Scenario(SpecModel):
    """One incident: the world, its steady state, the faults, the alerts, the response, and what is scored.

    A ``planned`` scenario (a secret rotation, a DR rehearsal) may have no fault and no monitor.
    """

    id: Slug
    title: NonEmptyText
    severity: Severity
    description: NonEmptyText
    runbook: RunbookRef
    planned: bool = False
    world: World = World()
    steady_state: tuple[Probe, ...] = Field(min_length=1)
    faults: tuple[Fault, ...] = ()
    monitors: tuple[Monitor, ...] = ()
    response: tuple[Step, ...]
    recovery: Recovery
    invariants: tuple[Invariant, ...] = ()
    objectives: Objectives = Objectives()
    hint_cost: dict[NonEmptyText, HintCost] = Field(default_factory=dict)
    """What a hint costs, by the runbook section it shows (its title or anchor); the rest cost the default."""
    root_cause: str = ""
    impact: str = ""
    fix: str = ""

    @model_validator(mode="after")
    def _incident_has_fault_and_monitor(self) -> Self:
        if self.runbook.file is None:
            raise field_error("runbook", "the scenario's runbook names its file: runbooks/NAME.md#anchor")
        if self.planned:
            return self
        for part in ("faults", "monitors"):
            if not getattr(self, part):
                raise field_error(part, f"an incident needs {part} (a planned drill says planned: true)")
        return self

    def monitor_severity(self, monitor: Monitor) -> Severity:
        """The severity the monitor's page carries."""
        return monitor.severity or self.severity

    def summary(self) -> ScenarioSummary:
        """What a drill's record keeps of this scenario, so that a report needs nothing else."""
        return ScenarioSummary(
            id=self.id,
            title=self.title,
            severity=self.severity,
            runbook=str(self.runbook),
            description=self.description,
            impact=self.impact or None,
            objectives=self.objectives.targets(),
            invariants=tuple(invariant.name for invariant in self.invariants),
            monitors=tuple(monitor.name for monitor in self.monitors),
            response=tuple(step_name(step, index) for index, step in enumerate(self.response)),
            recovery_hold_s=self.recovery.hold.total_seconds(),
            root_cause=self.root_cause or None,
            fix=self.fix or None,
        )
