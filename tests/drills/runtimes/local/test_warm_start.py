"""A Python service's interpreter starts with its world, imports ahead, and runs the service only when told to."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from drills.runtimes.local import warm_start
from drills.runtimes.local.drivers.python import WARM_START, PythonDriver
from drills.runtimes.local.launch import Launch
from drills.world.spec import HealthCheck, HealthKind, ServiceKind, ServiceSpec

WAIT_SECONDS = 30.0
SERVICE = ServiceSpec("app", ServiceKind.PYTHON, HealthCheck(HealthKind.HTTP, "/health"), module="shop.web")


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A package ``shop`` whose ``web`` service says what it was started with, and which module it imported first."""
    (tmp_path / "shop" / "web").mkdir(parents=True)
    (tmp_path / "shop" / "__init__.py").write_text("")
    (tmp_path / "shop" / "heavy.py").write_text("import time\nLOADED_AT = time.monotonic()\n")
    (tmp_path / "shop" / "web" / "__init__.py").write_text("")
    (tmp_path / "shop" / "web" / "__main__.py").write_text(
        textwrap.dedent(
            """\
            import json, os, sys, time
            from shop.heavy import LOADED_AT

            print(json.dumps({
                "args": sys.argv[1:],
                "name": __name__,
                "setting": os.environ.get("SHOP_SETTING"),
                "imported_before_its_turn": time.monotonic() - LOADED_AT > 0.5,
                "stdin": sys.stdin.read(),
            }))
            """
        )
    )
    return tmp_path


def warm(package: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WARM_START), "shop.web"],
        cwd=package,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_the_service_runs_at_its_order_with_its_arguments_and_environment(package: Path) -> None:
    process = warm(package)
    order = {"args": ["--port", "8123"], "env": {"SHOP_SETTING": "on", "PATH": "/usr/bin:/bin"}}
    try:
        subprocess.run(["sleep", "1"], check=True)  # the service's turn comes later than its interpreter's start
        output, _ = process.communicate(json.dumps(order) + "\n", timeout=WAIT_SECONDS)
    finally:
        process.kill()

    assert process.returncode == 0, output
    assert json.loads(output) == {
        "args": ["--port", "8123"],
        "name": "__main__",
        "setting": "on",
        "imported_before_its_turn": True,
        "stdin": "",
    }


def test_an_end_of_input_instead_of_an_order_ends_it_without_running_the_service(package: Path) -> None:
    process = warm(package)
    try:
        output, _ = process.communicate("", timeout=WAIT_SECONDS)
    finally:
        process.kill()

    assert (process.returncode, output) == (0, "")


def test_a_service_that_fails_to_import_fails_at_its_turn_as_it_would_cold(package: Path) -> None:
    (package / "shop" / "heavy.py").write_text("raise ImportError('no such database driver')\n")
    process = warm(package)
    try:
        output, _ = process.communicate(json.dumps({"args": [], "env": {}}) + "\n", timeout=WAIT_SECONDS)
    finally:
        process.kill()

    assert process.returncode == 1
    assert "ImportError: no such database driver" in output


def test_top_level_imports_are_read_without_running_anything() -> None:
    source = textwrap.dedent(
        """\
        import os, json as j
        from shop.heavy import LOADED_AT
        from . import sibling
        if __name__ == "__main__":
            import never.here
        raise SystemExit("never run")
        """
    )

    assert warm_start.top_level_imports(source) == ["os", "json", "shop.heavy"]


def test_the_driver_tells_a_warm_interpreter_the_arguments_and_environment_of_its_launch() -> None:
    driver = PythonDriver()
    warm = driver.warm(SERVICE)
    assert warm is not None
    launch = Launch([sys.executable, "-m", "shop.web", "--port", "9"], {**warm.env, "SHOP_SETTING": "on"})

    order = driver.order(SERVICE, launch, warm)

    assert order is not None
    assert json.loads(order) == {"args": ["--port", "9"], "env": launch.env}


@pytest.mark.parametrize(
    ("module", "interpreter"),
    [
        pytest.param("shop.admin", {}, id="another module"),
        pytest.param("shop.web", {"PYTHONHASHSEED": "7"}, id="a setting the interpreter reads as it starts"),
    ],
)
def test_the_driver_starts_cold_what_a_warm_interpreter_cannot_become(module: str, interpreter: dict[str, str]) -> None:
    driver = PythonDriver()
    warm = driver.warm(SERVICE)
    assert warm is not None
    launch = Launch([sys.executable, "-m", module], {**warm.env, **interpreter})

    assert driver.order(SERVICE, launch, warm) is None
