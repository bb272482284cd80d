"""A world file's values: Compose interpolation and addresses on the world's network mapped."""

from __future__ import annotations

import pytest

from drills.errors import InputError
from drills.world.variables import MissingVariableError, interpolate, map_addresses, variables_in

VARIABLES = {"PASSWORD": "pa$$word", "EMPTY": "", "PORT": "5432"}


@pytest.mark.parametrize(
    ("written", "made"),
    [
        ("postgresql://u:${PASSWORD}@db:${PORT}/x", "postgresql://u:pa$$word@db:5432/x"),
        ("$PASSWORD/$PORT", "pa$$word/5432"),
        ("${EMPTY:-fallback}|${EMPTY-fallback}|${UNSET-fallback}", "fallback||fallback"),
        ("$$HOME and $${PORT}", "$HOME and ${PORT}"),
        ("no variables", "no variables"),
    ],
)
def test_interpolate_fills_variables_as_compose_does(written: str, made: str) -> None:
    assert interpolate(written, VARIABLES) == made


def test_interpolate_refuses_an_unset_variable_unless_told_to_leave_it_empty() -> None:
    with pytest.raises(MissingVariableError, match=r"\$\{UNSET\} is not set"):
        interpolate("x${UNSET}y", VARIABLES)
    assert interpolate("x${UNSET}y", VARIABLES, strict=False) == "xy"


def test_interpolate_says_the_message_of_a_required_variable() -> None:
    with pytest.raises(MissingVariableError, match="give the admin key"):
        interpolate("${EMPTY:?give the admin key}", VARIABLES, strict=False)


def test_interpolate_refuses_a_lone_dollar() -> None:
    with pytest.raises(InputError, match=r"a lone '\$' at 5; write '\$\$'"):
        interpolate("cost $5", VARIABLES)


def test_variables_in_names_each_variable_but_not_an_escaped_dollar() -> None:
    assert variables_in("$A ${B:-x} $${C} ${D:?m}") == ["A", "B", "D"]


def test_map_addresses_replaces_whole_addresses_only() -> None:
    mapped = map_addresses(
        "http://app:8000/x myapp:8000 app:80001 app:8000 toxiproxy:15432",
        {"app:8000": "127.0.0.1:41000", "toxiproxy:15432": "127.0.0.1:42000"},
    )
    assert mapped == "http://127.0.0.1:41000/x myapp:8000 app:80001 127.0.0.1:41000 127.0.0.1:42000"
