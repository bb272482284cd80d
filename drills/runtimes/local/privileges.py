"""Running servers unprivileged when the harness runs as root, and making their files reachable."""

from __future__ import annotations

import os
import pwd
import shutil
import stat
from pathlib import Path

from drills.runtimes.local.processes import RunAs

UNPRIVILEGED_ACCOUNTS = ("nobody", "daemon")


def service_account() -> RunAs | None:
    """The account servers run as: None (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    for name in UNPRIVILEGED_ACCOUNTS:
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return RunAs(entry.pw_uid, entry.pw_gid)
    return RunAs(65534, 65534)


def reachable_by_others(path: Path) -> bool:
    """Whether every directory on the way to ``path`` can be traversed by any account."""
    directories = [folder for folder in (path, *path.parents) if folder.is_dir()]
    return all(folder.stat().st_mode & stat.S_IXOTH for folder in directories)


def hand_over(path: Path, account: RunAs | None) -> None:
    """Give a directory the world created to the account its server runs as."""
    if account is None:
        return
    for root, dirs, files in os.walk(path):
        os.chown(root, account.uid, account.gid)
        for name in dirs + files:
            os.chown(os.path.join(root, name), account.uid, account.gid)


def reachable_install(install_dir: Path, cache_root: Path) -> Path:
    """The install directory itself, or a cached copy of it where an unprivileged account can reach it.

    A wheel installed under /root cannot be executed by ``nobody``; copying it once is cheaper than asking
    the user to move their virtual environment.
    """
    if reachable_by_others(install_dir):
        return install_dir
    copy = cache_root / f"{install_dir.parent.name}-{install_dir.stat().st_mtime_ns}"
    if not copy.exists():
        staging = copy.with_suffix(".partial")
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(install_dir, staging, symlinks=True)
        staging.rename(copy)
    cache_root.chmod(0o755)
    return copy
