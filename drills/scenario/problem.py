"""A mistake in a scenario that a check found, where it is in the data, and what to do about it."""

from __future__ import annotations

from dataclasses import dataclass

from drills.language.source import DataPath


@dataclass(frozen=True)
class Problem:
    """One mistake, where it is in the data, and what to do about it."""

    path: DataPath
    message: str
    hint: str | None = None
