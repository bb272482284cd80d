"""``kind: data``: a change to the world's data, SQL on its database or a Redis command, and its undoing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal, Self

from pydantic import Field, model_validator

from drills.faults.base import FaultBase
from drills.faults.registry import FaultKind, register
from drills.language.fields import NonEmptyText, Text, field_error
from drills.world.targets import DatabaseTarget, Target, UrlTarget

if TYPE_CHECKING:
    from drills.faults.active import ActiveFault
    from drills.world.context import DrillContext


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


def inject(fault: DataFault, context: DrillContext) -> ActiveFault:
    from drills.faults.data import inject_data  # psycopg and redis-py load when a fault goes in

    return inject_data(fault, context)


def aims(fault: DataFault, context: DrillContext) -> Sequence[Target]:
    """The world's Postgres on the fault's database, or the world's Redis: the server the injector connects to."""
    from drills.faults.data import database_url, redis_url

    if fault.sql is None:
        return (UrlTarget(redis_url(context)),)
    return (DatabaseTarget(database_url(context, fault.database)),)


register(FaultKind("data", DataFault, inject, aims))
