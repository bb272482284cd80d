"""``Idempotency-Key``: a request repeated with the same key gets the first answer, and causes nothing new."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import JSONResponse

HEADER = "Idempotency-Key"
MAX_LENGTH = 255


class IdempotencyKeyError(ValueError):
    """The request's Idempotency-Key header is empty or too long."""


@dataclass
class IdempotencyKeys:
    """The first answer given for each key, kept for the provider's lifetime (a drill must never send twice)."""

    answers: dict[str, dict[str, object]] = field(default_factory=dict)

    def replay(self, key: str | None) -> JSONResponse | None:
        """The first answer again (200, ``Idempotent-Replayed: true``), or None when the key is new."""
        if key is None or key not in self.answers:
            return None
        return JSONResponse(self.answers[key], status_code=200, headers={"Idempotent-Replayed": "true"})

    def remember(self, key: str | None, answer: dict[str, object]) -> None:
        if key is not None:
            self.answers[key] = answer


def idempotency_key(request: Request) -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not key.strip() or len(key) > MAX_LENGTH:
        raise IdempotencyKeyError(f"{HEADER} must be 1 to {MAX_LENGTH} characters")
    return key
