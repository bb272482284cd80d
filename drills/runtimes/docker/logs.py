"""A container's output, copied into its service's log file as it comes, so a log probe reads it as it would a
local world's."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from docker.models.containers import Container

JOIN_TIMEOUT_S: Final = 2.0


class LogCopy:
    """One run of a container, from its start to its end, appended to a file by a thread of its own."""

    def __init__(self, container: Container, path: Path) -> None:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Attached before the container starts, so nothing it says first is lost; logs=False: no earlier run again.
        self._stream = container.attach(stdout=True, stderr=True, stream=True, logs=False)
        self._thread = threading.Thread(target=_copy, args=(self._stream, path), name=f"log {path.stem}", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Ends the copy (the container may run on) and waits a moment for the thread."""
        self._stream.close()
        self._thread.join(JOIN_TIMEOUT_S)


def _copy(stream: Iterable[bytes], path: Path) -> None:
    import docker
    import requests

    with path.open("ab") as log:
        try:
            for chunk in stream:
                log.write(chunk)
                log.flush()
        except (docker.errors.DockerException, requests.RequestException, OSError, ValueError):
            # The container or the stream went away (closed at teardown): what came is in the file.
            return
