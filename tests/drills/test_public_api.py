"""The public API: the names in drills.__all__, pinned; each imported when first used; the README's example runs."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import drills

ROOT = Path(__file__).parents[2]
README = ROOT / "README.md"


def test_drills_exports_exactly_its_public_api_sorted() -> None:
    assert drills.__all__ == [
        "AutoResponder",
        "Drill",
        "DrillRecord",
        "DrillResult",
        "DrillSettings",
        "DrillbitError",
        "InputError",
        "LocalRuntime",
        "Scenario",
        "ScenarioError",
        "Score",
        "WorldSpec",
        "load_all",
        "load_scenario",
        "read_report",
        "run_drill",
        "score",
        "validate_paths",
        "world_spec",
    ]


def test_drills_every_public_name_resolves_and_nothing_else_does() -> None:
    assert [name for name in drills.__all__ if getattr(drills, name, None) is None] == []
    with pytest.raises(AttributeError, match="module 'drills' has no attribute 'runner'"):
        drills.runner  # noqa: B018


def test_importing_drills_loads_no_engine() -> None:
    code = "import sys, drills; print(sorted(m for m in sys.modules if m.startswith('drills')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "['drills']"


def readme_example() -> str:
    section = README.read_text(encoding="utf-8").split("## Drilling from Python", 1)[1]
    found = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert found is not None
    return found.group(1)


@pytest.mark.world
def test_readme_python_example_drills_a_scenario_as_written(drillbit_home: Path, tmp_path: Path) -> None:
    # Run from a copy of the project's scenarios, so the example's relative paths mean what they say.
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    env = {**os.environ, "DRILLBIT_HOME": str(drillbit_home)}
    done = subprocess.run(
        [sys.executable, "-c", readme_example()], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    lines = done.stdout.splitlines()
    assert (done.returncode, lines[0].split()[0], "steps: ['ok', 'ok', 'ok']" in lines) == (0, "recovered", True)
    (markdown,) = (tmp_path / "reports").glob("*-cron-secret-mismatch/report.md")
    assert f"report: reports/{markdown.parent.name}/report.md" in lines
