"""``kind: http``: one request, and whether its status, JSON, headers, text and latency are what was expected."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from drills.language.expect import HttpExpect
from drills.language.requests import HttpRequest
from drills.probes.registry import ProbeBase, ProbeKind, Reading, register
from drills.world.targets import Target, UrlTarget

if TYPE_CHECKING:
    from drills.probes.result import ProbeResult
    from drills.world.context import DrillContext


class HttpProbe(ProbeBase, HttpRequest):
    """An HTTP request and what its answer must be."""

    kind: Literal["http"]
    expect: HttpExpect = HttpExpect()


def read(probe: HttpProbe, reading: Reading) -> ProbeResult:
    from drills.probes.http import read_http  # httpx loads on the first read, not when a scenario is validated

    return read_http(probe, probe.expect, reading.context, reading.limits)


def aims(probe: HttpProbe, context: DrillContext) -> Sequence[Target]:
    """The request's URL, and nothing else: redirects are not followed."""
    return (UrlTarget(probe.url),)


register(ProbeKind("http", HttpProbe, read, aims))
