"""SQL probes on the session's real Postgres server."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import psycopg
import pytest

from drills.language.conditions import capture
from drills.language.expect import Capture
from drills.probes import Evaluator, ProbeLimits, ProbeResult, evaluate
from drills.world.context import DrillContext
from drills.world.protocol import Endpoint
from tests.drills.probes.probe_world import ProbeWorld, make_probe, silent_port


@pytest.fixture
def database(make_database: Callable[[], str]) -> str:
    """A fresh database with a small table of tenants; its name."""
    url = make_database()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE tenants (id int PRIMARY KEY, name text, balance numeric(8, 2))")
        conn.execute("INSERT INTO tenants VALUES (1, 'acme', 12.50), (2, 'globex', 0), (3, 'initech', NULL)")
    return url.rsplit("/", 1)[1]


def test_sql_probe_reads_the_first_value(context: DrillContext) -> None:
    probe = make_probe({"kind": "sql", "query": "SELECT 6 * 7", "expect": {"scalar": 42}})
    assert evaluate(probe, context) == ProbeResult(
        held=True,
        detail="1 row, the first [42]",
        value={"row_count": 1, "rows": [[42]]},
        output="42",
        parsed={"row_count": 1, "rows": [[42]]},
    )


def test_sql_probe_says_when_the_first_value_differs(context: DrillContext) -> None:
    probe = make_probe({"kind": "sql", "query": "SELECT 'down'", "expect": {"scalar": "ok"}})
    assert (evaluate(probe, context).held, evaluate(probe, context).detail) == (
        False,
        "first value: expected 'ok', got 'down'",
    )


def test_sql_probe_compares_rows_after_making_them_json(context: DrillContext) -> None:
    query = "SELECT 1.5::numeric, timestamp '2025-01-01 10:00', NULL, 'a', true, interval '90 seconds'"
    row = [1.5, "2025-01-01T10:00:00", None, "a", True, 90]
    result = evaluate(make_probe({"kind": "sql", "query": query, "expect": {"rows": [row]}}), context)
    assert (result.held, result.value) == (
        True,
        {"row_count": 1, "rows": [[1.5, "2025-01-01T10:00:00", None, "a", True, 90.0]]},
    )


def test_sql_probe_on_another_database_counts_rows(database: str, context: DrillContext) -> None:
    probe = make_probe(
        {
            "kind": "sql",
            "query": "SELECT id, name, balance FROM tenants ORDER BY id",
            "database": database,
            "expect": {"row_count": {"ge": 4}},
        }
    )
    result = evaluate(probe, context)
    assert (result.held, result.detail, result.output) == (
        False,
        "row count: expected >= 4, got 3",
        "1|acme|12.5\n2|globex|0\n3|initech|",
    )


def test_sql_probe_says_which_rows_differ(database: str, context: DrillContext) -> None:
    probe = make_probe(
        {
            "kind": "sql",
            "query": "SELECT name FROM tenants WHERE balance > 0",
            "database": database,
            "expect": {"rows": [["acme"], ["globex"]]},
        }
    )
    assert evaluate(probe, context).detail == "rows: expected [['acme'], ['globex']], got [['acme']]"


def test_sql_probe_counts_the_rows_a_statement_changed(database: str, context: DrillContext) -> None:
    probe = make_probe(
        {"kind": "sql", "query": "UPDATE tenants SET balance = 1", "database": database, "expect": {"row_count": 3}}
    )
    assert (evaluate(probe, context).held, evaluate(probe, context).value) == (True, {"row_count": 3, "rows": []})


def test_sql_probe_resolves_references_in_the_query(context: DrillContext) -> None:
    context.save("tenant", "acme")
    probe = make_probe({"kind": "sql", "query": "SELECT upper('{saved.tenant}')", "expect": {"scalar": "ACME"}})
    assert evaluate(probe, context).held is True


def test_sql_probe_output_can_be_saved_by_path_or_regex(database: str, context: DrillContext) -> None:
    probe = make_probe({"kind": "sql", "query": "SELECT id, name FROM tenants WHERE id = 2", "database": database})
    result = evaluate(probe, context)
    by_path = capture(Capture.model_validate("$.rows[0][1]"), result.output, result.parsed)
    by_regex = capture(Capture.model_validate(r"\|(\w+)"), result.output, result.parsed)
    assert (by_path, by_regex) == ("globex", "globex")


def test_sql_probe_with_an_sql_error_does_not_hold(context: DrillContext) -> None:
    probe = make_probe({"kind": "sql", "query": "SELECT * FROM missing"})
    assert (evaluate(probe, context).held, evaluate(probe, context).detail) == (
        False,
        'SQL error: relation "missing" does not exist',
    )


def test_sql_probe_stops_a_slow_query_at_its_limit(wall_context: DrillContext) -> None:
    probe = make_probe({"kind": "sql", "query": "SELECT pg_sleep(10)"})
    result = Evaluator(ProbeLimits(read_s=0.3)).evaluate(probe, wall_context)
    assert (result.held, result.detail) == (False, "SQL error: canceling statement due to statement timeout")


def test_sql_probe_gives_up_on_a_server_that_never_answers(probe_world: ProbeWorld, wall_context: DrillContext) -> None:
    with silent_port() as port:
        hung = Endpoint("127.0.0.1", port, f"postgresql://postgres:pw@127.0.0.1:{port}/drillbit")
        context = replace(wall_context, world=replace(probe_world, extra={**probe_world.extra, "postgres": hung}))
        result = evaluate(make_probe({"kind": "sql", "query": "SELECT 1"}), context)
    assert (result.held, result.detail, result.latency_s >= 1.5) == (
        False,
        "SQL error: connection timeout expired",
        True,
    )


def test_sql_probe_answers_with_the_last_statement_of_several(context: DrillContext) -> None:
    query = "CREATE TEMP TABLE seen (n int); INSERT INTO seen VALUES (1), (2); SELECT count(*) FROM seen"
    assert evaluate(make_probe({"kind": "sql", "query": query, "expect": {"scalar": 2}}), context).held is True


def test_sql_probe_hangs_up_when_no_answer_comes_in_time(wall_context: DrillContext) -> None:
    # With the server's own timeout switched off, only the probe's guard can end the wait.
    probe = make_probe({"kind": "sql", "query": "SET statement_timeout = 0; SELECT pg_sleep(3)"})
    result = Evaluator(ProbeLimits(read_s=0.2)).evaluate(probe, wall_context)
    assert (result.held, result.detail, result.latency_s >= 1.0) == (False, "SQL: no answer within 1.2s", True)
