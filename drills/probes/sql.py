"""SQL probes: a query on the world's Postgres, and its first value, whole rows or number of rows."""

from __future__ import annotations

import contextlib
import datetime
import decimal
import math
import os
import socket
import threading
import uuid
from dataclasses import dataclass
from typing import Final

import psycopg
from psycopg.conninfo import make_conninfo
from pydantic import JsonValue

from drills.errors import ProbeError
from drills.language.conditions import as_text, check, equal, show
from drills.language.expect import SqlExpect
from drills.probes.result import DEFAULT_LIMITS, ProbeLimits, ProbeResult, describe, outcome, unreadable
from drills.world.context import DrillContext

MAX_ROWS: Final = 100
"""Rows kept of an answer; ``row_count`` still counts them all."""


@dataclass(frozen=True)
class Table:
    """What a query answered: its first rows as JSON values, and how many rows there were."""

    rows: list[list[JsonValue]]
    row_count: int

    def as_json(self) -> JsonValue:
        rows: list[JsonValue] = list(self.rows)
        return {"row_count": self.row_count, "rows": rows}

    def psql_text(self) -> str:
        """The rows as ``psql -At`` prints them: one line each, columns separated by ``|``."""
        return "\n".join("|".join("" if cell is None else as_text(cell) for cell in row) for row in self.rows)


def read_sql(
    query: str,
    database: str | None,
    expect: SqlExpect,
    context: DrillContext,
    limits: ProbeLimits = DEFAULT_LIMITS,
) -> ProbeResult:
    """Runs ``query`` (autocommit) on the world's Postgres, or on ``database`` there, and checks ``expect``."""
    connection = conninfo(context, database)
    started = context.stopwatch.monotonic()
    try:
        table = _run(connection, query, limits)
    except NoAnswer as error:
        return unreadable(context, f"SQL: {error}", context.stopwatch.monotonic() - started)
    except psycopg.Error as error:
        return unreadable(context, f"SQL error: {describe(error)}", context.stopwatch.monotonic() - started)
    latency = context.stopwatch.monotonic() - started
    document = table.as_json()
    return outcome(
        context,
        _reasons(expect, table),
        f"{table.row_count} row{'' if table.row_count == 1 else 's'}"
        + (f", the first {show(table.rows[0])}" if table.rows else ""),
        value=document,
        output=table.psql_text(),
        parsed=document,
        latency_s=latency,
    )


def json_cell(cell: object) -> JsonValue:
    """A value Postgres answered, as JSON: numerics as numbers, times as ISO text, arrays as lists."""
    if cell is None or isinstance(cell, bool | int | str):
        return cell
    if isinstance(cell, float | decimal.Decimal):
        number = float(cell)
        # A timeline holds finite JSON only; NaN and infinity stay readable as text.
        return number if math.isfinite(number) else str(cell)
    if isinstance(cell, datetime.date | datetime.time):
        return cell.isoformat()
    if isinstance(cell, datetime.timedelta):
        return cell.total_seconds()
    if isinstance(cell, list | tuple):
        return [json_cell(item) for item in cell]
    if isinstance(cell, dict):
        return {str(key): json_cell(item) for key, item in cell.items()}
    if isinstance(cell, bytes | memoryview):
        return bytes(cell).hex()
    if isinstance(cell, uuid.UUID):
        return str(cell)
    return str(cell)


def conninfo(context: DrillContext, database: str | None) -> str:
    """The world's Postgres server, on its default database or on ``database`` there: what a query connects to."""
    endpoint = context.world.endpoints.get("postgres")
    if endpoint is None:
        raise ProbeError("an sql probe needs the world's postgres service, and this world has none")
    return endpoint.url if database is None else make_conninfo(endpoint.url, dbname=database)


def _run(conninfo: str, query: str, limits: ProbeLimits) -> Table:
    options = f"-c statement_timeout={round(limits.read_s * 1000)}"
    connect_timeout = max(2, math.ceil(limits.connect_s))
    with psycopg.connect(conninfo, autocommit=True, connect_timeout=connect_timeout, options=options) as conn:
        guard = _Guard(conn, limits.read_s + 1)
        try:
            # Bytes go by the simple protocol, so a query may be several statements; like psql, the last
            # one's result is the answer.
            cursor = conn.execute(query.encode())
            while cursor.nextset():
                pass
            rows = cursor.fetchmany(MAX_ROWS) if cursor.description is not None else []
            count = max(cursor.rowcount, len(rows))
        except psycopg.Error:
            if guard.fired:
                raise NoAnswer(f"no answer within {guard.seconds:g}s") from None
            raise
        finally:
            guard.stop()
    return Table([[json_cell(cell) for cell in row] for row in rows], count)


class NoAnswer(Exception):
    """The server took the query and never answered."""


class _Guard:
    """Hangs up on a server that has not answered in time.

    statement_timeout ends a slow query on the server, but a server that stopped answering altogether (a
    paused process) needs the client to give up: shutting a duplicate of the socket down ends the
    connection under the waiting query.
    """

    def __init__(self, conn: psycopg.Connection[tuple[object, ...]], seconds: float) -> None:
        self.seconds = seconds
        self.fired = False
        self._fileno = conn.fileno()
        self._timer = threading.Timer(seconds, self._hang_up)
        self._timer.start()

    def stop(self) -> None:
        self._timer.cancel()

    def _hang_up(self) -> None:
        self.fired = True
        with contextlib.suppress(OSError), socket.socket(fileno=os.dup(self._fileno)) as duplicate:
            duplicate.shutdown(socket.SHUT_RDWR)


def _reasons(expect: SqlExpect, table: Table) -> list[str]:
    reasons = []
    if expect.scalar is not None:
        first = table.rows[0][0] if table.rows and table.rows[0] else None
        reason = check(expect.scalar, first)
        reasons += [] if reason is None else [f"first value: {reason}"]
    if expect.rows is not None:
        wanted: JsonValue = [list(row) for row in expect.rows]
        rows: list[JsonValue] = list(table.rows)
        reasons += [] if equal(rows, wanted) else [f"rows: expected {show(wanted)}, got {show(rows)}"]
    if expect.row_count is not None:
        reason = check(expect.row_count, table.row_count)
        reasons += [] if reason is None else [f"row count: {reason}"]
    return reasons
