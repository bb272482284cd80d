"""The faults every provider shares, decided in scenario time."""

from __future__ import annotations

import pytest

from fakes.kit.clock import ScaledClock
from fakes.providers.faults import FaultError, Faults, Refusal, error_code, wall_seconds

EPOCH = 1_700_000_000.0
PATHS = frozenset({"/a", "/b"})


def faults_at(wall: list[float], scale: float = 1.0) -> Faults:
    return Faults(ScaledClock(scale=scale, epoch=EPOCH, wall=lambda: wall[0]), PATHS)


def test_faults_failure_answers_its_status_for_count_requests() -> None:
    faults = faults_at([EPOCH])
    faults.fail(503, count=2)

    answers = [faults.refusal("/a") for _ in range(3)]

    assert answers == [Refusal(503, "service_unavailable"), Refusal(503, "service_unavailable"), None]


def test_faults_failure_ends_after_its_scenario_duration() -> None:
    wall = [EPOCH]
    faults = faults_at(wall, scale=60.0)
    faults.fail(503, for_seconds=120)

    wall[0] += 1.9
    during = faults.refusal("/a")
    wall[0] += 0.2
    after = faults.refusal("/a")

    assert (during, after) == (Refusal(503, "service_unavailable"), None)


def test_faults_failure_touches_only_its_paths() -> None:
    faults = faults_at([EPOCH])
    faults.fail(500, paths=["/b"])

    assert (faults.refusal("/a"), faults.refusal("/b")) == (None, Refusal(500, "internal_server_error"))


def test_faults_rate_limit_retry_after_is_in_wall_seconds() -> None:
    faults = faults_at([EPOCH], scale=60.0)
    faults.limit_rate(retry_after_seconds=150)

    assert faults.refusal("/a") == Refusal(429, "rate_limited", retry_after=3)


def test_faults_rate_limit_retry_after_is_at_least_one_second() -> None:
    faults = faults_at([EPOCH], scale=900.0)
    faults.limit_rate(retry_after_seconds=30)

    assert faults.refusal("/a") == Refusal(429, "rate_limited", retry_after=1)


def test_faults_rate_limit_with_a_limit_admits_that_many_per_window() -> None:
    wall = [EPOCH]
    faults = faults_at(wall)
    faults.limit_rate(retry_after_seconds=60, limit=2)

    first_window = [faults.refusal("/a") for _ in range(3)]
    wall[0] += 45
    still_full = faults.refusal("/a")
    wall[0] += 15
    next_window = faults.refusal("/a")

    assert first_window == [None, None, Refusal(429, "rate_limited", retry_after=60)]
    assert (still_full, next_window) == (Refusal(429, "rate_limited", retry_after=15), None)


def test_faults_quiet_rate_limit_holds_while_the_client_retries_after_each_retry_after() -> None:
    wall = [EPOCH]
    faults = faults_at(wall)
    faults.limit_rate(retry_after_seconds=60, lifts_after_quiet_seconds=600)

    answers = []
    for _ in range(20):  # 20 minutes of a client that honours Retry-After and tries again
        answers.append(faults.refusal("/a"))
        wall[0] += 60
    wall[0] += 539
    just_before = faults.refusal("/a")

    assert answers == [Refusal(429, "rate_limited", retry_after=60)] * 20
    assert just_before == Refusal(429, "rate_limited", retry_after=60)


def test_faults_quiet_rate_limit_lifts_once_the_client_was_quiet_for_its_period() -> None:
    wall = [EPOCH]
    faults = faults_at(wall)
    faults.limit_rate(retry_after_seconds=60, lifts_after_quiet_seconds=600)

    refused = faults.refusal("/a")
    wall[0] += 600
    after_quiet = [faults.refusal("/a"), faults.refusal("/a")]

    assert (refused, after_quiet) == (Refusal(429, "rate_limited", retry_after=60), [None, None])


def test_faults_quiet_rate_limit_lifts_unknocked_after_its_period_from_when_it_was_set() -> None:
    wall = [EPOCH]
    faults = faults_at(wall)
    faults.limit_rate(retry_after_seconds=60, lifts_after_quiet_seconds=600)

    wall[0] += 599
    during = faults.view()["rate_limit"]
    wall[0] += 1

    assert during == {
        "retry_after_seconds": 60.0,
        "limit": None,
        "paths": ["/a", "/b"],
        "until": None,
        "remaining": None,
        "lifts_after_quiet_seconds": 600.0,
        "quiet_since": "2023-11-14T22:13:20Z",
        "lifts_at": "2023-11-14T22:23:20Z",
    }
    assert (faults.view()["rate_limit"], faults.refusal("/a")) == (None, None)


