"""Log probes over real log files of the world."""

from __future__ import annotations

from drills.probes import ProbeResult, evaluate
from drills.world.context import DrillContext
from tests.drills.probes.probe_world import make_probe

TICKS = (
    "scheduler app_url=http://127.0.0.1:8000 tick_interval=900 first_slot=2025-01-01T10:15:00Z\n"
    "tick slot=2025-01-01T10:15:00Z status=200 runs=3 at=2025-01-01T10:15:00Z\n"
    "tick slot=2025-01-01T10:30:00Z status=403 runs=- at=2025-01-01T10:30:00Z\n"
)


def append(context: DrillContext, service: str, text: str) -> None:
    with context.world.log_path(service).open("a") as log:
        log.write(text)


def test_log_probe_counts_matching_lines_since_the_start(context: DrillContext) -> None:
    append(context, "scheduler", TICKS)
    probe = make_probe({"kind": "log", "service": "scheduler", "pattern": r"^tick .* status=\d+"})
    assert evaluate(probe, context) == ProbeResult(
        held=True,
        detail="2 lines of scheduler's log since start match '^tick .* status=\\\\d+'",
        value=2,
        output=TICKS.splitlines()[1] + "\n" + TICKS.splitlines()[2],
    )


def test_log_probe_since_the_fault_reads_only_what_came_after(context: DrillContext) -> None:
    append(context, "app", "GET /api/v1/health 503\nGET /api/v1/health 503\n")
    context.mark_logs("fault")
    append(context, "app", "GET /api/v1/health 503\n")
    probe = make_probe({"kind": "log", "service": "app", "pattern": " 503$", "since": "fault", "expect": {"count": 1}})
    assert (evaluate(probe, context).held, evaluate(probe, context).value) == (True, 1)


def test_log_probe_without_a_match_says_how_many_were_expected(context: DrillContext) -> None:
    probe = make_probe({"kind": "log", "service": "app", "pattern": "pool exhausted"})
    assert evaluate(probe, context) == ProbeResult(
        held=False, detail="lines matching 'pool exhausted': expected >= 1, got 0", value=0
    )


def test_log_probe_resolves_references_in_its_pattern(context: DrillContext) -> None:
    append(context, "app", "tenant acme: token refresh failed\n")
    context.save("tenant", "acme")
    probe = make_probe({"kind": "log", "service": "app", "pattern": "tenant {saved.tenant}: token"})
    assert evaluate(probe, context).value == 1
