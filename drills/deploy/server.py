"""The deploy tool's server: a running world's deploy actions over HTTP, on a unix socket in the world's folder.

The harness that owns the world runs it on a background thread, so ``drillbit world ...`` and ``drillbit shell``
work from another terminal. Errors travel as JSON (the error's type, message and hint) and the client raises
them again as the same type.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Final, Self, TypeVar

import uvicorn
from pydantic import BaseModel, ConfigDict, ValidationError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from drills.clock import Clock, SystemClock, wait_for
from drills.deploy import actions
from drills.deploy.session import SESSION_FILE, SOCKET_FILE, Session, write_session
from drills.errors import DrillbitError, InputError, RedeployFailedError, UnknownNameError, WorldError
from drills.world.env import connection_env
from drills.world.home import start_time
from drills.world.protocol import World

START_TIMEOUT_SECONDS: Final = 10.0
STOP_TIMEOUT_SECONDS: Final = 5.0
# A second change waits for the one being made (a redeploy takes seconds), not forever.
CHANGE_WAIT_SECONDS: Final = 60.0
log = logging.getLogger(__name__)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Body = TypeVar("Body", bound=_Body)


class SetBody(_Body):
    """``world set``: KEY=VALUE settings, and keys to copy from another service."""

    values: dict[str, str] = {}
    copy_from: str | None = None
    copy_keys: tuple[str, ...] = ()
    force: bool = False
    """Set settings the service does not read, too."""


class UnsetBody(_Body):
    """``world unset``: the keys to remove."""

    keys: tuple[str, ...]
    force: bool = False
    """Remove settings the service cannot start without, too."""


class BackupBody(_Body):
    """``world backup``: the backup's name, or None for the current UTC time."""

    name: str | None = None


def _ignore(line: str) -> None:
    """No one listens by default."""


def status_code(error: DrillbitError) -> int:
    if isinstance(error, UnknownNameError):
        return 404
    return 400 if isinstance(error, InputError) else 500


