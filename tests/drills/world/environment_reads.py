"""``python -m tests.drills.world.environment_reads MODULE ARG...``: runs a service's module as the world starts it,
up to the moment it would serve, and prints (as JSON) its exit code and every environment variable its own code
looked up.

Reads are recorded in ``os.environ`` itself, so whatever reads it is seen (a settings helper, a default argument,
``os.getenv``), and a read counts when the code that asked is the service's package (``fakes``): what a library
reads for itself (httpx's proxy variables) is no setting of the service. Nothing is served: ``uvicorn.run`` and
``asyncio.run`` return at once. Everything is imported after the recorder is in place, so a read at import counts.
"""

from __future__ import annotations

import asyncio
import json
import os
import runpy
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import uvicorn

SERVICE_CODE = str(Path(__file__).resolve().parents[3] / "fakes") + os.sep
PASSED_THROUGH = frozenset({"os", "_collections_abc", "collections.abc"})
"""Modules a read goes through on its way from the code that asked (``environ.get`` is Mapping.get, in Python)."""


def _asked_by_the_service() -> bool:
    frame = sys._getframe(2)
    while frame is not None and frame.f_globals.get("__name__") in PASSED_THROUGH:
        frame = frame.f_back  # type: ignore[assignment]
    return frame is not None and frame.f_code.co_filename.startswith(SERVICE_CODE)


def record_reads(read: set[str]) -> None:
    original = os._Environ.__getitem__

    def recording(self: os._Environ[str], key: str) -> str:
        if self is os.environ and _asked_by_the_service():
            read.add(key)
        return original(self, key)

    os._Environ.__getitem__ = recording  # type: ignore[method-assign,assignment]


def _not_served(*args: object, **kwargs: object) -> None:
    return None


def _not_run(coroutine: Coroutine[Any, Any, Any], **kwargs: object) -> None:
    coroutine.close()


def main() -> None:
    module, *arguments = sys.argv[1:]
    read: set[str] = set()
    record_reads(read)
    uvicorn.run = _not_served
    asyncio.run = _not_run  # type: ignore[assignment]
    sys.argv = [module, *arguments]
    code: object = 0
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit as exit:
        code = exit.code
    print(json.dumps({"exit": code, "read": sorted(read)}))


if __name__ == "__main__":
    main()
