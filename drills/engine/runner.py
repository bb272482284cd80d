"""The runner: world up, steady state, inject, watch, respond, recovery, invariants, revert, tear down.

Every phase has a bound, and whatever happens (a failed step, an error, Ctrl-C or SIGTERM) the faults are
reverted, the world is torn down and the report is written. The product is the drill's timeline.

The drill owns the secrets it meets (``masks``): the world's from the start, and each one a fault puts in, a step
saves or a redeploy sets as soon as it is known. Whoever watches the timeline (the live feed, a play's screen)
sees every event with all of them masked; the timeline itself stays whole, and the reports mask it as they are
written.
"""

from __future__ import annotations

import secrets
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from pydantic import JsonValue

from drills.clock import Clock, SystemClock, TimeScale
from drills.deploy.server import DeployServer
from drills.engine.recovery import RecoveryWatch
from drills.engine.watch import Watch, check_invariant
from drills.errors import DrillbitError
from drills.faults import ActiveFault, FaultSchedule, RevertOutcome
from drills.probes import evaluate
from drills.reports import KnownSecrets, ReportPaths, write_reports
from drills.scenario.kinds import Fault
from drills.scenario.model import Scenario
from drills.scoring.score import Score, score
from drills.severity import DEFAULT_POLICY, SeverityPolicy, load_policy
from drills.timeline import DEPLOY_TOOL, DrillRecord, Event, EventKind, Responder, TimelineRecorder
from drills.world.context import DrillContext
from drills.world.protocol import Runtime, World, WorldOptions
from drills.world.spec import WorldSpec
from drills.world.worlds import DEFAULT_PRODUCT, world_spec
from drills.world_clock import WorldClock

STEADY_STATE_TIMEOUT = 30.0
STEADY_STATE_SCENARIO_BOUND = 30 * 60.0
"""Scenario seconds the steady state may take at a slow time scale: two of the scheduler's 15-minute slots."""
RECOVERY_TIMEOUT_CAP = 120.0


class RespondingParty(Protocol):
    """Who responds to the incident: the automated responder, or a person's play session."""

    watches_recovery: bool
    """True when the party watches recovery itself while it works (a person); else the runner watches it after."""

    def respond(self) -> bool:
        """Works the incident; False when it stopped short (a step failed, nobody acknowledged)."""
        ...


ResponderFactory = Callable[[Scenario, DrillContext, TimelineRecorder, Watch], RespondingParty]


@dataclass(frozen=True)
class DrillSettings:
    """How to run a drill: the world, the seed, the time scale (None: the scenario's), where reports go (None:
    nowhere), who responds."""

    world: WorldSpec | None = None
    """The world to drill in; None: the world the scenario names, from ``world_file``."""
    world_file: Path | None = None
    """The world file the scenario's world is read from; None: drillbit's own (docker-compose.yml)."""
    runtime: str | None = None
    """``local`` or ``docker`` when a drill is given no runtime of its own; None: ``$DRILLBIT_RUNTIME``, else local."""
    policy: SeverityPolicy | None = None
    """What the severities promise (default objectives, escalation, points): a team may set its own; None: the
    policy its world names, else drillbit's own."""
    seed: int = 0
    time_scale: float | None = None
    report_dir: Path | None = None
    tenants: int = 20
    responder: Responder = field(default_factory=lambda: Responder(kind="auto", name="auto"))
    fault_delay: float = 0.0
    """Wall seconds between the start of the fault phase and the faults' own ``after``: hidden from a player."""


@dataclass(frozen=True)
class DrillResult:
    """What a drill produced: its record (the timeline), the score computed from it, and the reports written."""

    record: DrillRecord
    score: Score
    reports: ReportPaths | None
    """None when the settings asked for no reports."""

    @property
    def written(self) -> ReportPaths:
        """The reports' paths, for a drill whose settings named a report folder."""
        if self.reports is None:
            raise DrillbitError("this drill wrote no reports", hint="give DrillSettings a report_dir")
        return self.reports


def drill_scale(scenario: Scenario, settings: DrillSettings) -> TimeScale:
    return TimeScale(settings.time_scale or scenario.world.time_scale)


def drill_world(scenario: Scenario, settings: DrillSettings) -> WorldSpec:
    """The world the drill happens in: the settings' own, else the scenario's product of the world file, with the
    scenario's extra services (copies of the world's) added."""
    spec = settings.world or world_spec(scenario.world.product or DEFAULT_PRODUCT, settings.world_file)
    copies = {name: extra.copy_of for name, extra in scenario.world.extra_services.items()}
    return spec.with_copies(copies) if copies else spec


def drill_policy(scenario: Scenario, settings: DrillSettings) -> SeverityPolicy:
    """The severity policy a drill is scored by: the settings' own, else its world's, else drillbit's."""
    if settings.policy is not None:
        return settings.policy
    world = drill_world(scenario, settings)
    return DEFAULT_POLICY if world.policy is None else load_policy(world.policy)


