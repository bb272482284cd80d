"""The automated responder: carries out a scenario's response steps through the interfaces a person has.

HTTP, a shell with the world's endpoints in its environment (and the runbook's own code blocks), SQL, Redis
commands, and redeploying a service with changed settings, as a deploy tool would. It never calls the
harness's own fault revert: if the runbook's fix does not restore service, the drill says so.

A step aimed outside the world (its request's URL, once rendered) is refused before anything is sent: the step
is recorded as failed with the reason, and the :class:`~drills.errors.TargetRefusedError` ends the drill.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from typing import Any

from pydantic import JsonValue

from drills.engine.watch import Watch
from drills.errors import ScenarioError, TargetRefusedError
from drills.faults.changes import VERSION_SETTING
from drills.language.conditions import capture
from drills.language.templating import resolve_model
from drills.probes import ProbeResult, evaluate, wait_until
from drills.probes.result import ProbeLimits
from drills.scenario.kinds import Probe
from drills.scenario.loader import runbook_block, runbook_script
from drills.scenario.model import Scenario
from drills.scenario.steps import (
    AcknowledgeStep,
    EscalateStep,
    HttpStep,
    NoteStep,
    RedeployStep,
    RedisStep,
    SavingStep,
    ShellStep,
    SqlStep,
    Step,
    WaitUntilStep,
    step_name,
)
from drills.timeline import EventKind, TimelineRecorder
from drills.world.context import DrillContext

# At a high time scale a step's one scenario minute is a tenth of a wall second: no HTTP call or shell command
# can promise that, so I/O steps always get at least this long.
MINIMUM_IO_SECONDS = 10.0


WAITING_STEPS = frozenset({"acknowledge", "wait_until"})
"""Steps that wait for the world: the clock runs while they do."""
STEP_COSTS: dict[str, float] = {"http": 30.0, "shell": 30.0, "sql": 30.0, "redis": 30.0}
"""Scenario seconds an acting step of the automated responder costs, whatever the machine takes (a redeploy's
own cost is the world's, see drills.world.protocol.ACTION_COSTS; a note or an escalation costs nothing)."""


class StepFailed(Exception):
    """A response step did not do what it should; the responder stops there."""


def step_probe(step: Step, scenario: Scenario) -> Probe | None:
    """The read a step performs, as a probe; None for steps that do not read."""
    if isinstance(step, ShellStep):
        return step.as_probe(runbook_script(scenario, step) if step.runbook is not None else None)
    if isinstance(step, HttpStep | SqlStep | RedisStep):
        return step.as_probe()
    return None


def started_data(scenario: Scenario, step: Step, name: str) -> dict[str, JsonValue]:
    """A step_started event's data: the step's name and kind, and for a runbook block which one it is, as the
    scenario names it (``runbooks/x.md#anchor``, ``block``) and where it starts now (``line``)."""
    data: dict[str, JsonValue] = {"step": name, "kind": step.kind}
    if not isinstance(step, ShellStep) or step.runbook is None:
        return data
    data["runbook"] = f"{step.runbook.file or scenario.runbook.file}#{step.runbook.anchor}"
    data["block"] = step.block
    with suppress(ScenarioError):  # a block gone from the runbook: the step itself fails on it, and says why
        data["line"] = runbook_block(scenario, step).line
    return data


class AutoResponder:
    """Carries out the steps in order; stops at the first step that fails."""

    name = "auto"
    watches_recovery = False

    def __init__(self, scenario: Scenario, context: DrillContext, recorder: TimelineRecorder, watch: Watch) -> None:
        self.scenario = scenario
        self.context = context
        self.recorder = recorder
        self.watch = watch

    def respond(self) -> bool:
        for index, step in enumerate(self.scenario.response):
            name = step_name(step, index)
            started = started_data(self.scenario, step, name)
            self.recorder.record(EventKind.STEP_STARTED, "responder:auto", name, started)
            try:
                detail = self.run_step(step)
            except StepFailed as failure:
                self._failed(step, name, str(failure))
                return False
            except TargetRefusedError as refused:
                self._failed(step, name, refused.message)
                raise TargetRefusedError(f"response step {name!r}: {refused.message}", hint=refused.hint) from None
            self.recorder.record(EventKind.STEP_FINISHED, "responder:auto", detail or name, {"step": name, "ok": True})
        return True

    def _failed(self, step: Step, name: str, detail: str) -> None:
        data: dict[str, JsonValue] = {"step": name, "ok": False, "detail": detail}
        command = self.command_of(step)
        if command:
            data["command"] = command
        self.recorder.record(EventKind.STEP_FINISHED, "responder:auto", f"{name}: {detail}", data)

    def command_of(self, step: Step) -> str | None:
        """What a failed step ran, as a reason names it: a shell step's command, an HTTP step's request."""
        if isinstance(step, ShellStep):
            script = runbook_script(self.scenario, step) if step.runbook is not None else step.shell
            return script.strip() if script else " ".join(step.argv or ())
        if isinstance(step, HttpStep):
            return f"{step.method} {step.url}"
        return None

    def run_step(self, step: Step) -> str:
        """Carries out one step. A step that acts holds the world clock and costs its declared scenario time
        (STEP_COSTS); one that waits for the world (acknowledge, wait_until) lets the clock run."""
        if step.kind in WAITING_STEPS:
            return self._carry_out(step)
        with self.context.clock.hold(STEP_COSTS.get(step.kind, 0.0)):
            return self._carry_out(step)

    def _carry_out(self, step: Step) -> str:
        handlers: dict[type, Callable[[Any], str]] = {
            AcknowledgeStep: self._acknowledge,
            NoteStep: self._note,
            EscalateStep: self._escalate,
            RedeployStep: self._redeploy,
            WaitUntilStep: self._wait_until,
        }
        handler = handlers.get(type(step))
        if handler is not None:
            # Rendered once, here at the edge; a wait's probe is rendered at each of its reads, as every probe is.
            return handler(step if isinstance(step, WaitUntilStep) else resolve_model(step, self.context.values()))
        probe = step_probe(step, self.scenario)
        if probe is None:
            raise StepFailed(f"no way to carry out a {step.kind} step")
        result = evaluate(probe, self.context, limits=self._limits(step))
        return self._finish(step, result)

    def _limits(self, step: Step) -> ProbeLimits:
        """A step's bound is scenario time, but a command or a request needs real seconds: never under a floor."""
        seconds = max(MINIMUM_IO_SECONDS, self.context.wall_seconds(step.timeout.total_seconds()))
        return ProbeLimits(read_s=seconds, command_s=seconds)

    def _finish(self, step: Step, result: ProbeResult) -> str:
        if not result.held:
            raise StepFailed(result.detail)
        if isinstance(step, SavingStep):
            for name, how in step.save.items():
                self.context.save(name, capture(how, result.output, result.parsed))
        return result.detail

    def _acknowledge(self, step: AcknowledgeStep) -> str:
        timeout = self.context.wall_seconds(step.timeout.total_seconds())
        if not self.watch.wait_fired(step.monitor, timeout):
            raise StepFailed(f"no page to acknowledge: {step.monitor or 'no monitor'} did not fire")
        monitors = [step.monitor] if step.monitor else self.watch.firing_monitors()
        data: dict[str, JsonValue] = {"monitor": monitors[0] if monitors else "", "monitors": list(monitors)}
        self.recorder.record(EventKind.ACKNOWLEDGED, "responder:auto", step.message or "acknowledged", data)
        return "acknowledged " + ", ".join(monitors)

    def _note(self, step: NoteStep) -> str:
        self.recorder.record(EventKind.NOTE, "responder:auto", step.text)
        return "noted"

    def _escalate(self, step: EscalateStep) -> str:
        self.recorder.record(EventKind.ESCALATED, "responder:auto", step.reason, {"level": step.level})
        return f"escalated to {step.level}"

    def _redeploy(self, step: RedeployStep) -> str:
        changes: dict[str, str | None] = dict(step.settings)
        changes.update(dict.fromkeys(step.unset))
        if step.version is not None:
            changes[VERSION_SETTING] = step.version
        world = self.context.world
        self.context.learn_settings(step.service, changes)  # a secret the step sets is one from now on
        try:
            world.redeploy(step.service, changes)
        except Exception as error:
            raise StepFailed(f"redeploying {step.service} failed: {error}") from error
        return f"redeployed {step.service}" + (f" ({', '.join(sorted(changes))} changed)" if changes else "")

    def _wait_until(self, step: WaitUntilStep) -> str:
        timeout = self.context.wall_seconds(step.timeout.total_seconds())
        interval = self.context.wall_seconds(step.interval.total_seconds())
        return self._finish(step, wait_until(step.probe, self.context, timeout, interval))