def test_faults_quiet_rate_limit_view_moves_lifts_at_with_each_refusal() -> None:
    wall = [EPOCH]
    faults = faults_at(wall, scale=60.0)
    faults.limit_rate(retry_after_seconds=60, lifts_after_quiet_seconds=600)

    wall[0] += 5  # 300 scenario seconds
    faults.refusal("/a")
    view = faults.view()["rate_limit"]

    assert isinstance(view, dict)
    assert (view["quiet_since"], view["lifts_at"]) == ("2023-11-14T22:18:20Z", "2023-11-14T22:28:20Z")


def test_faults_quiet_rate_limit_ends_at_its_window_too() -> None:
    wall = [EPOCH]
    faults = faults_at(wall)
    faults.limit_rate(retry_after_seconds=60, lifts_after_quiet_seconds=600, count=1)

    answers = [faults.refusal("/a"), faults.refusal("/a")]

    assert answers == [Refusal(429, "rate_limited", retry_after=60), None]


def test_faults_failure_comes_before_the_rate_limit() -> None:
    faults = faults_at([EPOCH])
    faults.limit_rate(retry_after_seconds=10)
    faults.fail(502, count=1)

    answers = [faults.refusal("/a"), faults.refusal("/a")]

    assert answers == [Refusal(502, "bad_gateway"), Refusal(429, "rate_limited", retry_after=10)]


def test_faults_reset_clears_every_fault() -> None:
    faults = faults_at([EPOCH])
    faults.fail(503)
    faults.limit_rate(retry_after_seconds=10)

    faults.reset()

    assert faults.refusal("/a") is None


def test_faults_view_shows_active_faults_and_refusals() -> None:
    faults = faults_at([EPOCH])
    faults.fail(503, paths=["/a"], for_seconds=30, count=5)
    faults.refusal("/a")

    assert faults.view() == {
        "failure": {"status": 503, "paths": ["/a"], "until": "2023-11-14T22:13:50Z", "remaining": 4},
        "rate_limit": None,
        "refused": {"503": 1},
    }


def test_faults_view_hides_a_fault_that_ended() -> None:
    faults = faults_at([EPOCH])
    faults.fail(503, count=1)
    faults.refusal("/a")

    assert faults.view() == {"failure": None, "rate_limit": None, "refused": {"503": 1}}


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"status": 200}, "status must be an HTTP error status (400-599), not 200"),
        ({"status": 503, "paths": ["/nope"]}, "paths must be some of ['/a', '/b'], not ['/nope']"),
        ({"status": 503, "count": 0}, "count must be above 0, not 0"),
        ({"status": 503, "for_seconds": -1.0}, "for_seconds must be above 0, not -1.0"),
    ],
)
def test_faults_fail_refuses_a_fault_that_makes_no_sense(arguments: dict[str, object], message: str) -> None:
    faults = faults_at([EPOCH])

    with pytest.raises(FaultError) as raised:
        faults.fail(**arguments)  # type: ignore[arg-type]

    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"lifts_after_quiet_seconds": 0.0}, "lifts_after_quiet_seconds must be above 0, not 0.0"),
        (
            {"lifts_after_quiet_seconds": 600.0, "limit": 5},
            "lifts_after_quiet_seconds refuses every request: it cannot be given with a limit",
        ),
        ({"retry_after_seconds": 0.0}, "retry_after_seconds must be above 0, not 0.0"),
    ],
)
def test_faults_limit_rate_refuses_a_rate_limit_that_makes_no_sense(arguments: dict[str, object], message: str) -> None:
    faults = faults_at([EPOCH])

    with pytest.raises(FaultError) as raised:
        faults.limit_rate(**{"retry_after_seconds": 60.0, **arguments})  # type: ignore[arg-type]

    assert (str(raised.value), faults.rate_limit) == (message, None)


def test_faults_error_code_names_the_status() -> None:
    assert [error_code(status) for status in (500, 503, 504, 599)] == [
        "internal_server_error",
        "service_unavailable",
        "gateway_timeout",
        "provider_error",
    ]


def test_faults_wall_seconds_round_up() -> None:
    clock = ScaledClock(scale=10.0, epoch=EPOCH, wall=lambda: EPOCH)

    assert [wall_seconds(clock, seconds) for seconds in (10, 11, 25, 0)] == [1, 2, 3, 1]
