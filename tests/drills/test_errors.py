from __future__ import annotations

from drills.errors import did_you_mean


def test_did_you_mean_names_the_closest_choice() -> None:
    assert did_you_mean("postgre", ["app", "postgres", "redis"]) == "did you mean 'postgres'?"


def test_did_you_mean_names_several_choices_as_shown() -> None:
    hint = did_you_mean("app.prot", ["app.port", "app.host", "app.url"], show=lambda name: f"{{{name}}}", most=2)

    assert hint == "did you mean {app.port} or {app.host}?"


def test_did_you_mean_is_none_when_no_choice_is_close() -> None:
    assert did_you_mean("scheduler", ["app", "redis"]) is None


def test_did_you_mean_ignoring_case_shows_the_choice_as_written() -> None:
    assert did_you_mean("ROTATE THE SECRET", ["Rotate the secret", "Restart"], ignore_case=True) == (
        "did you mean 'Rotate the secret'?"
    )
