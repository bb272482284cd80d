"""Faults a scenario sets on a provider: answer an error status, or rate-limit, for a while or a number of requests.

A fault lasts for a scenario duration, for a number of requests, or (neither given) until reset; with both, it
ends at whichever comes first. A rate limit may instead lift only once its client has been quiet for a while, as
a provider's abuse protection keeps a sender blocked while it keeps knocking. Decisions are made here, in scenario
time; ``fakes.providers.endpoints`` turns them into responses.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass, field
from http import HTTPStatus

from fakes.kit.clock import ScaledClock, iso


class FaultError(ValueError):
    """A fault asked for through the control API makes no sense; the message says why."""


@dataclass
class Window:
    """How long a fault lasts: until a scenario time, for a number of refused requests, or until reset."""

    until: float | None = None
    remaining: int | None = None

    def active(self, now: float) -> bool:
        unexpired = self.until is None or now < self.until
        return unexpired and (self.remaining is None or self.remaining > 0)

    def spend(self) -> None:
        if self.remaining is not None:
            self.remaining -= 1

    def view(self) -> dict[str, object]:
        return {"until": None if self.until is None else iso(self.until), "remaining": self.remaining}


@dataclass(frozen=True)
class Refusal:
    """The answer a fault gives instead of the provider: a status, an error code, and maybe a Retry-After."""

    status: int
    error: str
    retry_after: int | None = None


@dataclass
class Failure:
    """Answer ``status`` to every request on ``paths``."""

    status: int
    paths: frozenset[str]
    window: Window

    def view(self) -> dict[str, object]:
        return {"status": self.status, "paths": sorted(self.paths), **self.window.view()}


@dataclass
class Quiet:
    """A block that lifts once no request has come for ``seconds``; every refused request starts the wait again."""

    seconds: float
    since: float

    def lifted(self, now: float) -> bool:
        return now - self.since >= self.seconds

    def knock(self, now: float) -> None:
        self.since = now

    def view(self) -> dict[str, object]:
        """``lifts_at``: when the block lifts if nothing knocks before then."""
        lifts_at = iso(self.since + self.seconds)
        return {"lifts_after_quiet_seconds": self.seconds, "quiet_since": iso(self.since), "lifts_at": lifts_at}


@dataclass
class RateLimit:
    """429 on ``paths``: every request (``limit`` None), or those past ``limit`` in each ``period`` window.

    With ``quiet``, every request is refused until the client has sent none for the quiet period; then it lifts.
    """

    period: float
    paths: frozenset[str]
    window: Window
    limit: int | None = None
    started: float = 0.0
    current: int = 0
    admitted: int = 0
    quiet: Quiet | None = None

    def active(self, now: float) -> bool:
        return self.window.active(now) and not (self.quiet is not None and self.quiet.lifted(now))

    def admit(self, now: float) -> float | None:
        """Let a request through (None), or say how many scenario seconds its client should wait."""
        if self.quiet is not None:
            self.quiet.knock(now)
        if self.limit is None:
            return self.period
        index = math.floor((now - self.started) / self.period)
        if index != self.current:
            self.current, self.admitted = index, 0
        if self.admitted < self.limit:
            self.admitted += 1
            return None
        return self.started + (index + 1) * self.period - now

    def view(self) -> dict[str, object]:
        limits = {"retry_after_seconds": self.period, "limit": self.limit}
        quiet = {} if self.quiet is None else self.quiet.view()
        return {**limits, "paths": sorted(self.paths), **self.window.view(), **quiet}


@dataclass
class Faults:
    """The faults set on one provider, and how many requests they refused, by status."""

    clock: ScaledClock
    paths: frozenset[str]
    failure: Failure | None = None
    rate_limit: RateLimit | None = None
    refused: dict[int, int] = field(default_factory=dict)

    def fail(
        self,
        status: int,
        paths: Collection[str] | None = None,
        for_seconds: float | None = None,
        count: int | None = None,
    ) -> None:
        if not 400 <= status <= 599:
            raise FaultError(f"status must be an HTTP error status (400-599), not {status}")
        self.failure = Failure(status, self._targets(paths), self._window(for_seconds, count))

    def limit_rate(
        self,
        retry_after_seconds: float,
        paths: Collection[str] | None = None,
        for_seconds: float | None = None,
        count: int | None = None,
        limit: int | None = None,
        lifts_after_quiet_seconds: float | None = None,
    ) -> None:
        if retry_after_seconds <= 0:
            raise FaultError(f"retry_after_seconds must be above 0, not {retry_after_seconds}")
        if limit is not None and limit < 0:
            raise FaultError(f"limit must be 0 or more, not {limit}")
        window = self._window(for_seconds, count)
        targets = self._targets(paths)
        now = self.clock.now()
        quiet = self._quiet(lifts_after_quiet_seconds, limit, now)
        self.rate_limit = RateLimit(retry_after_seconds, targets, window, limit, started=now, quiet=quiet)

    def reset(self) -> None:
        self.failure = None
        self.rate_limit = None

    def refusal(self, path: str) -> Refusal | None:
        """What a request to ``path`` gets instead of the provider's answer, if a fault is set on it."""
        now = self.clock.now()
        refusal = self._failure_refusal(path, now) or self._rate_limit_refusal(path, now)
        if refusal is not None:
            self.refused[refusal.status] = self.refused.get(refusal.status, 0) + 1
        return refusal

    def view(self) -> dict[str, object]:
        now = self.clock.now()
        failure = self.failure if self.failure and self.failure.window.active(now) else None
        rate_limit = self.rate_limit if self.rate_limit and self.rate_limit.active(now) else None
        return {
            "failure": None if failure is None else failure.view(),
            "rate_limit": None if rate_limit is None else rate_limit.view(),
            "refused": {str(status): count for status, count in sorted(self.refused.items())},
        }

    def _failure_refusal(self, path: str, now: float) -> Refusal | None:
        failure = self.failure
        if failure is None or path not in failure.paths or not failure.window.active(now):
            return None
        failure.window.spend()
        return Refusal(failure.status, error_code(failure.status))

    def _rate_limit_refusal(self, path: str, now: float) -> Refusal | None:
        limit = self.rate_limit
        if limit is None or path not in limit.paths or not limit.active(now):
            return None
        wait = limit.admit(now)
        if wait is None:
            return None
        limit.window.spend()
        return Refusal(429, "rate_limited", retry_after=wall_seconds(self.clock, wait))

    def _targets(self, paths: Collection[str] | None) -> frozenset[str]:
        if paths is None:
            return self.paths
        unknown = sorted(set(paths) - self.paths)
        if unknown or not paths:
            raise FaultError(f"paths must be some of {sorted(self.paths)}, not {sorted(paths)}")
        return frozenset(paths)

    def _quiet(self, seconds: float | None, limit: int | None, now: float) -> Quiet | None:
        if seconds is None:
            return None
        if seconds <= 0:
            raise FaultError(f"lifts_after_quiet_seconds must be above 0, not {seconds}")
        if limit is not None:
            raise FaultError("lifts_after_quiet_seconds refuses every request: it cannot be given with a limit")
        return Quiet(seconds, since=now)

    def _window(self, for_seconds: float | None, count: int | None) -> Window:
        if for_seconds is not None and for_seconds <= 0:
            raise FaultError(f"for_seconds must be above 0, not {for_seconds}")
        if count is not None and count <= 0:
            raise FaultError(f"count must be above 0, not {count}")
        until = None if for_seconds is None else self.clock.now() + for_seconds
        return Window(until, count)


def error_code(status: int) -> str:
    """The error code of an injected status: 503 is ``service_unavailable``."""
    try:
        return HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    except ValueError:
        return "provider_error"


def wall_seconds(clock: ScaledClock, scenario_seconds: float) -> int:
    """A Retry-After value: whole wall seconds, rounded up, at least 1."""
    return max(1, math.ceil(clock.to_wall(scenario_seconds) - 1e-9))
