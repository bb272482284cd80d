"""What the deploy tool's reads return: plain values, which the server sends as JSON and the client reads back.

Standard library only, so ``drillbit world status`` loads neither the actions nor what they import.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceStatus:
    """One service as the deploy tool shows it; URLs with credentials are masked."""

    name: str
    running: bool
    healthy: bool
    url: str
    proxy: str


@dataclass(frozen=True)
class Settings:
    """A service's current settings, secret-looking ones masked unless revealed."""

    service: str
    values: dict[str, str]
    revealed: bool


@dataclass(frozen=True)
class Backup:
    """A dump of the world's database, in the world's folder."""

    name: str
    path: str
    size_bytes: int
    created: str
