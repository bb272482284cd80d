"""Many drills: shards of a catalog, jobs at once, and an undecided objective settled at a finer time scale."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest

from drills.engine.batch import FINEST_SCALE, Shard, check_jobs, settle, shard_of
from drills.engine.runner import DrillResult, DrillSettings
from drills.errors import InputError
from drills.scenario.loader import load_all
from drills.scenario.model import Scenario
from drills.scoring.score import score
from drills.timeline import DrillRecord, Event, EventKind, Responder

ROOT = Path(__file__).resolve().parents[3]
CATALOG = load_all(ROOT / "scenarios")


@pytest.mark.parametrize("text", ["1/1", "2/3", " 3/3 "])
def test_a_shard_is_k_of_n(text: str) -> None:
    index, count = (int(part) for part in text.strip().split("/"))
    assert Shard.parse(text) == Shard(index, count)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("3/2", "--shard 3/2: K must be from 1 to N (2), not 3"),
        ("0/2", "--shard 0/2: K must be from 1 to N (2), not 0"),
        ("1/0", "--shard 1/0: K must be from 1 to N (0), not 1"),
        ("half", "--shard 'half' is not K/N, like 1/3"),
    ],
)
def test_a_shard_that_is_not_k_of_n_is_refused(text: str, message: str) -> None:
    with pytest.raises(InputError) as refused:
        Shard.parse(text)
    assert refused.value.message == message


def test_shards_split_the_catalog_into_disjoint_parts_that_cover_it() -> None:
    parts = [shard_of(CATALOG, Shard(index, 3)) for index in (1, 2, 3)]
    ids = [scenario.id for part in parts for scenario in part]
    assert (sorted(ids), max(map(len, parts)) - min(map(len, parts))) == (sorted(s.id for s in CATALOG), 1)


@pytest.mark.parametrize("jobs", [0, -2])
def test_jobs_below_one_are_refused(jobs: int) -> None:
    with pytest.raises(InputError, match=f"--jobs {jobs}: drill at least one scenario at a time"):
        check_jobs(jobs)


def _result(scenario: Scenario, settings: DrillSettings, detected_at: float) -> DrillResult:
    """A recovered drill whose page came ``detected_at`` wall seconds in, read every minute."""
    scale = settings.time_scale or 1.0

    def event(at: float, kind: EventKind, **data: float | str) -> Event:
        return Event(at=at, scenario_at=at * scale, kind=kind, source="runner", data=data)

    timeline = (
        event(0.0, EventKind.FAULT_INJECTED, fault="f"),
        event(detected_at, EventKind.MONITOR_FIRED, monitor="m", interval_s=60.0),
        event(detected_at, EventKind.ACKNOWLEDGED),
        event(detected_at + 1, EventKind.RECOVERED, window_started_at=detected_at),
        event(detected_at + 2, EventKind.FAULT_REVERTED, fault="f", ok=True),
    )
    record = DrillRecord(
        drill_id="d",
        scenario=scenario.summary(),
        runtime="local",
        seed=0,
        time_scale=scale,
        responder=Responder(kind="auto", name="auto"),
        started_at=datetime(2026, 1, 1, tzinfo=UTC),
        timeline=timeline,
    )
    return DrillResult(record, score(record), None)


def test_an_undecided_objective_is_drilled_again_at_a_finer_scale_until_it_is_decided() -> None:
    scenario = next(s for s in CATALOG if s.id == "db-pool-exhausted")  # time to detect: 15m
    asked: list[float] = []

    def drill(chosen: Scenario, settings: DrillSettings) -> DrillResult:
        asked.append(settings.time_scale or 0.0)
        # Paged at 14m50s every time, against 15m to detect and to acknowledge: within the resolution at 600
        # (± 1m30s), at 60 (± 1m6s) and at 10 (± 1m0.5s), so the finest scale ends the search undecided.
        return _result(chosen, settings, 890.0 / (settings.time_scale or 1.0))

    settled = settle(scenario, DrillSettings(), drill)
    assert (asked, settled.scales, settled.result.score.undecided) == (
        [600.0, 60.0, FINEST_SCALE],
        (600.0, 60.0, FINEST_SCALE),
        ("time_to_detect", "time_to_acknowledge"),
    )


def test_a_decided_drill_is_not_drilled_again() -> None:
    scenario = next(s for s in CATALOG if s.id == "db-pool-exhausted")
    asked: list[float] = []

    def drill(chosen: Scenario, settings: DrillSettings) -> DrillResult:
        asked.append(settings.time_scale or 0.0)
        return _result(chosen, settings, 60.0 / (settings.time_scale or 1.0))

    settled = settle(scenario, dataclasses.replace(DrillSettings(), time_scale=600.0), drill)
    assert (asked, settled.redrilled, settled.result.score.undecided) == ([600.0], False, ())
