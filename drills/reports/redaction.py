"""Secrets never reach a report or the live feed: every known secret is replaced with `***` before it shows.

Which settings and saved values are secrets is known by name, the same way everywhere (see :func:`is_secret_name`),
or by a service's declaration. A drill learns secrets as it goes (the world's, then a fault's, a step's), and its
:class:`KnownSecrets` masks with every one learnt so far.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable
from typing import Final
from urllib.parse import quote, quote_plus

from pydantic import JsonValue

from drills.timeline import DrillRecord, Event, ScenarioSummary

MASK: Final = "***"
# A setting or saved value whose name holds one of these words (in any case) is a secret.
SECRET_WORDS: Final = ("SECRET", "KEY", "PASSWORD", "TOKEN")
MIN_SECRET_LENGTH: Final = 6
"""A drill masks no shorter value: a saved token of ``42`` would mask every 42 of a report."""


def is_secret_name(name: str) -> bool:
    """Whether a setting or saved value called ``name`` holds a secret: ``ADMIN_API_KEY``, ``db_password``."""
    upper = name.upper()
    return any(word in upper for word in SECRET_WORDS)


def _forms(secret: str) -> set[str]:
    """The secret as typed, and as it shows up inside a URL, a form body or an embedded JSON document."""
    return {secret, quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1]}


class Redactor:
    """Replaces every occurrence of a known secret with `***` in text, JSON values and whole records."""

    def __init__(self, secrets: Iterable[str]) -> None:
        # An empty secret would match between every two characters.
        forms = {form for secret in secrets if secret for form in _forms(secret)}
        # Longest first, so a secret that contains another is masked whole.
        ordered = sorted(forms, key=lambda form: (-len(form), form))
        self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def text(self, text: str) -> str:
        return text if self._pattern is None else self._pattern.sub(MASK, text)

    def json(self, value: JsonValue) -> JsonValue:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.json(item) for item in value]
        if isinstance(value, dict):
            return {self.text(key): self.json(item) for key, item in value.items()}
        return value

    def record(self, record: DrillRecord) -> DrillRecord:
        """The record with every free-text field masked; times, kinds and numbers are left as they are."""
        if self._pattern is None:
            return record
        return record.model_copy(
            update={
                "drill_id": self.text(record.drill_id),
                "runtime": self.text(record.runtime),
                "responder": record.responder.model_copy(update={"name": self.text(record.responder.name)}),
                "scenario": self._scenario(record.scenario),
                "timeline": tuple(self.event(event) for event in record.timeline),
            }
        )

    def _optional(self, text: str | None) -> str | None:
        return None if text is None else self.text(text)

    def _scenario(self, scenario: ScenarioSummary) -> ScenarioSummary:
        return scenario.model_copy(
            update={
                "id": self.text(scenario.id),
                "title": self.text(scenario.title),
                "runbook": self._optional(scenario.runbook),
                "description": self._optional(scenario.description),
                "impact": self._optional(scenario.impact),
                "invariants": tuple(map(self.text, scenario.invariants)),
                "monitors": tuple(map(self.text, scenario.monitors)),
                "root_cause": self._optional(scenario.root_cause),
                "fix": self._optional(scenario.fix),
            }
        )

    def event(self, event: Event) -> Event:
        """The event with its source, message and data masked."""
        if self._pattern is None:
            return event
        data = {self.text(key): self.json(value) for key, value in event.data.items()}
        return event.model_copy(
            update={"source": self.text(event.source), "message": self.text(event.message), "data": data}
        )


class KnownSecrets:
    """The secrets a drill has met so far, growing as it learns more (the world's at its start, a fault's as it goes
    in, a value a step saves); it masks with every one of them. Thread-safe: monitors, responders, faults and the
    deploy tool learn and read from threads of their own."""

    def __init__(self, values: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self._values: frozenset[str] = frozenset()
        self._redactor = Redactor(())
        self.add(*values)

    def add(self, *values: str) -> None:
        """Learns ``values`` (one shorter than ``MIN_SECRET_LENGTH`` is not masked)."""
        new = {value for value in values if len(value) >= MIN_SECRET_LENGTH}
        with self._lock:
            if new <= self._values:
                return
            self._values |= new
            self._redactor = Redactor(self._values)

    def values(self) -> list[str]:
        with self._lock:
            return sorted(self._values)

    def redactor(self) -> Redactor:
        """A redactor of the secrets known now."""
        with self._lock:
            return self._redactor

    def text(self, text: str) -> str:
        return self.redactor().text(text)

    def event(self, event: Event) -> Event:
        return self.redactor().event(event)
