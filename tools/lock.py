"""The dependency lock: ``requirements.lock`` pins every package, and says which pyproject.toml it was made from.

Its header records a sha256 of the ``[project]`` dependencies and optional dependencies, so a change to either
is caught before anything is installed. Stdlib only: the Makefile runs it before the virtual environment exists.

    python tools/lock.py check           # exit 1, saying how to refresh, unless the lock matches pyproject.toml
    python tools/lock.py write FREEZE    # write the lock from `pip freeze --exclude-editable` output
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import sys
import tempfile
import tomllib
from pathlib import Path
from typing import Final

ROOT: Final = Path(__file__).resolve().parents[1]
PYPROJECT: Final = ROOT / "pyproject.toml"
LOCK: Final = ROOT / "requirements.lock"
DIGEST_PREFIX: Final = "# pyproject-sha256: "
REFRESH: Final = "run `make lock` to make it again from the newest versions (`make upgrade` also runs the tests)"


def dependencies_digest(pyproject_text: str) -> str:
    """The sha256 of the project's dependencies and optional dependencies, as pip reads them (order kept)."""
    project = tomllib.loads(pyproject_text).get("project", {})
    wanted = {
        "dependencies": project.get("dependencies", []),
        "optional-dependencies": project.get("optional-dependencies", {}),
    }
    canonical = json.dumps(wanted, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def render(freeze: str, digest: str, python: str = platform.python_version()) -> str:
    """The lock's text: its header, then each pinned package of ``freeze``, without pip's comments."""
    pins = [line.strip() for line in freeze.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    header = [
        "# Every package drillbit installs, pinned: the Makefile installs with `pip install -c requirements.lock`.",
        "# Written by `make lock` (tools/lock.py) from a fresh virtual environment; do not edit by hand.",
        f"# made with Python {python}",
        f"{DIGEST_PREFIX}{digest}",
    ]
    return "\n".join([*header, *pins]) + "\n"


def recorded_digest(lock_text: str) -> str | None:
    """The pyproject digest a lock's header records, or None when it has none."""
    for line in lock_text.splitlines():
        if line.startswith(DIGEST_PREFIX):
            return line.removeprefix(DIGEST_PREFIX).strip()
    return None


def check(pyproject: Path = PYPROJECT, lock: Path = LOCK) -> str | None:
    """None when ``lock`` was made from ``pyproject``'s dependencies; otherwise what is wrong and what to do."""
    if not lock.is_file():
        return f"{lock.name} is missing: {REFRESH}"
    recorded = recorded_digest(lock.read_text(encoding="utf-8"))
    if recorded is None:
        return f"{lock.name} has no `{DIGEST_PREFIX.strip('# :')}` line: {REFRESH}"
    if recorded != dependencies_digest(pyproject.read_text(encoding="utf-8")):
        return (
            f"{lock.name} does not match {pyproject.name}: its dependencies changed since the lock was made; {REFRESH}"
        )
    return None


def write(freeze: str, pyproject: Path = PYPROJECT, lock: Path = LOCK) -> None:
    """Writes the lock for ``pyproject`` from ``freeze``, replacing the old one in one step."""
    text = render(freeze, dependencies_digest(pyproject.read_text(encoding="utf-8")))
    descriptor, temporary = tempfile.mkstemp(dir=lock.parent, prefix=f".{lock.name}.")
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)
    os.chmod(temporary, 0o644)
    os.replace(temporary, lock)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tools/lock.py", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--pyproject", type=Path, default=PYPROJECT)
    parser.add_argument("--lock", type=Path, default=LOCK)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="exit 1 unless the lock was made from pyproject.toml's dependencies")
    writing = commands.add_parser("write", help="write the lock from `pip freeze --exclude-editable` output")
    writing.add_argument("freeze", type=Path, help="a file holding the freeze output")
    arguments = parser.parse_args(argv)
    if arguments.command == "write":
        write(arguments.freeze.read_text(encoding="utf-8"), arguments.pyproject, arguments.lock)
        print(f"wrote {arguments.lock}")
        return 0
    problem = check(arguments.pyproject, arguments.lock)
    if problem is not None:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
