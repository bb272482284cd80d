"""What the docker runtime gives the world file's ``${NAME}``: fresh secrets and the world's options."""

from __future__ import annotations

import re

from drills.runtimes.docker.runtime import make_secrets, world_variables
from drills.world.protocol import WorldOptions


def test_make_secrets_is_fresh_for_each_world_in_the_local_world_s_shape() -> None:
    first, second = make_secrets(("POSTGRES_PASSWORD", "MAIL_API_KEY")), make_secrets(("POSTGRES_PASSWORD",))

    assert sorted(first) == ["MAIL_API_KEY", "POSTGRES_PASSWORD"]
    assert re.fullmatch(r"postgres-[0-9a-f]{24}", first["POSTGRES_PASSWORD"])
    assert re.fullmatch(r"mail-[0-9a-f]{24}", first["MAIL_API_KEY"])
    assert first["POSTGRES_PASSWORD"] != second["POSTGRES_PASSWORD"]


def test_world_variables_are_the_secrets_and_the_world_s_options() -> None:
    options = WorldOptions(seed=7, time_scale=10.0, tenants=3)

    assert world_variables(options, 1_700_000_000.5, {"MAIL_API_KEY": "k"}) == {
        "MAIL_API_KEY": "k",
        "DRILLBIT_TIME_SCALE": "10.0",
        "DRILLBIT_EPOCH": "1700000000.5",
        "DRILLBIT_SEED": "7",
        "DRILLBIT_TENANTS": "3",
    }
