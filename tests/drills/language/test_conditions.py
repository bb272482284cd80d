"""Conditions on values read from the world, JSON paths into them, and what a step saves."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import JsonValue

from drills.errors import ProbeError, UnresolvedReferenceError
from drills.language.conditions import as_number, capture, check, check_path, equal, lookup, show
from drills.language.expect import Capture, Condition
from drills.language.templating import resolve_model

SAVED = {"saved.count": "5", "saved.status": "ok", "saved.code": "204"}
HEALTH: JsonValue = {
    "status": "degraded",
    "checks": {"db": {"status": "down"}, "cache": {"status": "ok"}},
    "entries": [{"id": "a"}, {"id": "b"}],
    "odd key": None,
}


def condition(written: Any) -> Condition:
    """A condition as a check sees it: rendered at the edge, its references resolved against SAVED."""
    return resolve_model(Condition.model_validate(written), SAVED)


def test_check_eq_holds_for_the_same_value() -> None:
    assert check(condition(200), 200) is None


def test_check_eq_says_what_was_expected_and_got() -> None:
    assert check(condition(200), 503) == "expected 200, got 503"


def test_check_eq_quotes_text() -> None:
    assert check(condition("ok"), "down") == "expected 'ok', got 'down'"


def test_check_eq_compares_numeric_text_as_a_number() -> None:
    assert (check(condition("5"), 5), check(condition(5), "5.0")) == (None, None)


def test_check_eq_compares_with_a_reference_rendered_into_its_operand() -> None:
    assert (check(condition("{saved.count}"), 5), check(condition("{saved.count}"), 6)) == (
        None,
        "expected '5', got 6",
    )


def test_check_eq_never_takes_a_boolean_for_a_number() -> None:
    assert check(condition({"eq": True}), 1) == "expected true, got 1"


def test_check_eq_null_holds_for_null() -> None:
    assert (check(condition({"eq": None}), None), check(condition({"eq": None}), 0)) == (
        None,
        "expected null, got 0",
    )


def test_check_ne_says_what_it_must_not_be() -> None:
    assert (check(condition({"ne": 500}), 200), check(condition({"ne": 500}), 500)) == (
        None,
        "expected anything but 500",
    )


@pytest.mark.parametrize(
    ("written", "value", "reason"),
    [
        ({"lt": 10}, 9, None),
        ({"lt": 10}, 10, "expected < 10, got 10"),
        ({"le": 10}, 10, None),
        ({"gt": 0}, 0, "expected > 0, got 0"),
        ({"ge": "{saved.count}"}, "7", None),
        ({"ge": 0.5}, 0.25, "expected >= 0.5, got 0.25"),
    ],
)
def test_check_orders_numbers(written: dict[str, Any], value: JsonValue, reason: str | None) -> None:
    assert check(condition(written), value) == reason


def test_check_orders_two_texts_as_text_so_iso_times_compare() -> None:
    after = condition({"gt": "2025-01-01T10:00:00Z"})
    assert (check(after, "2025-01-01T10:15:00Z"), check(after, "2024-12-31T23:00:00Z")) == (
        None,
        "expected > '2025-01-01T10:00:00Z', got '2024-12-31T23:00:00Z'",
    )


def test_check_order_refuses_a_value_that_is_not_a_number() -> None:
    assert check(condition({"gt": 0}), "many") == "expected a number > 0, got 'many'"


def test_check_in_lists_the_choices() -> None:
    choices = condition({"in": [200, "{saved.code}"]})
    assert (check(choices, 204), check(choices, 503)) == (None, "expected one of [200, '204'], got 503")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("status ok", None),
        (["down", "ok"], None),
        ({"ok": 1}, None),
        ("status down", "expected to contain 'ok', got 'status down'"),
        (["down"], "expected to contain 'ok', got ['down']"),
        (3, "expected text, a list or an object containing 'ok', got 3"),
    ],
)
def test_check_contains_looks_in_text_lists_and_keys(value: JsonValue, reason: str | None) -> None:
    assert check(condition({"contains": "{saved.status}"}), value) == reason


def test_check_matches_searches_anywhere_in_the_text() -> None:
    pattern = condition({"matches": r"status=5\d\d"})
    assert (check(pattern, "tick status=503 runs=-"), check(pattern, "tick status=200")) == (
        None,
        r"expected to match 'status=5\\d\\d', got 'tick status=200'",
    )


def test_check_matches_reads_a_number_as_its_text() -> None:
    assert check(condition({"matches": "^50"}), 503) is None


def test_check_length_counts_items_and_characters() -> None:
    two = condition({"length": 2})
    assert (check(two, ["a", "b"]), check(two, "abc"), check(two, 12)) == (
        None,
        "expected length 2, got length 3: 'abc'",
        "expected length 2, got 12, which has no length",
    )


def test_check_exists_on_a_plain_value_means_not_null() -> None:
    assert (
        check(condition({"exists": True}), "1"),
        check(condition({"exists": True}), None),
        check(condition({"exists": False}), None),
        check(condition({"exists": False}), "1"),
    ) == (None, "expected to exist", None, "expected not to exist")


def test_check_gives_the_first_operator_that_fails() -> None:
    assert check(condition({"gt": 0, "lt": 10, "ne": 5}), 12) == "expected < 10, got 12"


def test_rendering_a_condition_raises_on_a_reference_nothing_provides() -> None:
    with pytest.raises(UnresolvedReferenceError, match=r"unknown reference \{saved\.missing\}"):
        condition("{saved.missing}")


def test_equal_compares_numbers_inside_rows() -> None:
    assert (equal([[1, "a"], [2.0, None]], [["1", "a"], [2, None]]), equal([[1, "a"]], [[1, "b"]])) == (True, False)


def test_as_number_reads_numeric_text_but_not_booleans() -> None:
    assert [as_number(value) for value in ("12", " -1.5e2 ", "0x10", True, None, 3)] == [
        12.0,
        -150.0,
        None,
        None,
        None,
        3.0,
    ]


def test_show_shortens_long_values() -> None:
    assert show("x" * 100, limit=12) == "'xxxxxxxxxx…"


@pytest.mark.parametrize(
    ("path", "found"),
    [
        ("$", (True, HEALTH)),
        ("$.checks.db.status", (True, "down")),
        ("$.entries[1].id", (True, "b")),
        ("$.entries[-1].id", (True, "b")),
        ("$.entries[2]", (False, None)),
        ('$["odd key"]', (True, None)),
        ("$.checks.queue", (False, None)),
        ("$.status.length", (False, None)),
        ("$[0]", (False, None)),
    ],
)
def test_lookup_walks_keys_and_indexes(path: str, found: tuple[bool, JsonValue]) -> None:
    assert lookup(HEALTH, path) == found


def test_check_path_prefixes_the_reason_with_the_path() -> None:
    assert check_path(condition("ok"), HEALTH, "$.checks.db.status") == (
        "$.checks.db.status: expected 'ok', got 'down'"
    )


def test_check_path_fails_every_operator_on_a_missing_path() -> None:
    assert check_path(condition({"ne": "down"}), HEALTH, "$.checks.queue.status") == (
        "$.checks.queue.status: not found"
    )


def test_check_path_exists_is_whether_the_path_is_there_even_when_null() -> None:
    assert (
        check_path(condition({"exists": True}), HEALTH, '$["odd key"]'),
        check_path(condition({"exists": False}), HEALTH, "$.checks.queue"),
        check_path(condition({"exists": True}), HEALTH, "$.checks.queue"),
        check_path(condition({"exists": False}), HEALTH, "$.checks.db"),
    ) == (None, None, "$.checks.queue: expected to exist", "$.checks.db: expected not to exist")


def test_capture_by_json_path_keeps_text_as_it_is() -> None:
    assert capture(Capture.model_validate("$.checks.db.status"), "", HEALTH) == "down"


def test_capture_by_json_path_encodes_anything_else_as_json() -> None:
    assert capture(Capture.model_validate("$.entries[0]"), "", HEALTH) == '{"id": "a"}'


def test_capture_by_regex_keeps_its_group() -> None:
    assert capture(Capture.model_validate(r"runs=(\d+)"), "tick status=200 runs=14", None) == "14"


def test_capture_by_regex_without_a_group_keeps_the_whole_match() -> None:
    assert capture(Capture.model_validate(r"status=\d+"), "tick status=200 runs=14", None) == "status=200"


def test_capture_raises_when_the_regex_matches_nothing() -> None:
    with pytest.raises(ProbeError) as raised:
        capture(Capture.model_validate(r"runs=(\d+)"), "tick status=503 runs=-", None)
    assert str(raised.value) == (
        "cannot save 'runs=(\\\\d+)': it matches nothing in the output (22 characters)\n"
        "Hint: the step's output is on the timeline; fix the expression or what the step runs"
    )


def test_capture_raises_when_the_path_leads_nowhere() -> None:
    with pytest.raises(ProbeError) as raised:
        capture(Capture.model_validate("$.token"), "", HEALTH)
    assert str(raised.value) == (
        "cannot save $.token: the answer has nothing there\n"
        "Hint: the answer is an object with checks, entries, odd key, status"
    )


def test_capture_by_json_path_raises_when_the_output_is_not_json() -> None:
    with pytest.raises(ProbeError, match=r"^cannot save \$\.token: the output is not JSON"):
        capture(Capture.model_validate("$.token"), "<html>", None)
