"""``kind: data``: SQL run on the world's Postgres, or a command on its Redis, straight at the server (never
through its proxy), and its undoing.

A Redis command runs once and ``revert_redis`` undoes it. SQL without ``hold_open`` runs once, committed, and
``revert_sql`` undoes it. With ``hold_open`` each of ``sessions`` connections runs the SQL in a transaction and
keeps it open: a leak that holds connections, or a lock holder that blocks everyone else. Reverting closes those
connections (the server rolls their transactions back), makes sure their backends are gone (ending any that
linger), then runs ``revert_sql``. Sessions a responder already ended are fine. Every statement is bounded by
``STATEMENT_TIMEOUT_SECONDS``: SQL that waits for a lock longer than that fails instead of hanging the drill.
psycopg and redis-py load when a fault goes in, not when a scenario is validated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final, Literal, Self

from pydantic import Field, model_validator

from drills.clock import wait_for
from drills.errors import FaultError
from drills.faults.active import ActiveFault
from drills.faults.base import FaultBase
from drills.faults.registry import FaultKind, register
from drills.language.fields import NonEmptyText, Text, field_error
from drills.world.spec import ServiceKind
from drills.world.targets import DatabaseTarget, Target, UrlTarget

if TYPE_CHECKING:
    import psycopg
    from psycopg.rows import TupleRow

    from drills.world.context import DrillContext

    Connection = psycopg.Connection[TupleRow]

STATEMENT_TIMEOUT_SECONDS: Final = 10.0
CONNECT_TIMEOUT_SECONDS: Final = 5
SESSIONS_END_SECONDS: Final = 5.0
TERMINATE_WAIT_MILLISECONDS: Final = 2000
SHOWN_LENGTH: Final = 80
COMMAND_TIMEOUT_SECONDS: Final = 5.0


class DataFault(FaultBase):
    """A change to the world's data: SQL on its database (undone by ``revert_sql``), or a Redis command
    (undone by ``revert_redis``).

    With ``hold_open`` each of ``sessions`` connections runs the SQL in a transaction it keeps open until the
    fault is reverted: a leak that holds the pool, or locks that block everyone else.
    """

    kind: Literal["data"]
    sql: NonEmptyText | None = None
    revert_sql: str | None = None
    database: str | None = None
    sessions: int = Field(default=1, ge=1, le=200)
    hold_open: bool = False
    redis: tuple[Text, ...] | None = Field(default=None, min_length=1)
    revert_redis: tuple[Text, ...] | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _sql_or_redis(self) -> Self:
        if (self.sql is None) == (self.redis is None):
            raise ValueError("a data fault runs sql or a redis command, one of the two")
        sql_only = self.given("revert_sql", "database", "sessions", "hold_open")
        if self.redis is not None and sql_only:
            raise field_error(sql_only[0], f"{sql_only[0]} goes with sql, not with a redis command")
        if self.sql is not None and self.revert_redis is not None:
            raise field_error("revert_redis", "revert_redis goes with a redis command, not with sql")
        return self


def database_url(context: DrillContext, database: str | None = None) -> str:
    """The world's Postgres server itself, on its default database or on ``database``: what the fault aims at."""
    from psycopg.conninfo import make_conninfo

    world = context.world
    servers = [service.name for service in world.spec.services if service.kind is ServiceKind.POSTGRES]
    if not servers or servers[0] not in world.endpoints:
        raise FaultError("this world has no running Postgres to run a data fault on")
    url = world.endpoints[servers[0]].url
    if database is not None:
        url = make_conninfo(url, dbname=database)
    return url


def connect(url: str, *, autocommit: bool) -> Connection:
    import psycopg

    timeout_ms = int(STATEMENT_TIMEOUT_SECONDS * 1000)
    return psycopg.connect(
        url,
        autocommit=autocommit,
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        options=f"-c statement_timeout={timeout_ms}",
    )


def run_sql(url: str, sql: str) -> None:
    """Runs ``sql`` (one or more statements) and commits it."""
    with connect(url, autocommit=True) as connection:
        connection.execute(sql)


