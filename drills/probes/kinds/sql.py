"""``kind: sql``: a query on the world's Postgres, and the rows it must answer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from drills.language.expect import SqlExpect
from drills.language.fields import NonEmptyText
from drills.probes.registry import ProbeBase, ProbeKind, Reading, register
from drills.world.targets import DatabaseTarget, Target

if TYPE_CHECKING:
    from drills.probes.result import ProbeResult
    from drills.world.context import DrillContext


class SqlProbe(ProbeBase):
    """A query on the world's Postgres (``database`` picks another database on it)."""

    kind: Literal["sql"]
    query: NonEmptyText
    database: str | None = None
    expect: SqlExpect = SqlExpect()


def read(probe: SqlProbe, reading: Reading) -> ProbeResult:
    from drills.probes.sql import read_sql  # psycopg loads on the first read, not when a scenario is validated

    return read_sql(probe.query, probe.database, probe.expect, reading.context, reading.limits)


def aims(probe: SqlProbe, context: DrillContext) -> Sequence[Target]:
    """The world's Postgres, on the database the probe names: the connection string the reader opens."""
    from drills.probes.sql import conninfo

    return (DatabaseTarget(conninfo(context, probe.database)),)


register(ProbeKind("sql", SqlProbe, read, aims))
