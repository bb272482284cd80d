"""What both runtimes give a world file's ``${NAME}``: fresh secrets and the world's options."""

from __future__ import annotations

import re

from drills.world.protocol import WorldOptions
from drills.world.variables import make_secrets, world_variables
from drills.world.worlds import world_spec


def test_make_secrets_is_fresh_for_each_world_and_covers_each_server() -> None:
    spec = world_spec().only("postgres", "redis", "mail")
    first, second = make_secrets(spec), make_secrets(spec)

    assert sorted(first) == sorted({name.lower() for name in spec.secrets} | {"postgres_password", "redis_password"})
    assert re.fullmatch(r"postgres-[0-9a-f]{24}", first["postgres_password"])
    assert re.fullmatch(r"mail-[0-9a-f]{24}", first["mail_api_key"])
    assert all(first[name] != second[name] for name in first)


def test_world_variables_are_the_secrets_in_capitals_and_the_world_s_own() -> None:
    options = WorldOptions(seed=7, time_scale=10.0, tenants=3)

    found = world_variables(options, 1_700_000_000.5, {"mail_api_key": "k"}, clock="/run/clock.json", name="w-1")

    assert found == {
        "MAIL_API_KEY": "k",
        "DRILLBIT_TIME_SCALE": "10",
        "DRILLBIT_EPOCH": "1700000000.5",
        "DRILLBIT_CLOCK": "/run/clock.json",
        "DRILLBIT_SEED": "7",
        "DRILLBIT_TENANTS": "3",
        "DRILLBIT_WORLD": "w-1",
    }
