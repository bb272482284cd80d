"""The automated responder's steps, told apart by ``kind``: what a person on call would do, in order.

Every step has a ``timeout`` (scenario time). The steps that read something (``http``, ``shell``, ``sql``,
``redis``, ``wait_until``) may ``save`` values from it for later steps, which use them as ``{saved.NAME}``,
and fail when their ``expect`` does not hold. A ``shell`` step can take its script from a fenced code block of
the runbook, so the runbook's own text is what the drill proves.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Final, Literal, Self

from pydantic import Field, model_validator

from drills.language.expect import Capture, CommandExpect, HttpExpect, RedisExpect, SqlExpect
from drills.language.fields import (
    Identifier,
    NonEmptyText,
    PositiveDuration,
    RunbookRef,
    ServiceName,
    SettingName,
    Settings,
    SpecModel,
    Text,
    field_error,
)
from drills.language.requests import HttpRequest
from drills.probes.kinds.command import CommandProbe
from drills.probes.kinds.http import HttpProbe
from drills.probes.kinds.redis import RedisProbe
from drills.probes.kinds.sql import SqlProbe
from drills.scenario.kinds import Probe

_REQUEST: Final = ("method", "url", "headers", "body", "json_body", "form")


class StepBase(SpecModel):
    """What every step has: an optional name for the timeline, and a bound on how long it may take."""

    name: str | None = None
    timeout: PositiveDuration = timedelta(minutes=1)


class SavingStep(StepBase):
    """A step whose output later steps can use: ``save: {NAME: "$.json.path" or "a (regex)"}``."""

    save: dict[Identifier, Capture] = Field(default_factory=dict)


class HttpStep(SavingStep, HttpRequest):
    """An HTTP request; fails unless ``expect`` holds (by default, any status below 400)."""

    kind: Literal["http"]
    expect: HttpExpect = HttpExpect()

    def as_probe(self) -> HttpProbe:
        """The same request and expectation, as the probe that reads it."""
        return HttpProbe.model_validate({**_written(self, *_REQUEST, "expect"), "kind": "http"})


class ShellStep(SavingStep):
    """A command (``shell`` or ``argv``) or a runbook's code block (``runbook: "#anchor"``, ``block: N``).

    ``block`` counts the section's fenced code blocks from 1, sub-sections included.
    """

    kind: Literal["shell"]
    shell: str | None = None
    argv: tuple[Text, ...] | None = Field(default=None, min_length=1)
    runbook: RunbookRef | None = None
    block: int = Field(default=1, ge=1)
    env: dict[str, Text] = Field(default_factory=dict)
    expect: CommandExpect = CommandExpect()

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        if len(self.given("shell", "argv", "runbook")) != 1:
            raise ValueError("a shell step runs shell (a script), argv (words) or runbook (#anchor), one of them")
        if self.runbook is None and "block" in self.model_fields_set:
            raise field_error("block", "block picks a code block of a runbook section: give runbook too")
        return self

    def as_probe(self, runbook_code: str | None = None) -> CommandProbe:
        """The same command as a probe; a step from the runbook needs the block's code."""
        if self.runbook is not None and runbook_code is None:
            raise ValueError("this step's script is a runbook block: pass its code")
        program = {"shell": runbook_code} if self.runbook is not None else _written(self, "shell", "argv")
        return CommandProbe.model_validate({**_written(self, "env", "expect"), **program, "kind": "command"})


class SqlStep(SavingStep):
    """SQL run on the world's database (or another database on the same server)."""

    kind: Literal["sql"]
    query: NonEmptyText
    database: str | None = None
    expect: SqlExpect = SqlExpect()

    def as_probe(self) -> SqlProbe:
        """The same query and expectation, as the probe that reads it."""
        return SqlProbe.model_validate({**_written(self, "query", "database", "expect"), "kind": "sql"})


class RedisStep(SavingStep):
    """One Redis command, as its words."""

    kind: Literal["redis"]
    command: tuple[Text, ...] = Field(min_length=1)
    expect: RedisExpect = RedisExpect()

    def as_probe(self) -> RedisProbe:
        """The same command and expectation, as the probe that reads it."""
        return RedisProbe.model_validate({**_written(self, "command", "expect"), "kind": "redis"})


class RedeployStep(StepBase):
    """What a deploy tool does: a service started again with changed settings, or another version.

    With nothing changed it is a plain restart (or a start, for a service that is not running).
    """

    kind: Literal["redeploy"]
    service: ServiceName
    settings: Settings = Field(default_factory=dict)
    unset: tuple[SettingName, ...] = ()
    version: str | None = None


class WaitUntilStep(SavingStep):
    """Waits until ``probe`` holds, checking every ``interval``; fails after ``timeout``."""

    kind: Literal["wait_until"]
    probe: Probe
    interval: PositiveDuration = timedelta(seconds=10)
    timeout: PositiveDuration = timedelta(minutes=10)


ACKNOWLEDGE_LIMIT: Final = timedelta(hours=4)
"""How long an acknowledge step waits for its page unless the scenario says: as long as a drill can last."""


class AcknowledgeStep(StepBase):
    """Takes the page: of one monitor, or of every monitor that has fired. It waits for the page as long as a
    drill can last (ACKNOWLEDGE_LIMIT), unless ``timeout`` says otherwise."""

    kind: Literal["acknowledge"]
    timeout: PositiveDuration = ACKNOWLEDGE_LIMIT
    monitor: str | None = None
    message: str = ""


class NoteStep(StepBase):
    """A line in the timeline: what the responder found, decided or told people."""

    kind: Literal["note"]
    text: NonEmptyText


class EscalateStep(StepBase):
    """Escalates the incident to a level (L2 team lead, L3 engineering, L4 the vendor)."""

    kind: Literal["escalate"]
    level: Literal["L1", "L2", "L3", "L4"]
    reason: str = ""


def _written(step: StepBase, *fields: str) -> dict[str, object]:
    """The fields the scenario wrote, as it wrote them."""
    return step.model_dump(by_alias=True, exclude_unset=True, include=set(fields))


Step = Annotated[
    HttpStep
    | ShellStep
    | SqlStep
    | RedisStep
    | RedeployStep
    | WaitUntilStep
    | AcknowledgeStep
    | NoteStep
    | EscalateStep,
    Field(discriminator="kind"),
]
"""Any response step, told apart by its ``kind``."""


def step_name(step: Step, index: int) -> str:
    """What the timeline calls the response's step at ``index`` (from 0): its name, or its number and kind."""
    return step.name or f"step {index + 1} ({step.kind})"
