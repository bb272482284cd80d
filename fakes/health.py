"""``python -m fakes.health URL``: exits 0 when URL answers 200 within 2 seconds, else 1.

The world file's health checks run it inside a fake's container, which has Python but neither curl nor wget. It
uses the standard library only, and the 2 seconds bound the whole check, from connecting to the answer's status.
"""

from __future__ import annotations

import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import Final

TIMEOUT_S: Final = 2.0
USAGE: Final = "usage: python -m fakes.health URL"


def answers(url: str, timeout: float = TIMEOUT_S) -> bool:
    """Whether ``url`` answers 200 within ``timeout`` seconds (a redirect is followed; its end must be 200)."""
    found: list[int] = []
    worker = threading.Thread(target=lambda: found.append(_status(url, timeout)), daemon=True)
    worker.start()
    worker.join(timeout)
    return found == [200]


def _status(url: str, timeout: float) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError, ValueError):
        return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print(USAGE, file=sys.stderr)
        return 2
    return 0 if answers(args[0]) else 1


if __name__ == "__main__":
    raise SystemExit(main())
