"""Reading a fake's configuration from its environment, as a deployed service does."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from fakes.kit.clock import ClockFile, ScaledClock


class SettingError(ValueError):
    """An environment variable is missing or malformed."""


def text(name: str, default: str | None = None, env: Mapping[str, str] = os.environ) -> str:
    value = env.get(name, default)
    if value is None:
        raise SettingError(f"environment variable {name} is not set")
    return value


def number(name: str, default: float, env: Mapping[str, str] = os.environ) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise SettingError(f"environment variable {name}={raw!r} is not a number") from None


def integer(name: str, default: int, env: Mapping[str, str] = os.environ) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingError(f"environment variable {name}={raw!r} is not a whole number") from None


def clock_from(env: Mapping[str, str] = os.environ) -> ScaledClock:
    """The world's clock: DRILLBIT_TIME_SCALE, DRILLBIT_EPOCH (Unix seconds) and DRILLBIT_CLOCK (the harness's
    clock file, which it holds still while it works) from the environment."""
    scale = number("DRILLBIT_TIME_SCALE", 1.0, env)
    if scale <= 0:
        raise SettingError(f"DRILLBIT_TIME_SCALE must be above 0, not {scale}")
    epoch = env.get("DRILLBIT_EPOCH")
    follows = ClockFile(Path(env["DRILLBIT_CLOCK"])) if env.get("DRILLBIT_CLOCK") else None
    if not epoch:
        return ScaledClock(scale=scale, follows=follows)
    return ScaledClock(scale=scale, epoch=float(epoch), follows=follows)


def flag(name: str, default: bool, env: Mapping[str, str] = os.environ) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise SettingError(f"environment variable {name}={raw!r} is not true or false")


def secret(name: str, env: Mapping[str, str] = os.environ) -> str:
    """A secret the service cannot run without: set, and not empty."""
    value = text(name, env=env)
    if not value:
        raise SettingError(f"{name} must not be empty")
    return value


def above_zero(values: Mapping[str, float]) -> None:
    """Refuse, naming the variable, a count or duration no deployment could run with."""
    for name, value in values.items():
        if value <= 0:
            raise SettingError(f"{name} must be above 0, not {value}")


def not_negative(values: Mapping[str, float]) -> None:
    """Refuse, naming the variable, a count below 0."""
    for name, value in values.items():
        if value < 0:
            raise SettingError(f"{name} must be 0 or more, not {value}")
