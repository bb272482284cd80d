"""Data faults: SQL on the world's Postgres (once, or held open by sessions) and commands on its Redis."""

from __future__ import annotations

from collections.abc import Callable

import psycopg
import pytest
import redis
from psycopg.conninfo import make_conninfo

from drills.errors import FaultError
from drills.faults import RevertOutcome, inject
from drills.faults.kinds import data as fault_data
from drills.runtimes.local.world import LocalWorld
from drills.scenario.kinds import Fault
from drills.world.context import DrillContext

pytestmark = pytest.mark.world

MakeFault = Callable[..., Fault]
DATABASE = "faults_test"
HELD = "SELECT count(*) FROM pg_stat_activity WHERE state = 'idle in transaction' AND datname = %s"


@pytest.fixture(scope="module")
def database_url(world: LocalWorld) -> str:
    """A database of its own on the world's Postgres, with one table of accounts."""
    server = world.endpoints["postgres"].url
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {DATABASE}")
    url = make_conninfo(server, dbname=DATABASE)
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL)")
        connection.execute("INSERT INTO accounts VALUES (1, 100), (2, 250)")
    return url


def _scalar(url: str, sql: str, *params: object) -> object:
    with psycopg.connect(url, autocommit=True, connect_timeout=5) as connection:
        connection.execute("SET lock_timeout = '200ms'")
        try:
            row = connection.execute(sql, params or None).fetchone()
        except psycopg.errors.LockNotAvailable:
            return "LockNotAvailable"
    return None if row is None else row[0]


def test_data_fault_held_lock_blocks_every_other_session_until_reverted(
    database_url: str, context: DrillContext, make_fault: MakeFault
) -> None:
    fault = make_fault(
        id="accounts-locked",
        kind="data",
        database=DATABASE,
        sql="LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE",
        hold_open=True,
    )
    total = "SELECT sum(balance) FROM accounts"
    active = inject(fault, context)
    during = _scalar(database_url, total)
    active.revert()
    assert (during, _scalar(database_url, total), _scalar(database_url, HELD, DATABASE)) == ("LockNotAvailable", 350, 0)


def test_data_fault_sessions_stay_idle_in_transaction_until_reverted(
    world: LocalWorld, context: DrillContext, make_fault: MakeFault
) -> None:
    server = world.endpoints["postgres"].url
    fault = make_fault(id="leak", kind="data", sql="SELECT 1", sessions=3, hold_open=True)
    active = inject(fault, context)
    during = _scalar(server, HELD, "drillbit")
    active.revert()
    assert (active.describe(), during, _scalar(server, HELD, "drillbit")) == (
        "`SELECT 1` on the world's database, held open by 3 sessions",
        3,
        0,
    )


def test_data_fault_sql_is_undone_by_revert_sql(
    database_url: str, context: DrillContext, make_fault: MakeFault
) -> None:
    fault = make_fault(
        id="balances-zeroed",
        kind="data",
        database=DATABASE,
        sql="UPDATE accounts SET balance = 0 WHERE id = 1; UPDATE accounts SET balance = 0 WHERE id = 2",
        revert_sql="UPDATE accounts SET balance = 100 WHERE id = 1; UPDATE accounts SET balance = 250 WHERE id = 2",
    )
    total = "SELECT sum(balance) FROM accounts"
    active = inject(fault, context)
    during = _scalar(database_url, total)
    active.revert()
    assert (during, _scalar(database_url, total)) == (0, 350)


def test_data_fault_revert_is_fine_when_a_responder_ended_the_sessions(
    database_url: str, context: DrillContext, make_fault: MakeFault
) -> None:
    fault = make_fault(id="leak", kind="data", database=DATABASE, sql="SELECT 1", sessions=2, hold_open=True)
    active = inject(fault, context)
    ended = "SELECT count(pg_terminate_backend(pid, 2000)) FROM pg_stat_activity WHERE state = 'idle in transaction'"
    by_responder = _scalar(database_url, ended)
    assert (by_responder, active.try_revert(), active.try_revert()) == (2, RevertOutcome("leak", ok=True), None)


def test_data_fault_failing_sql_names_the_database_error(context: DrillContext, make_fault: MakeFault) -> None:
    with pytest.raises(FaultError) as failed:
        inject(make_fault(id="typo", kind="data", sql="DELETE FROM no_such_table"), context)
    assert str(failed.value) == (
        "injecting data fault 'typo' failed: its SQL failed: relation \"no_such_table\" does not exist"
    )


def test_data_fault_sessions_that_wait_on_each_other_fail_in_bounded_time_and_close(
    database_url: str, context: DrillContext, make_fault: MakeFault, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fault_data, "STATEMENT_TIMEOUT_SECONDS", 0.3)
    fault = make_fault(
        id="locks",
        kind="data",
        database=DATABASE,
        sql="LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE",
        sessions=2,
        hold_open=True,
    )
    with pytest.raises(FaultError) as failed:
        inject(fault, context)
    assert (str(failed.value), _scalar(database_url, "SELECT count(*) FROM accounts")) == (
        "injecting data fault 'locks' failed: session 2 of 2 could not run its SQL: "
        "canceling statement due to statement timeout\n"
        "Hint: SQL that takes an exclusive lock can be held by one session only: use sessions: 1",
        2,
    )


def test_data_fault_redis_command_is_undone_by_revert_redis(
    world: LocalWorld, context: DrillContext, make_fault: MakeFault
) -> None:
    fault = make_fault(
        id="token-revoked",
        kind="data",
        redis=["SADD", "revoked-tokens", "{secrets.admin_api_key}"],
        revert_redis=["SREM", "revoked-tokens", "{secrets.admin_api_key}"],
    )
    client = redis.Redis.from_url(world.endpoints["redis"].url, socket_timeout=5, decode_responses=True)
    with client:
        active = inject(fault, context)
        during = client.smembers("revoked-tokens")
        active.revert()
        after = client.smembers("revoked-tokens")
    assert (active.describe(), during, after) == (
        "`SADD revoked-tokens ***` run on redis",  # the resolved secret never shows
        {world.secrets["admin_api_key"]},
        set(),
    )
