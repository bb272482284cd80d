"""--world and --world-file on the command line: a bad world file or a world it lacks is file:line, exit 2."""

from __future__ import annotations

from pathlib import Path

from tests.drills.cli.cli_runs import drillbit

BAD = """\
x-drillbit:
  version: 1
  worlds: {shop: {}}
services:
  db:
    image: postgres:16-alpine
    expose: ["5432"]
    x-drillbit: {runs: postgres}
  web:
    image: nginx
    profiles: [shop]
    depends_on: [db, cache]
"""


def test_up_with_a_malformed_world_file_lists_each_problem_and_starts_nothing(tmp_path: Path) -> None:
    path = tmp_path / "compose.yml"
    path.write_text(BAD)

    done = drillbit("up", "--world-file", str(path), "--world", "shop", columns=200)

    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"error: {path}:8: services.db.x-drillbit.runs: unknown field; did you mean 'run'? (fields here: run, "
        "name, health, description, settings, proxies, databases)",
    ]
    assert "Traceback" not in done.stderr


def test_up_of_a_world_the_file_lacks_names_those_it_has() -> None:
    done = drillbit("up", "--world", "booking", columns=200)

    assert done.returncode == 2
    assert "has no world 'booking'; did you mean 'bookings'?" in done.stderr
    assert "Hint: its worlds are: scheduled-reports, clubs, vouchers, bookings, portal" in done.stderr


def test_validate_checks_scenarios_against_the_world_file_given(tmp_path: Path) -> None:
    path = tmp_path / "compose.yml"
    path.write_text(BAD.replace("{runs: postgres}", "{run: postgres}").replace("[db, cache]", "[db]"))

    done = drillbit("validate", "--world-file", str(path), columns=300)

    assert done.returncode == 2
    assert "has no world 'scheduled-reports'" in done.stderr
    assert "its worlds are: shop" in done.stderr
