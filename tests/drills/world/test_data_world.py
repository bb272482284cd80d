"""The real servers behind the shared fixtures answer real queries."""

from __future__ import annotations

from collections.abc import Callable

import psycopg
import redis


def test_postgres_url_runs_a_query(postgres_url: str) -> None:
    with psycopg.connect(postgres_url, connect_timeout=5) as conn:
        row = conn.execute("SELECT current_database(), 6 * 7").fetchone()
    assert row == (postgres_url.rsplit("/", 1)[1], 42)


def test_make_database_gives_an_empty_database_each_time(make_database: Callable[[], str]) -> None:
    first, second = make_database(), make_database()
    with psycopg.connect(first) as conn:
        conn.execute("CREATE TABLE only_here (id int)")
    with psycopg.connect(second) as conn:
        tables = conn.execute("SELECT count(*) FROM pg_tables WHERE tablename = 'only_here'").fetchone()
    assert (first != second, tables) == (True, (0,))


def test_redis_url_needs_its_password(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url, socket_timeout=5)
    client.set("drillbit:test", "value")
    assert client.get("drillbit:test") == b"value"
    client.close()
