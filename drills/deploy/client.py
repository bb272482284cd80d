"""The deploy tool's client: a running world's deploy actions, called over its harness's unix socket.

It speaks httpcore, the transport under httpx, directly: a call over a unix socket needs nothing of httpx's
client (redirects, auth, cookies), and importing httpx would cost `drillbit world status` a tenth of a second more
than the 0.3 s it has.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Self
from urllib.parse import quote, urlencode

import httpcore

from drills.deploy.results import Backup, ServiceStatus, Settings
from drills.deploy.session import START_ONE, Session, choose_session
from drills.errors import DrillbitError, WorldError
from drills.world.tls import plain_only

# A redeploy or a restore is answered when it is done: tens of seconds at worst.
TIMEOUTS: Final = {"connect": 5.0, "read": 90.0, "write": 90.0, "pool": 90.0}
ORIGIN: Final = "http://deploy"
TRANSPORT_ERRORS: Final = (httpcore.NetworkError, httpcore.TimeoutException, httpcore.ProtocolError)


class DeployClient:
    """Calls one world's deploy server; its errors are raised again here as the same drillbit error types."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._http = httpcore.ConnectionPool(uds=str(session.socket), ssl_context=plain_only())

    @classmethod
    def find(cls, world: str | None = None) -> DeployClient:
        """The client of the world asked for, else of ``$DRILLBIT_WORLD``, else of the only one running."""
        return cls(choose_session(world))

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    # Reading

    def status(self) -> list[ServiceStatus]:
        return [ServiceStatus(**service) for service in self._call("GET", "/status")]

    def settings(self, service: str, *, reveal: bool = False) -> Settings:
        answer = self._call("GET", f"/services/{_part(service)}/settings", params={"reveal": str(reveal).lower()})
        return Settings(**answer)

    def log_path(self, service: str) -> Path:
        return Path(self._call("GET", f"/services/{_part(service)}/log")["path"])

    def backups(self) -> list[Backup]:
        return [Backup(**found) for found in self._call("GET", "/backups")]

    # Changing; each returns the change's line (what was done and what happened)

    def set(
        self,
        service: str,
        values: Mapping[str, str],
        *,
        copy_from: str | None = None,
        copy_keys: Sequence[str] = (),
        force: bool = False,
    ) -> str:
        body = {"values": dict(values), "copy_from": copy_from, "copy_keys": list(copy_keys), "force": force}
        return self._line("POST", f"/services/{_part(service)}/settings", body)

    def unset(self, service: str, keys: Sequence[str], *, force: bool = False) -> str:
        return self._line("POST", f"/services/{_part(service)}/unset", {"keys": list(keys), "force": force})

    def restart(self, service: str) -> str:
        return self._line("POST", f"/services/{_part(service)}/restart", {})

    def backup(self, name: str | None = None) -> str:
        return self._line("POST", "/backups", {"name": name})

    def restore(self, name: str) -> str:
        return self._line("POST", f"/backups/{_part(name)}/restore", {})

    def _line(self, method: str, path: str, body: dict[str, Any]) -> str:
        return str(self._call(method, path, json_body=body)["line"])

    def _call(
        self, method: str, path: str, *, params: Mapping[str, str] | None = None, json_body: object = None
    ) -> Any:
        # Checked first: httpcore leaks the socket of a failed unix connection.
        if not self.session.socket.exists():
            raise self._silent("its socket is gone")
        url = ORIGIN + path + (f"?{urlencode(params)}" if params else "")
        content = None if json_body is None else json.dumps(json_body).encode()
        headers = [] if content is None else [(b"Content-Type", b"application/json")]
        try:
            response = self._http.request(
                method, url, headers=headers, content=content, extensions={"timeout": TIMEOUTS}
            )
        except TRANSPORT_ERRORS as error:
            raise self._silent(str(error) or type(error).__name__) from error
        if not 200 <= response.status < 300:
            raise error_from(response.status, response.content)
        return json.loads(response.content)

    def _silent(self, reason: str) -> WorldError:
        return WorldError(
            f"the deploy tool of world {self.session.world} does not answer ({reason})",
            hint=f"its harness may have just stopped: look again, or {START_ONE}",
        )


def error_from(status: int, content: bytes) -> DrillbitError:
    """The error the server raised, as the same type (or the nearest one built from a message and a hint)."""
    try:
        body = json.loads(content)
        kind, message, hint = str(body["error"]), str(body["message"]), body["hint"]
    except (ValueError, KeyError, TypeError):
        text = content.decode(errors="replace")[:200]
        return WorldError(f"the deploy tool answered {status}: {text}")
    return _error_type(kind)(message, hint=None if hint is None else str(hint))


def _error_type(name: str) -> type[DrillbitError]:
    found = next((kind for kind in _subclasses(DrillbitError) if kind.__name__ == name), WorldError)
    # Errors built from more than a message (ScenarioError's file and line) come back as their nearest parent.
    parents = [kind for kind in found.__mro__ if issubclass(kind, DrillbitError)]
    return next(kind for kind in parents if kind is DrillbitError or "__init__" not in vars(kind))


def _subclasses(kind: type[DrillbitError]) -> list[type[DrillbitError]]:
    return [kind, *(found for sub in kind.__subclasses__() for found in _subclasses(sub))]


def _part(name: str) -> str:
    return quote(name, safe="")
