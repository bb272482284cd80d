"""Free TCP ports on loopback."""

from __future__ import annotations

import socket

from drills.world.targets import LOOPBACK


def free_port(host: str = LOOPBACK) -> int:
    """A port nothing listens on right now; the caller retries if another process takes it first."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port
