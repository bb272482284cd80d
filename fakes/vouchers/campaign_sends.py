"""One campaign send through the messaging provider, and what its answer means for the target.

Outcomes: ``sent`` (202, or 200 when the idempotency key had been used: the provider's first answer);
``rate_limited`` (429: try again after its Retry-After, which does not use up an attempt); ``error`` (5xx, no
answer in time, an unreadable answer: retried with exponential backoff); ``failed`` (any other 4xx, with the
provider's error code, or an error on the last of ``DISPATCH_MAX_ATTEMPTS`` attempts: the target is given up).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from fakes.kit.providers import ProviderError
from fakes.vouchers.state import AppState

Outcome = Literal["sent", "rate_limited", "error", "failed"]
OUTCOMES: tuple[Outcome, ...] = ("sent", "rate_limited", "error", "failed")
# Scenario seconds to wait after a 429 that names no Retry-After.
DEFAULT_RETRY_AFTER = 60.0
# Scenario seconds from a target's first error to its next attempt; the wait doubles with each error, up to the max.
FIRST_RETRY_DELAY = 10.0
MAX_RETRY_DELAY = 3600.0
# httpx's timeout bounds each of connect, write and read; this bounds the whole send.
PHASES_PER_SEND = 3


@dataclass(frozen=True)
class Target:
    """A pending target claimed for this batch: ``attempts`` is how many attempts it has had before."""

    id: int
    recipient: str
    attempts: int


@dataclass(frozen=True)
class Attempt:
    """How one send went, when (scenario time), and how many scenario seconds until the target's next try."""

    target: Target
    outcome: Outcome
    at: datetime
    message_id: str | None = None
    error: str | None = None
    wait: float | None = None

    @property
    def counted(self) -> bool:
        """A 429 is the provider declining to look at the send: it is not one of the target's attempts."""
        return self.outcome != "rate_limited"


def idempotency_key(campaign_id: int, recipient: str) -> str:
    return f"campaign-{campaign_id}-{recipient}"


def send_budget(http_timeout: float) -> float:
    """Wall seconds one send may take in all."""
    return http_timeout * PHASES_PER_SEND


def retry_delay(attempts: int) -> float:
    """Scenario seconds before the next attempt after ``attempts`` errors: 10, 20, 40, ... up to an hour."""
    return min(MAX_RETRY_DELAY, FIRST_RETRY_DELAY * 2.0 ** max(0, attempts - 1))


async def send_to(state: AppState, campaign_id: int, body: str, target: Target) -> Attempt:
    """Send the campaign's body to one target; never raises for what the provider (or the network) did."""
    key = idempotency_key(campaign_id, target.recipient)
    try:
        async with asyncio.timeout(send_budget(state.settings.http_timeout)):
            message = await state.messaging.send(target.recipient, body, key)
    except ProviderError as error:
        return judge_refusal(state, target, error)
    except TimeoutError:
        return judge_refusal(state, target, ProviderError(state.messaging.name, "timeout"))
    return Attempt(target, "sent", state.clock.now_datetime(), message_id=message.id)


def judge_refusal(state: AppState, target: Target, error: ProviderError) -> Attempt:
    now = state.clock.now_datetime()
    if error.status == 429:
        # Retry-After is in wall seconds (the provider's clock runs at the world's scale): scale it back.
        wait = DEFAULT_RETRY_AFTER if error.retry_after is None else max(0.0, error.retry_after) * state.clock.scale
        return Attempt(target, "rate_limited", now, error="rate_limited", wait=wait)
    attempts = target.attempts + 1
    retryable = error.status is None or error.status >= 500 or error.code == "malformed_response"
    if retryable and attempts < state.settings.dispatch_max_attempts:
        wait = retry_delay(attempts)
        return Attempt(target, "error", now, error=error.code, wait=wait)
    return Attempt(target, "failed", now, error=error.code)
