from __future__ import annotations

import re
from datetime import timedelta

import pytest

from drills.durations import DURATION_HINT, format_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("250ms", timedelta(milliseconds=250)),
        ("90s", timedelta(seconds=90)),
        ("15m", timedelta(minutes=15)),
        ("1h", timedelta(hours=1)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("2d", timedelta(days=2)),
        ("1d2h3m4s5ms", timedelta(days=1, hours=2, minutes=3, seconds=4, milliseconds=5)),
        ("0s", timedelta()),
        (" 5m ", timedelta(minutes=5)),
    ],
)
def test_parse_duration_reads_units_largest_first(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "'' is not a duration"),
        ("1 minute", "'1 minute' is not a duration"),
        ("1.5s", "'1.5s' is not a duration"),
        ("30m1h", "'30m1h' is not a duration"),
        ("-5s", "'-5s' is not a duration"),
        ("5mm", "'5mm' is not a duration"),
        ("90", "'90' has no unit (90s? 90m?)"),
    ],
)
def test_parse_duration_refuses_text_that_is_not_a_duration(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(f'{problem}; {DURATION_HINT}')}$"):
        parse_duration(text)


@pytest.mark.parametrize(
    ("duration", "text"),
    [
        (timedelta(), "0s"),
        (timedelta(milliseconds=250), "250ms"),
        (timedelta(seconds=90), "1m30s"),
        (timedelta(hours=1, minutes=30), "1h30m"),
        (timedelta(days=3, seconds=1), "3d1s"),
    ],
)
def test_format_duration_writes_the_shortest_text(duration: timedelta, text: str) -> None:
    assert format_duration(duration) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.25, "250ms"),
        (42.0, "42s"),
        (42.5, "42s500ms"),
        (60.0, "1m"),
        (245.0, "4m5s"),
        (3600.0, "1h"),
        (3605.0, "1h5s"),
        (259200.0, "3d"),
    ],
)
def test_format_duration_takes_seconds(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


def test_format_duration_rounds_to_the_millisecond_under_a_minute() -> None:
    assert format_duration(timedelta(microseconds=1_499_600)) == "1s500ms"


def test_format_duration_rounds_to_the_second_from_a_minute_up() -> None:
    assert [format_duration(3723.4), format_duration(timedelta(minutes=59, seconds=59, milliseconds=999))] == [
        "1h2m3s",
        "1h",
    ]


@pytest.mark.parametrize("text", ["250ms", "59s999ms", "1h30m", "2d3h", "59m59s"])
def test_format_duration_round_trips_through_parse(text: str) -> None:
    assert format_duration(parse_duration(text)) == text


def test_format_duration_refuses_a_negative_duration() -> None:
    with pytest.raises(ValueError, match=r"^a duration cannot be negative: -1 day, 23:59:59$"):
        format_duration(timedelta(seconds=-1))
