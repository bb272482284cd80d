"""What one read of the world gave: whether it held, why (or what it read), and the raw output for ``save``."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit, urlunsplit

from pydantic import JsonValue

from drills.reports.redaction import Redactor
from drills.world.context import DrillContext

DETAIL_CHARACTERS: Final = 300
VALUE_CHARACTERS: Final = 16_000
"""The most a result's value keeps, as JSON: it goes on the timeline at every tick; ``output`` keeps it all."""
_USERINFO: Final = re.compile(r"(?<=://)[^/@\s:]*:[^/@\s]*@")


@dataclass(frozen=True)
class ProbeResult:
    """One evaluation of a probe: ``held``, a short ``detail``, what was read, and its raw text for ``save``."""

    held: bool
    detail: str
    value: JsonValue = None
    output: str = ""
    parsed: JsonValue | None = None
    latency_s: float = 0.0


@dataclass(frozen=True)
class ProbeLimits:
    """How long one read may take, in wall seconds: a probe gets a few seconds; a step may pass its own."""

    connect_s: float = 2.0
    read_s: float = 5.0
    command_s: float = 10.0


DEFAULT_LIMITS: Final = ProbeLimits()


def safe_url(url: str) -> str:
    """A URL fit for a detail: no user or password, and no query, which may carry a key."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(a malformed URL)"
    netloc = parts.netloc.rpartition("@")[2]
    query = "…" if parts.query else ""
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def scrub(context: DrillContext, text: str) -> str:
    """``text`` without the world's secrets or any password in a URL, cut to a few lines' length."""
    text = Redactor(context.secrets().values()).text(_USERINFO.sub("***@", text))
    text = " ".join(text.split())
    return text if len(text) <= DETAIL_CHARACTERS else text[: DETAIL_CHARACTERS - 1] + "…"


def outcome(
    context: DrillContext,
    reasons: Sequence[str],
    read: str,
    *,
    value: JsonValue,
    output: str,
    parsed: JsonValue | None,
    latency_s: float,
) -> ProbeResult:
    """A probe that read something: it holds when nothing is wrong; the detail is what is, or what was read."""
    detail = "; ".join(reasons) if reasons else read
    return ProbeResult(not reasons, scrub(context, detail), value, output, parsed, latency_s)


def unreadable(context: DrillContext, detail: str, latency_s: float, value: JsonValue = None) -> ProbeResult:
    """A probe that could not read at all (refused, timed out, an SQL error): it does not hold."""
    return ProbeResult(False, scrub(context, detail), value, "", None, latency_s)


def bounded(value: JsonValue) -> JsonValue:
    """``value``, or a note of its size when it is too large to put on the timeline at every evaluation."""
    size = len(json.dumps(value))
    return value if size <= VALUE_CHARACTERS else f"({size} characters of JSON, not kept)"


def describe(error: BaseException) -> str:
    """An exception as a detail shows it: its message, or its type when it has none."""
    message = str(error).strip().splitlines()
    return message[0] if message else type(error).__name__
