"""Stopping a fake started as a subprocess in a test: politely, then for sure, never waiting forever."""

from __future__ import annotations

import subprocess

STOP_TIMEOUT = 10.0


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT)
