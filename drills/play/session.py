"""A person's response, typed in the play terminal: the responding party of `drillbit play`.

Every line typed is a ``command`` event; ``ack``, ``hint``, ``note``, ``escalate`` and ``abort`` are the events a
responder produces, the same kinds the automated runner records. The session also watches recovery itself: from
the first page after the fault (or from a ``resolve``), it checks the steady state and the recovery checks on
their interval, and ends when they have held for the scenario's hold time, whether or not anyone said so.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from typing import Final

from pydantic import JsonValue
from rich.console import Group
from rich.text import Text

from drills.durations import format_duration
from drills.engine.recovery import RecoveryWatch
from drills.engine.watch import Watch
from drills.play.hints import HintCard, render_hint
from drills.play.screens import TOOLS, page
from drills.play.terminal import CLOSED, PlayTerminal
from drills.scenario.model import Scenario
from drills.severity import ESCALATION_LEVEL
from drills.timeline import DEPLOY_TOOL, Event, EventKind, TimelineRecorder
from drills.world.context import DrillContext
from drills.world.env import world_shell_env

SHELL_TIMEOUT_SECONDS: Final = 120.0
IDLE_WAKE_SECONDS: Final = 0.25
ESCALATION_LEVELS: Final = ("L2", "L3", "L4")


class PlaySession:
    """Reads the responder's commands until recovery, an abort, closed input or the time limit."""

    watches_recovery = True

    def __init__(
        self,
        scenario: Scenario,
        context: DrillContext,
        recorder: TimelineRecorder,
        watch: Watch,
        *,
        terminal: PlayTerminal,
        responder: str,
        hints: tuple[HintCard, ...],
        time_limit: float,
    ) -> None:
        self.scenario = scenario
        self.context = context
        self.recorder = recorder
        self.watch = watch
        self.terminal = terminal
        self.source = f"responder:{responder}"
        self.hints = hints
        self.time_limit = time_limit
        self.recovery = RecoveryWatch(scenario, context, recorder)
        self.ended: str | None = None
        self._fault_in = False
        self._paged: list[str] = []
        self._acknowledged = False
        self._hints_taken = 0
        self._escalated: str | None = None
        self._notes = 0
        self._watching_recovery = False
        self._started = context.clock.monotonic()
        self._next_check = self._started

    # The loop

    def respond(self) -> bool:
        self.recorder.attach(self._on_event)
        name = self.context.world.name
        self.terminal.say(f"The world {name} is up and steady. You are on call: type help for the commands.")
        self.terminal.prompt()
        while self.ended is None:
            line = self.terminal.read(self._wake_in())
            if line is CLOSED:
                self._give_up("the responder's input closed")
            elif isinstance(line, str) and line.strip():
                self._handle(line.strip())
                if self.ended is None:
                    self.terminal.prompt()
            self._tick()
        return self.ended == "recovered"

    def _wake_in(self) -> float:
        if not self._watching_recovery:
            return IDLE_WAKE_SECONDS
        return min(IDLE_WAKE_SECONDS, self._next_check - self.context.clock.monotonic())

    def _tick(self) -> None:
        now = self.context.clock.monotonic()
        if self.ended is None and self._watching_recovery and now >= self._next_check:
            self._next_check = max(self._next_check + self.recovery.interval, now)
            if self.recovery.check().recovered:
                self._finish("recovered")
        if self.ended is None and now - self._started >= self.time_limit:
            limit = format_duration(self.context.scale.to_scenario(self.time_limit))
            message = f"not recovered within the play's time limit ({limit})"
            self.recorder.record(EventKind.RECOVERY_CHECKED, "runner", message, {"held": False})
            self.terminal.say(f"Time is up: {message}.", style="bold red")
            self.ended = "time_up"

    def _finish(self, how: str) -> None:
        self.ended = how
        self.terminal.say("Recovered: every check held for the whole hold time. The drill winds down.", "bold green")

    # What the world tells the responder

    def _on_event(self, event: Event) -> None:
        if event.kind is EventKind.FAULT_INJECTED:
            self._fault_in = True  # never shown: when it happened is for the report
            if self._paged:  # a redeploy's symptom can page before the redeploy is done
                self._watch_recovery()
        elif event.kind is EventKind.MONITOR_FIRED:
            self._paged.append(event.text("monitor"))
            if self._fault_in:
                self._watch_recovery()
            self.terminal.show(page(self.scenario, event, self.scenario.runbook.path), bell=True)
        elif event.kind is EventKind.MONITOR_CLEARED:
            self.terminal.say(f"alert {event.text('monitor')} stopped firing", style="yellow")
        elif event.kind is EventKind.COMMAND and event.source == DEPLOY_TOOL:
            self.terminal.say(f"deploy tool: {event.message}", style="cyan")
        elif event.kind is EventKind.DRILL_ERROR:
            self.terminal.say(f"harness error: {event.message}", style="red")

    def _watch_recovery(self) -> None:
        if not self._watching_recovery:
            self._watching_recovery = True
            self._next_check = self.context.clock.monotonic()

    # Commands

    def _handle(self, line: str) -> None:
        self.recorder.record(EventKind.COMMAND, self.source, line, {"command": line})
        word, _, rest = line.partition(" ")
        if line.startswith("!"):
            self._shell(line[1:].strip())
            return
        handlers: dict[str, Callable[[str], None]] = {
            "ack": self._ack,
            "hint": self._hint,
            "note": self._note,
            "escalate": self._escalate,
            "status": self._status,
            "resolve": self._resolve,
            "abort": self._abort,
            "help": self._help,
        }
        handler = handlers.get(word.lower())
        if handler is None:
            self.terminal.say(f"unknown command {word!r}: type help (a shell command starts with !)", "yellow")
            return
        handler(rest.strip())

    def _ack(self, _: str) -> None:
        if not self._paged:
            self.terminal.say("Nothing has paged yet.")
            return
        if self._acknowledged:
            self.terminal.say("Already acknowledged.")
            return
        self._acknowledged = True
        monitors: list[JsonValue] = list(dict.fromkeys(self._paged))
        data: dict[str, JsonValue] = {"monitor": self._paged[0], "monitors": monitors}
        self.recorder.record(EventKind.ACKNOWLEDGED, self.source, "acknowledged", data)
        self.terminal.say(f"Acknowledged {', '.join(dict.fromkeys(self._paged))}. It is yours now.", "bold")

    def _hint(self, _: str) -> None:
        if self._hints_taken >= len(self.hints):
            self.terminal.say("No hints left: you have seen the whole runbook entry.")
            return
        card = self.hints[self._hints_taken]
        self._hints_taken += 1
        data: dict[str, JsonValue] = {"hint": card.title, "cost": card.cost, "number": card.number}
        self.recorder.record(EventKind.HINT_TAKEN, self.source, f"hint {card.number}: {card.title}", data)
        self.terminal.show(render_hint(card, len(self.hints)))

    def _note(self, text: str) -> None:
        if not text:
            self.terminal.say("note what? e.g. note the scheduler's ticks answer 403")
            return
        self._notes += 1
        self.recorder.record(EventKind.NOTE, self.source, text)
        self.terminal.say("noted")

    def _escalate(self, rest: str) -> None:
        level, _, reason = rest.partition(" ")
        level = level.upper()
        if level not in ESCALATION_LEVELS or not ESCALATION_LEVEL.fullmatch(level):
            self.terminal.say("escalate to which level? escalate L2, escalate L3 or escalate L4 (you are L1)")
            return
        self._escalated = level
        message = reason.strip() or f"escalated to {level}"
        self.recorder.record(EventKind.ESCALATED, self.source, message, {"level": level})
        self.terminal.say(f"Escalated to {level}. In a drill nobody else joins, but it is on the record and scored.")

    def _status(self, _: str) -> None:
        elapsed = self.context.clock.monotonic() - self._started
        scenario_elapsed = format_duration(self.context.scale.to_scenario(elapsed))
        lines = [
            f"on call for {scenario_elapsed} (scenario time; {format_duration(elapsed)} on your watch)",
            "pages: " + (", ".join(dict.fromkeys(self._paged)) or "none yet"),
            f"acknowledged: {'yes' if self._acknowledged else 'no'}",
            f"hints: {self._hints_taken} of {len(self.hints)} taken",
            f"escalated: {self._escalated or 'no'}",
            f"notes: {self._notes}",
            f"recovery: {self._recovery_text()}",
        ]
        self.terminal.show(Group(*(Text(line) for line in lines)))

    def _recovery_text(self) -> str:
        if not self._watching_recovery:
            return "not checked yet (from the first page on, or after resolve)"
        failing = self.recovery.last_failing
        if failing:
            return "not yet: " + "; ".join(failing)
        return f"checks hold; recovery needs them to hold for {format_duration(self.recovery.hold)} on your watch"

    def _resolve(self, _: str) -> None:
        self._watch_recovery()
        state = self.recovery.check()
        self._next_check = self.context.clock.monotonic() + self.recovery.interval
        if state.recovered:
            self._finish("recovered")
        elif state.holding:
            hold = format_duration(self.recovery.hold)
            self.terminal.say(
                f"Every check holds now. It counts as recovered once they keep holding for {hold} on your watch; "
                "you will be told.",
                "green",
            )
        else:
            self.terminal.say("Not recovered yet: " + "; ".join(state.failing), "yellow")

    def _abort(self, _: str) -> None:
        self._give_up("the responder gave up")

    def _give_up(self, reason: str) -> None:
        self.recorder.record(EventKind.DRILL_ABORTED, self.source, reason)
        self.terminal.say(f"Drill aborted: {reason}. Reverting the faults and tearing the world down.", "bold red")
        self.ended = "aborted"

    def _help(self, _: str) -> None:
        self.terminal.show(Text.from_markup(TOOLS))

    def _shell(self, command: str) -> None:
        if not command:
            self.terminal.say("which command? e.g. !curl -s $APP_URL/api/v1/health")
            return
        env = world_shell_env(self.context)
        try:
            done = subprocess.run(
                ["bash", "-c", command],
                env=env,
                capture_output=True,
                text=True,
                timeout=SHELL_TIMEOUT_SECONDS,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except subprocess.TimeoutExpired:
            self.terminal.say(f"stopped after {SHELL_TIMEOUT_SECONDS:.0f}s", "red")
            return
        output = (done.stdout + done.stderr).rstrip("\n")
        if output:
            self.terminal.say(output)
        if done.returncode:
            self.terminal.say(f"(exit code {done.returncode})", "yellow")