@dataclass
class DataChanged:
    """SQL that ran on the database, the sessions still holding it open, and what undoes it."""

    fault: DataFault
    context: DrillContext
    url: str
    sessions: list[Connection] = field(default_factory=list)
    backend_pids: list[int] = field(default_factory=list)
    revert_sql_done: bool = False

    def describe(self) -> str:
        sql = _shortened(self.fault.sql or "")
        database = self.fault.database or "the world's database"
        if self.fault.hold_open:
            count = self.fault.sessions
            return f"`{sql}` on {database}, held open by {count} session{'s' if count > 1 else ''}"
        return f"`{sql}` run on {database}"

    def undo(self) -> None:
        import psycopg

        close_all(self.sessions)
        if self.backend_pids:
            self._end_backends()
        if self.fault.revert_sql is not None and not self.revert_sql_done:
            try:
                run_sql(self.url, self.fault.revert_sql)
            except psycopg.Error as error:
                raise FaultError(f"its revert_sql failed: {_first_line(error)}") from error
            self.revert_sql_done = True

    def _end_backends(self) -> None:
        """Waits until the held sessions' server processes are gone; ends any that linger."""
        import psycopg

        query = "SELECT pid FROM pg_stat_activity WHERE pid = ANY(%s)"
        try:
            with connect(self.url, autocommit=True) as connection:

                def remaining() -> list[int]:
                    return [row[0] for row in connection.execute(query, [self.backend_pids]).fetchall()]

                if not wait_for(lambda: not remaining(), SESSIONS_END_SECONDS, self.context.clock):
                    for pid in remaining():
                        connection.execute("SELECT pg_terminate_backend(%s, %s)", [pid, TERMINATE_WAIT_MILLISECONDS])
                left = remaining()
        except psycopg.Error as error:
            raise FaultError(
                f"its sessions were closed, but the database could not confirm they ended: {_first_line(error)}"
            ) from error
        if left:
            raise FaultError(f"sessions with server pids {left} are still open after being ended")
        self.backend_pids = []


def close_all(sessions: list[Connection]) -> None:
    """Closes every connection; the server rolls back what each left open. One already broken is fine."""
    import psycopg

    while sessions:
        connection = sessions.pop()
        try:
            connection.close()
        except psycopg.Error:
            continue


def inject(fault: DataFault, context: DrillContext) -> ActiveFault:
    """Runs the fault's Redis command, or its SQL: once and committed, or held open by each of its sessions."""
    import psycopg

    if fault.sql is None:
        return inject_redis(fault, context)
    url = database_url(context, fault.database)
    changed = DataChanged(fault, context, url)
    sql = fault.sql
    if not fault.hold_open:
        try:
            run_sql(url, sql)
        except psycopg.Error as error:
            raise FaultError(f"its SQL failed: {_first_line(error)}") from error
        return ActiveFault(fault, changed)
    for number in range(1, fault.sessions + 1):
        try:
            connection = connect(url, autocommit=False)
            changed.sessions.append(connection)
            changed.backend_pids.append(connection.info.backend_pid)
            connection.execute(sql)
        except psycopg.Error as error:
            close_all(changed.sessions)
            raise _session_failed(number, fault.sessions, error) from error
    return ActiveFault(fault, changed)


def _session_failed(number: int, sessions: int, error: psycopg.Error) -> FaultError:
    import psycopg

    hint = None
    if isinstance(error, psycopg.errors.QueryCanceled | psycopg.errors.LockNotAvailable):
        hint = "SQL that takes an exclusive lock can be held by one session only: use sessions: 1"
    return FaultError(f"session {number} of {sessions} could not run its SQL: {_first_line(error)}", hint=hint)


def _first_line(error: psycopg.Error) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _shortened(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SHOWN_LENGTH else text[: SHOWN_LENGTH - 1] + "…"


def redis_url(context: DrillContext) -> str:
    """The world's Redis server itself: what the fault aims at."""
    world = context.world
    servers = [service.name for service in world.spec.services if service.kind is ServiceKind.REDIS]
    if not servers or servers[0] not in world.endpoints:
        raise FaultError("this world has no running Redis to run a data fault on")
    return world.endpoints[servers[0]].url


def run_redis(url: str, words: tuple[str, ...], context: DrillContext) -> None:
    """Runs one Redis command, its words resolved now."""
    import redis

    client = redis.Redis.from_url(
        url, socket_timeout=COMMAND_TIMEOUT_SECONDS, socket_connect_timeout=COMMAND_TIMEOUT_SECONDS
    )
    try:
        client.execute_command(*words)  # type: ignore[no-untyped-call]
    finally:
        client.close()


@dataclass
class RedisChanged:
    """A Redis command that ran, and the one that undoes it."""

    fault: DataFault
    context: DrillContext
    url: str

    def describe(self) -> str:
        return f"`{_shortened(' '.join(self.fault.redis or ()))}` run on redis"

    def undo(self) -> None:
        import redis

        if self.fault.revert_redis is None:
            return
        try:
            run_redis(self.url, self.fault.revert_redis, self.context)
        except redis.RedisError as error:
            raise FaultError(f"its revert_redis failed: {type(error).__name__}: {error}") from error


def inject_redis(fault: DataFault, context: DrillContext) -> ActiveFault:
    import redis

    url = redis_url(context)
    try:
        run_redis(url, fault.redis or (), context)
    except redis.RedisError as error:
        raise FaultError(f"its redis command failed: {type(error).__name__}: {error}") from error
    return ActiveFault(fault, RedisChanged(fault, context, url))


def aims(fault: DataFault, context: DrillContext) -> Sequence[Target]:
    """The world's Postgres on the fault's database, or the world's Redis: the server the injector connects to."""
    if fault.sql is None:
        return (UrlTarget(redis_url(context)),)
    return (DatabaseTarget(database_url(context, fault.database)),)


register(FaultKind("data", DataFault, inject, aims))
