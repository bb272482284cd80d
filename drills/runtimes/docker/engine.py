"""Whether a Docker engine answers: what ``drillbit doctor`` says, and what the docker runtime asks before it
starts anything. The engine asked is the one testcontainers would use (``DOCKER_HOST``, its own properties file,
or the current docker context); the libraries load only when the question is asked."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any, Final

ENGINE_TIMEOUT_S: Final = 5.0
DEFAULT_HOST: Final = "unix:///var/run/docker.sock"


def engine_answers() -> str | None:
    """None when the Docker engine answers a ping; else one line saying which one did not, and why."""
    try:
        import docker
        import requests
        from testcontainers.core.docker_client import get_docker_host
    except ImportError as error:
        return f"the docker runtime's libraries are not installed ({error.name}): pip install drillbit"
    settings = docker.utils.kwargs_from_env()
    settings["base_url"] = get_docker_host() or settings.get("base_url") or DEFAULT_HOST
    try:
        _ping(settings)
    except (docker.errors.DockerException, requests.RequestException, OSError) as error:
        where = settings["base_url"]
        return f"no Docker engine answers at {where} ({cause(error)}): start one, or use the local runtime"
    return None


def _ping(settings: dict[str, Any]) -> None:
    """One unversioned ``/_ping``. A socket file is tried first on its own: the SDK leaves its socket open when
    the connection fails, and its client asks the engine's API version as it is made."""
    import docker

    address = str(settings["base_url"])
    if address.startswith("unix://"):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            probe.settimeout(ENGINE_TIMEOUT_S)
            probe.connect(address.removeprefix("unix://"))
    api = docker.APIClient(**settings, version=docker.constants.MINIMUM_DOCKER_API_VERSION, timeout=ENGINE_TIMEOUT_S)
    try:
        api.get(f"{api.base_url}/_ping", timeout=ENGINE_TIMEOUT_S).raise_for_status()
    finally:
        api.close()


def cause(error: BaseException) -> str:
    """What went wrong at the bottom, in a few words: the first system error under ``error`` (the Docker SDK wraps
    it in two or three layers of messages), else the error's own first line."""
    for found in _chain(error):
        if isinstance(found, OSError) and isinstance(found.strerror, str) and found.strerror:
            return found.strerror.lower()
    first = str(error).splitlines()[0] if str(error) else ""
    return first or type(error).__name__


def _chain(error: BaseException) -> Iterator[BaseException]:
    """``error`` and every error under it: its cause, its context, and errors among its arguments."""
    seen: set[int] = set()
    pending = [error]
    while pending:
        found = pending.pop(0)
        if id(found) in seen:
            continue
        seen.add(id(found))
        yield found
        under = [found.__cause__, found.__context__, *found.args]
        pending.extend(item for item in under if isinstance(item, BaseException))