class DeployServer:
    """Serves a world's deploy actions on ``<directory>/deploy.sock`` and says so in ``<directory>/session.json``.

    ``on_action`` gets one line for every change made through it (a failed one too, and a rollback after it),
    never a secret value.
    """

    def __init__(
        self,
        world: World,
        directory: Path,
        *,
        on_action: Callable[[str], None] = _ignore,
        clock: Clock | None = None,
    ) -> None:
        self.world = world
        self.directory = directory
        self.on_action = on_action
        self.clock = clock or SystemClock()
        self._changing = threading.Lock()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._listening: socket.socket | None = None

    @property
    def socket_path(self) -> Path:
        return self.directory / SOCKET_FILE

    @property
    def session_path(self) -> Path:
        return self.directory / SESSION_FILE

    # Lifetime

    def start(self) -> None:
        """Listens on the socket (mode 0600 before the first connection), then writes the session file."""
        if self._thread is not None:
            raise RuntimeError("the deploy server is already started")
        listening = self._listening = self._bind()
        config = uvicorn.Config(
            self.app(),
            uds=str(self.socket_path),
            log_level="warning",
            access_log=False,
            lifespan="off",
            http="h11",
            ws="none",
            timeout_graceful_shutdown=1,
        )
        server = self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=server.run, kwargs={"sockets": [listening]}, name=f"deploy-{self.world.name}", daemon=True
        )
        self._thread.start()
        thread = self._thread
        wait_for(lambda: server.started or not thread.is_alive(), START_TIMEOUT_SECONDS, self.clock)
        if not server.started:
            self.stop()
            raise WorldError(f"the deploy tool of world {self.world.name} did not start")
        write_session(self._session())

    def stop(self) -> None:
        """Removes the session file first (no new client finds it), then stops serving; bounded."""
        self.session_path.unlink(missing_ok=True)
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(STOP_TIMEOUT_SECONDS)
        if self._listening is not None:
            self._listening.close()
        self._server = self._thread = self._listening = None
        self.socket_path.unlink(missing_ok=True)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    def _bind(self) -> socket.socket:
        self.socket_path.unlink(missing_ok=True)
        listening = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            listening.bind(str(self.socket_path))
            self.socket_path.chmod(0o600)
        except OSError as error:
            listening.close()
            raise WorldError(
                f"the deploy tool cannot listen on {self.socket_path}: {error}",
                hint="a unix socket's path must be short: set DRILLBIT_HOME to a shorter folder",
            ) from error
        return listening

    def _session(self) -> Session:
        pid = os.getpid()
        return Session(
            world=self.world.name,
            socket=self.socket_path,
            directory=self.directory,
            owner_pid=pid,
            owner_started=start_time(pid),
            env=connection_env(self.world),
        )

    # The HTTP API

    def app(self) -> Starlette:
        routes = [
            Route("/status", self._status),
            Route("/services/{service}/settings", self._settings, methods=["GET"]),
            Route("/services/{service}/settings", self._set, methods=["POST"]),
            Route("/services/{service}/unset", self._unset, methods=["POST"]),
            Route("/services/{service}/restart", self._restart, methods=["POST"]),
            Route("/services/{service}/log", self._log),
            Route("/backups", self._backups, methods=["GET"]),
            Route("/backups", self._backup, methods=["POST"]),
            Route("/backups/{name}/restore", self._restore, methods=["POST"]),
        ]
        return Starlette(routes=routes, exception_handlers={DrillbitError: _error_response})

    async def _status(self, request: Request) -> Response:
        found = await run_in_threadpool(actions.status, self.world)
        return JSONResponse([dataclasses.asdict(service) for service in found])

    async def _settings(self, request: Request) -> Response:
        reveal = request.query_params.get("reveal", "") in ("1", "true")
        service = request.path_params["service"]
        return JSONResponse(dataclasses.asdict(actions.show_settings(self.world, service, reveal=reveal)))

    async def _log(self, request: Request) -> Response:
        return JSONResponse({"path": str(actions.log_path(self.world, request.path_params["service"]))})

    async def _backups(self, request: Request) -> Response:
        return JSONResponse([dataclasses.asdict(found) for found in actions.list_backups(self.directory)])

    async def _set(self, request: Request) -> Response:
        body = await _parse(request, SetBody)
        service = request.path_params["service"]
        return await self._change(
            lambda: actions.set_settings(
                self.world,
                service,
                body.values,
                copy_from=body.copy_from,
                copy_keys=body.copy_keys,
                force=body.force,
            )
        )

    async def _unset(self, request: Request) -> Response:
        body = await _parse(request, UnsetBody)
        service = request.path_params["service"]
        return await self._change(lambda: actions.unset_settings(self.world, service, body.keys, force=body.force))

    async def _restart(self, request: Request) -> Response:
        return await self._change(lambda: actions.restart(self.world, request.path_params["service"]))

    async def _backup(self, request: Request) -> Response:
        body = await _parse(request, BackupBody)
        name = body.name or actions.backup_name(datetime.fromtimestamp(self.clock.wall(), UTC))
        return await self._change(lambda: actions.backup(self.world, self.directory, name))

    async def _restore(self, request: Request) -> Response:
        return await self._change(lambda: actions.restore(self.world, self.directory, request.path_params["name"]))

    async def _change(self, plan: Callable[[], actions.Change]) -> Response:
        # Long changes (a redeploy, a restore) run in a worker thread; the client waits for them.
        line = await run_in_threadpool(self._make, plan)
        return JSONResponse({"line": line})

    def _make(self, plan: Callable[[], actions.Change]) -> str:
        change = plan()  # checks the input: a refused change changed nothing, so nothing is told
        if not self._changing.acquire(timeout=CHANGE_WAIT_SECONDS):
            raise WorldError("another change to the world is still being made", hint="try again in a moment")
        try:
            line = change()
        except DrillbitError as error:
            masker = actions.Masker(self.world)
            for said in _what_happened(error):
                self._tell(f"{change.action}: {masker.text(said)}")
            raise
        finally:
            self._changing.release()
        self._tell(line)
        return line

    def _tell(self, line: str) -> None:
        try:
            self.on_action(line)
        except Exception:  # a listener that fails must not undo or hide a change that was made
            log.exception("the deploy tool's on_action failed on %r", line)


def _what_happened(error: DrillbitError) -> list[str]:
    """A failed change in a line, and a second line for the deploy tool's rollback after it."""
    if isinstance(error, RedeployFailedError):
        return [f"failed: {error.failure}", error.rollback]
    return [f"failed: {error.message.splitlines()[0]}"]


async def _parse(request: Request, model: type[Body]) -> Body:
    try:
        return model.model_validate_json(await request.body() or b"{}")
    except ValidationError as error:
        raise InputError(f"the deploy tool got a malformed request: {error}") from error


async def _error_response(request: Request, error: Exception) -> Response:
    if not isinstance(error, DrillbitError):
        raise error
    body = {"error": type(error).__name__, "message": error.message, "hint": error.hint}
    return JSONResponse(body, status_code=status_code(error))
