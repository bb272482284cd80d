"""A cluster made once and copied for each world: initdb costs a world about a second of two busy cores, a copy of
its result a few hundredths.

A template is a cleanly shut down data directory with the world's databases in it and a throwaway superuser
password, kept in the user's cache under a name made of what made it (the server's install and its build, the
initdb options, the databases): another Postgres, other options or other databases make another template. A world
copies one into its own folder and sets its own password there before its server first starts, so no world's
password is ever in the cache. Templates are written whole under a temporary name and then renamed, so worlds
made at the same time never see half of one.
"""

from __future__ import annotations

import hashlib
import secrets
import shutil
from collections.abc import Sequence
from pathlib import Path

from drills.errors import ServiceStartError
from drills.runtimes.local.launch import Launch, RunToEnd, base_env
from drills.runtimes.local.processes import RunAs
from drills.world.home import install_cache, user_cache

TEMPLATES_FOLDER = "postgres-templates"


def templates_root() -> Path:
    """``<user cache>/postgres-templates``, or the install cache's for a user without a cache folder."""
    return user_cache(TEMPLATES_FOLDER) or install_cache() / TEMPLATES_FOLDER


def template_name(bin_dir: Path, options: Sequence[str], databases: Sequence[str]) -> str:
    """The name of the template that this install, these initdb options and these databases make."""
    maker = bin_dir / "initdb"
    built = maker.stat()
    made_of = "\n".join([str(maker.resolve()), str(built.st_mtime_ns), str(built.st_size), *options, *databases])
    return "cluster-" + hashlib.sha256(made_of.encode()).hexdigest()[:16]


def throwaway_password() -> str:
    """The superuser's password a template is made with; every world replaces it before it starts its server."""
    return secrets.token_urlsafe(24)


def copy_template(name: str, data_dir: Path, account: RunAs | None, run: RunToEnd) -> bool:
    """Copies the template called ``name`` to ``data_dir``, owned by the servers' account; False when there is none.

    ``cp`` copies (sharing the blocks where the file system can), and ``chown`` hands the copy over: a process of
    its own does a thousand files' work without the harness's interpreter, which its other threads keep busy while
    a world comes up.
    """
    template = templates_root() / name
    if not template.is_dir():
        return False
    commands = [["cp", "-a", "--reflink=auto", str(template), str(data_dir)]]
    if account is not None:
        commands.append(["chown", "-R", f"{account.uid}:{account.gid}", str(data_dir)])
    for argv in commands:
        done = run(Launch(argv, base_env()))
        if done.returncode != 0:
            raise ServiceStartError("postgres", f"{argv[0]} of its template failed", done.output[-2000:])
    return True


def keep_template(name: str, data_dir: Path) -> None:
    """Keeps a copy of ``data_dir`` (shut down cleanly) as the template ``name``, unless one is there already. A
    cache that cannot be written only costs the next world its initdb."""
    root = templates_root()
    final = root / name
    staging = root / f"{name}.partial-{secrets.token_hex(4)}"
    try:
        if not final.exists():
            root.mkdir(parents=True, exist_ok=True)
            shutil.copytree(data_dir, staging, symlinks=True)
            staging.rename(final)  # another world's template by the same name makes this fail: it is the same
    except OSError:
        pass
    finally:
        shutil.rmtree(staging, ignore_errors=True)
