"""The live feed of `drillbit run` (its standard output) never shows a secret, the world's or one a drill met."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from drills.reports import read_report
from drills.world.worlds import world_spec
from tests.drills.cli.cli_runs import DRILL_TIMEOUT, as_it_should, drillbit, worked

SECRET_NAMES = [name.lower() for name in world_spec().secrets]

SEED = 11
# What the world's secrets look like (each world draws its own, whatever its seed): `admin-` and 24 hex digits...
WORLD_SECRET = re.compile(rf"\b(?:{'|'.join(sorted({name.split('_')[0] for name in SECRET_NAMES}))})-[0-9a-f]{{24}}\b")
# The client secret the provider rotates to in oauth-refresh-failing's fault; a response step reads and saves it.
ROTATED_CLIENT_SECRET = "rotated-by-the-provider-2f9c"


@pytest.mark.world
def test_run_live_feed_never_shows_a_secret(drillbit_home: Path, tmp_path: Path) -> None:
    # Wide enough that no line is cut short, which could hide a secret at its end.
    done = drillbit(
        "run",
        "oauth-refresh-failing",
        "--seed",
        str(SEED),
        "--report-dir",
        str(tmp_path),
        timeout=DRILL_TIMEOUT,
        columns=1000,
    )

    (saved,) = tmp_path.glob("*/report.json")
    record = read_report(saved)
    shown = sorted({*WORLD_SECRET.findall(done.stdout), *re.findall(ROTATED_CLIENT_SECRET, done.stdout)})
    assert (worked(record), shown) == (as_it_should(record), []), done.stdout
