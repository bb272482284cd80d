"""A Python service's interpreter, started before the service's turn: it imports what the service imports, then
waits for its launch order and runs the service exactly as ``python -m MODULE ARGS`` would.

A world's Python services spend most of their start importing (starlette, uvicorn, psycopg, redis, httpx: half a
second for an app). Started with the world, each interpreter does that while the services it depends on come up;
when its turn comes, the runtime writes one JSON line to its standard input, ``{"args": [...], "env": {...}}``, and
the service's own code starts only then, with that environment and those arguments: nothing of it runs before the
services it depends on are healthy. An end of input instead of an order (its world went first) ends it quietly.

Run as a script (``python .../warm_start.py MODULE``), not as a module of drillbit, so that the service's process
imports nothing of drillbit.

What it imports ahead is what the module's ``__main__`` imports at its top level, read from its source without
running it; an import that fails is left for the service's own start to report, in its log, as it would.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import importlib.util
import json
import os
import runpy
import sys


def main_source(module: str) -> str | None:
    """The source ``python -m module`` runs: the package's ``__main__``, or the module itself."""
    spec = importlib.util.find_spec(module)
    if spec is not None and spec.submodule_search_locations is not None:
        spec = importlib.util.find_spec(f"{module}.__main__")
    if spec is None or spec.loader is None or not hasattr(spec.loader, "get_source"):
        return None
    source: str | None = spec.loader.get_source(spec.name)
    return source


def top_level_imports(source: str) -> list[str]:
    """The absolute modules that ``source`` imports at its top level, in order."""
    found: list[str] = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(node.module)
    return found


def preload(module: str) -> None:
    """Imports what the module's ``__main__`` imports; whatever fails is for the service's own start to say."""
    with contextlib.suppress(Exception):
        source = main_source(module)
        for name in top_level_imports(source or ""):
            with contextlib.suppress(Exception):
                importlib.import_module(name)


def run(module: str, order: dict[str, object]) -> None:
    """Runs the module as ``python -m`` would, with the order's environment and arguments."""
    env = order["env"]
    args = order["args"]
    if not isinstance(env, dict) or not isinstance(args, list):
        raise SystemExit(f"warm start of {module}: a launch order needs an env object and an args list")
    os.environ.clear()
    os.environ.update({str(key): str(value) for key, value in env.items()})
    sys.argv = [module, *(str(arg) for arg in args)]
    nothing = os.open(os.devnull, os.O_RDONLY)  # its standard input from here on, as when it starts cold
    os.dup2(nothing, 0)
    os.close(nothing)
    runpy.run_module(module, run_name="__main__", alter_sys=True)


def main() -> None:
    module = sys.argv[1]
    sys.path[0] = os.getcwd()  # what `python -m` puts first, instead of this script's folder
    preload(module)
    line = sys.stdin.readline()
    if not line.strip():
        return
    run(module, json.loads(line))


if __name__ == "__main__":
    main()
