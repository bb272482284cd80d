"""A provider's credential: the one valid now, and those it replaced, which answer as expired."""

from __future__ import annotations

import hmac
import random
from dataclasses import dataclass, field
from typing import Literal

Verdict = Literal["valid", "expired", "unknown"]


@dataclass
class Credential:
    """One valid secret at a time; rotating it retires the old one at once."""

    current: str
    retired: list[str] = field(default_factory=list)

    def check(self, presented: str | None) -> Verdict:
        if presented is None:
            return "unknown"
        if hmac.compare_digest(presented.encode(), self.current.encode()):
            return "valid"
        if any(hmac.compare_digest(presented.encode(), old.encode()) for old in self.retired):
            return "expired"
        return "unknown"

    def rotate(self, new: str) -> None:
        if new != self.current:
            self.retired.append(self.current)
            self.current = new


def random_secret(rng: random.Random, prefix: str) -> str:
    """A secret that looks like a provider's (``prefix`` + 32 hex digits), reproducible from the seed."""
    return f"{prefix}{rng.getrandbits(128):032x}"