def world_options(scenario: Scenario, settings: DrillSettings, clock: WorldClock | None = None) -> WorldOptions:
    """The world a drill asks for; with ``clock``, its services follow that world clock."""
    overrides = {service: dict(values) for service, values in scenario.world.settings.items()}
    overrides |= {name: dict(extra.settings) for name, extra in scenario.world.extra_services.items()}
    scale = drill_scale(scenario, settings).factor
    return WorldOptions(settings.seed, scale, settings.tenants, overrides, clock)


class Drill:
    """One run of one scenario."""

    def __init__(
        self, scenario: Scenario, settings: DrillSettings, runtime: Runtime, clock: Clock | None = None
    ) -> None:
        self.scenario = scenario
        self.settings = settings
        self.runtime = runtime
        self.scale = drill_scale(scenario, settings)
        # Held while the world comes up; scenario time begins once it is up (see drills.world_clock).
        self.clock = WorldClock(clock or SystemClock(), self.scale)
        self.options = world_options(scenario, settings, self.clock)
        self.masks = KnownSecrets()
        self.recorder = TimelineRecorder(self.clock.monotonic, self.scale.factor, shown=self._shown)
        self.started_at = datetime.fromtimestamp(self.clock.wall(), UTC)
        self.world: World | None = None
        self.context: DrillContext | None = None
        self.deploy_tool: DeployServer | None = None
        self.injection_started: dict[str, float] = {}

    def record(self, kind: EventKind, message: str, **data: object) -> None:
        self.recorder.record(kind, "runner", message, data)  # type: ignore[arg-type]

    def _shown(self, event: Event) -> Event:
        """An event as those who watch the drill see it: every secret known by now masked, the world's settings
        as they are now included (a responder's redeploy may just have set one)."""
        if self.context is not None:
            self.context.learn_world_secrets()
        return self.masks.event(event)

    def run(self, respond: ResponderFactory) -> DrillResult:
        self.record(EventKind.DRILL_STARTED, f"drill of {self.scenario.id} started", seed=self.settings.seed)
        schedule: FaultSchedule | None = None
        watch: Watch | None = None
        interrupted: BaseException | None = None
        try:
            context = self._bring_up()
            watch = Watch(context, self.recorder)
            # Made before any phase runs, so that whatever interrupts a phase, the wind-down can revert.
            schedule = FaultSchedule(
                self.scenario.faults,
                context,
                on_injecting=self._injecting,
                on_injected=self._injected,
                on_reverted=self._reverted,
                on_failed=self._not_injected,
            )
            self._phases(context, watch, schedule, respond)
        except Exception as error:
            self.record(EventKind.DRILL_ERROR, f"{type(error).__name__}: {error}", trace=traceback.format_exc(limit=5))
        except BaseException as stop:  # Ctrl-C, SIGTERM, a test runner's timeout: stopped from outside
            interrupted = stop
            reason = str(stop) or type(stop).__name__
            self.record(EventKind.DRILL_ABORTED, f"interrupted ({reason}); reverting and tearing down")
        finally:
            self._wind_down(watch, schedule)
        result = self._report()
        if interrupted is not None:
            raise interrupted
        return result

    def _bring_up(self) -> DrillContext:
        self.world = self.runtime.up(drill_world(self.scenario, self.settings), self.options)
        world = self.world
        self.context = DrillContext(
            world, self.clock, self.scale, world.epoch, self._directory(), self.clock.base, masks=self.masks
        )
        self.context.learn_world_secrets()
        self.record(EventKind.WORLD_UP, f"world {world.name} up on the {self.runtime.name} runtime", world=world.name)
        self.context.mark_logs("start")
        self._serve_deploy_tool(world)
        self.clock.start()
        return self.context

    def _serve_deploy_tool(self, world: World) -> None:
        """`drillbit world` for the responder, whoever it is: a runbook's deploy commands work in every drill."""
        self.deploy_tool = DeployServer(world, world.directory, on_action=self._deployed, clock=self.clock.base)
        self.deploy_tool.start()

    def _deployed(self, line: str) -> None:
        if self.context is not None:
            self.context.learn_world_secrets()  # a secret the responder just set, masked in the reports too
        self.recorder.record(EventKind.COMMAND, DEPLOY_TOOL, line, {"command": line})

    def _directory(self) -> Path:
        path = self.scenario.runbook.path
        return path.parent if path is not None else Path("scenarios")

    def _phases(self, context: DrillContext, watch: Watch, schedule: FaultSchedule, respond: ResponderFactory) -> None:
        if not self._steady_state(context):
            return
        for monitor in self.scenario.monitors:
            watch.add_monitor(monitor)
        for invariant in self.scenario.invariants:
            watch.add_invariant(invariant)
        watch.start()
        context.mark_logs("fault")
        schedule.start(delay=self.settings.fault_delay)
        party = respond(self.scenario, context, self.recorder, watch)
        party.respond()
        # A person's session watches recovery itself, while they work; the automated runner's recovery is here.
        if not party.watches_recovery:
            self._recovery(context)

    def steady_state_bound(self) -> float:
        """Wall seconds to wait for the steady state: 30, or more at a slow scale, where a first tick takes longer."""
        return max(STEADY_STATE_TIMEOUT, self.scale.to_wall(STEADY_STATE_SCENARIO_BOUND))

    def _steady_state(self, context: DrillContext) -> bool:
        deadline = self.clock.monotonic() + self.steady_state_bound()
        while True:
            results = [evaluate(probe, context) for probe in self.scenario.steady_state]
            failing = [result.detail for result in results if not result.held]
            if not failing or self.clock.monotonic() > deadline:
                break
            self.clock.sleep(0.25)
        message = "steady state holds" if not failing else "steady state does not hold: " + "; ".join(failing)
        self.recorder.record(EventKind.STEADY_STATE_CHECKED, "runner", message, {"held": not failing})
        if failing:
            self.record(EventKind.DRILL_ERROR, "the world never reached its steady state, so no fault was injected")
        return not failing

    def _recovery(self, context: DrillContext) -> None:
        watch = RecoveryWatch(self.scenario, context, self.recorder)
        # Three holds and a bit; at a slow scale a hold alone may pass the cap, so the cap always allows two.
        watch.run(min(max(RECOVERY_TIMEOUT_CAP, watch.hold * 2 + 10.0), watch.hold * 3 + 10.0))

    def _final_invariants(self) -> None:
        if self.context is None:
            return
        for invariant in self.scenario.invariants:
            check_invariant(invariant, self.context, self.recorder)

    def _injecting(self, fault: Fault) -> None:
        self.injection_started[fault.id] = self.recorder.now()

    def _injected(self, active: ActiveFault) -> None:
        """Recorded once the fault is in, with when it began to go in: a redeploy's symptoms start before it ends."""
        fault_id = active.fault_id
        data: dict[str, JsonValue] = {"fault": fault_id}
        if fault_id in self.injection_started:
            data["started_at"] = self.injection_started[fault_id]
        self.recorder.record(EventKind.FAULT_INJECTED, f"fault:{fault_id}", active.describe(), data)

    def _not_injected(self, fault: Fault, error: DrillbitError) -> None:
        self.recorder.record(EventKind.DRILL_ERROR, f"fault:{fault.id}", f"could not inject {fault.id}: {error}")

    def _reverted(self, outcome: RevertOutcome) -> None:
        data = {"fault": outcome.fault_id, "ok": outcome.ok}
        if outcome.error:
            data["error"] = outcome.error
        message = "reverted" if outcome.ok else f"revert FAILED: {outcome.error}"
        self.recorder.record(EventKind.FAULT_REVERTED, f"fault:{outcome.fault_id}", message, data)  # type: ignore[arg-type]

    def _wind_down(self, watch: Watch | None, schedule: FaultSchedule | None) -> None:
        """Always runs: stop watching, check invariants once more, then revert every fault and tear the world down."""
        # The final invariants read the world as the responder left it: before the harness reverts anything.
        steps: Sequence[Callable[[], object]] = (
            lambda: watch.stop() if watch else None,
            lambda: self.deploy_tool.stop() if self.deploy_tool else None,
            self._final_invariants,
            lambda: schedule.revert_all() if schedule else None,
            self._teardown,
        )
        for step in steps:
            try:
                step()
            except BaseException as error:  # every step of winding down gets its turn
                self.record(EventKind.DRILL_ERROR, f"while winding down: {type(error).__name__}: {error}")

    def _teardown(self) -> None:
        if self.context is not None:
            self.context.learn_world_secrets()  # as the responder left them, for the reports
        if self.world is not None:
            self.world.teardown()

    def _report(self) -> DrillResult:
        self.record(EventKind.DRILL_FINISHED, "drill finished")
        record = DrillRecord(
            drill_id=f"{self.scenario.id}-{secrets.token_hex(4)}",
            scenario=self.scenario.summary(),
            runtime=self.runtime.name,
            seed=self.settings.seed,
            time_scale=self.scale.factor,
            responder=self.settings.responder,
            policy=drill_policy(self.scenario, self.settings),
            started_at=self.started_at,
            finished_at=datetime.fromtimestamp(self.clock.wall(), UTC),
            timeline=self.recorder.events,
        )
        report_dir = self.settings.report_dir
        paths = None if report_dir is None else write_reports(record, report_dir, self.masks.values())
        return DrillResult(record, score(record), paths)


def run_drill(
    scenario: Scenario,
    settings: DrillSettings | None = None,
    *,
    runtime: Runtime | None = None,
    respond: ResponderFactory | None = None,
) -> DrillResult:
    """Drills ``scenario`` once: on the settings' runtime (the local one by default) and with the automated
    responder unless told otherwise."""
    settings = settings or DrillSettings()
    if runtime is None:
        from drills.runtimes.choice import runtime_named

        runtime = runtime_named(settings.runtime)
    if respond is None:
        from drills.engine.responder import AutoResponder

        respond = AutoResponder
    return Drill(scenario, settings or DrillSettings(), runtime).run(respond)
