"""The two ways a scenario reaches into the world that probes, faults and steps share: an HTTP request and a program.

An ``http`` probe, an ``http`` step and a ``traffic`` fault send the same :class:`HttpRequest`; a ``command``
probe and a ``shell`` step run the same :class:`CommandSpec`.
"""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, JsonValue, model_validator

from drills.language.fields import NonEmptyText, SpecModel, Text, field_error

HttpMethod = Literal["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


class HttpRequest(SpecModel):
    """One HTTP request: a JSON body (``json``), a form (``form``) or raw text (``body``), at most one."""

    method: HttpMethod = "GET"
    url: NonEmptyText
    headers: dict[str, Text] = Field(default_factory=dict)
    body: str | None = None
    json_body: JsonValue = Field(default=None, alias="json")
    form: dict[str, Text] | None = None

    @model_validator(mode="after")
    def _one_body(self) -> Self:
        bodies = self.given("body", "json_body", "form")
        if len(bodies) > 1:
            written = " and ".join("json" if name == "json_body" else name for name in bodies)
            raise field_error(
                "json" if bodies[-1] == "json_body" else bodies[-1],
                f"a request has one body: {written} were both given",
            )
        return self


class CommandSpec(SpecModel):
    """A program to run: ``argv`` (its words) or ``shell`` (a script for ``sh -c``), one of the two."""

    argv: tuple[Text, ...] | None = Field(default=None, min_length=1)
    shell: str | None = None
    env: dict[str, Text] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_program(self) -> Self:
        if len(self.given("argv", "shell")) != 1:
            raise ValueError("give the program as argv (a list of words) or as shell (one script), one of them")
        return self
