"""The dependency lock: it matches pyproject.toml, a changed pyproject is caught, and make stops on it."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tools import lock

ROOT = Path(__file__).parents[2]
FREEZE = "# pip's own comment\nanyio==4.16.0\n\nredis==8.2.0\n"
CHANGED = "run `make lock` to make it again from the newest versions (`make upgrade` also runs the tests)"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the repository's pyproject.toml, lock, lock script and Makefile."""
    for name in ("pyproject.toml", "requirements.lock", "Makefile"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "tools", tmp_path / "tools", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def _require(project: Path, old: str, new: str) -> None:
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text()
    assert old in text
    pyproject.write_text(text.replace(old, new))


def test_lock_check_accepts_the_committed_lock() -> None:
    assert lock.check(ROOT / "pyproject.toml", ROOT / "requirements.lock") is None


def test_lock_check_rejects_a_lock_made_from_other_dependencies(project: Path) -> None:
    _require(project, '"redis>=5.0"', '"redis>=5.0,<8"')

    assert lock.check(project / "pyproject.toml", project / "requirements.lock") == (
        "requirements.lock does not match pyproject.toml: its dependencies changed since the lock was made; " + CHANGED
    )


def test_lock_check_rejects_a_change_of_the_dev_dependencies(project: Path) -> None:
    _require(project, '"ruff>=0.4"', '"ruff>=0.5"')

    assert lock.check(project / "pyproject.toml", project / "requirements.lock") is not None


def test_lock_check_ignores_what_pip_does_not_install(project: Path) -> None:
    _require(project, 'version = "0.1.0"', 'version = "0.2.0"')

    assert lock.check(project / "pyproject.toml", project / "requirements.lock") is None


def test_lock_check_says_a_missing_lock_is_missing(project: Path) -> None:
    (project / "requirements.lock").unlink()

    assert lock.check(project / "pyproject.toml", project / "requirements.lock") == (
        f"requirements.lock is missing: {CHANGED}"
    )


def test_lock_check_rejects_a_lock_without_a_header(project: Path) -> None:
    (project / "requirements.lock").write_text("redis==8.2.0\n")

    assert lock.check(project / "pyproject.toml", project / "requirements.lock") == (
        f"requirements.lock has no `pyproject-sha256` line: {CHANGED}"
    )


def test_lock_render_pins_each_package_under_the_header() -> None:
    assert lock.render(FREEZE, "ab12", python="3.11.7").splitlines()[2:] == [
        "# made with Python 3.11.7",
        "# pyproject-sha256: ab12",
        "anyio==4.16.0",
        "redis==8.2.0",
    ]


def test_lock_written_header_round_trips(project: Path) -> None:
    _require(project, '"redis>=5.0"', '"redis>=5.0,<8"')

    lock.write(FREEZE, project / "pyproject.toml", project / "requirements.lock")

    written = (project / "requirements.lock").read_text()
    digest = lock.dependencies_digest((project / "pyproject.toml").read_text())
    assert (lock.recorded_digest(written), lock.check(project / "pyproject.toml", project / "requirements.lock")) == (
        digest,
        None,
    )


def test_lock_committed_pins_every_package_exactly() -> None:
    pins = [line for line in (ROOT / "requirements.lock").read_text().splitlines() if not line.startswith("#")]
    assert [pin for pin in pins if "==" not in pin] == []


def test_lock_make_setup_stops_before_installing_when_the_lock_does_not_match(project: Path) -> None:
    _require(project, '"redis>=5.0"', '"redis>=5.0,<8"')

    done = subprocess.run(
        ["make", "--no-print-directory", "setup", "VENV=venv"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert (done.returncode, done.stdout, done.stderr.splitlines()[0]) == (
        2,
        "",
        "error: requirements.lock does not match pyproject.toml: its dependencies changed since the lock was "
        f"made; {CHANGED}",
    )
    assert not (project / "venv").exists()


def test_lock_make_installs_with_the_lock() -> None:
    done = subprocess.run(
        ["make", "--no-print-directory", "-n", "-B", "setup", "VENV=venv"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert "venv/bin/python -m pip install --quiet -c requirements.lock -e '.[dev]'" in done.stdout.splitlines()


def test_lock_make_reinstalls_when_the_lock_changes(project: Path) -> None:
    stamp = project / "venv" / "bin" / ".installed"
    stamp.parent.mkdir(parents=True)
    stamp.touch()
    os.utime(project / "pyproject.toml", (1, 1))
    plans = []
    for lock_time in (1, 2 * time.time()):
        os.utime(project / "requirements.lock", (lock_time, lock_time))
        done = subprocess.run(
            ["make", "--no-print-directory", "-n", "setup", "VENV=venv"],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        plans.append("touch venv/bin/.installed" in done.stdout.splitlines())
    assert plans == [False, True]
