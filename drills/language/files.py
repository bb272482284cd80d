"""Reading a scenario's or a runbook's file: its UTF-8 text, or a ScenarioError that names the file."""

from __future__ import annotations

from pathlib import Path

from drills.errors import ScenarioError


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(str(path), None, "is not UTF-8 text") from None
    except OSError as error:
        raise ScenarioError(str(path), None, f"cannot be read: {error.strerror}") from None
