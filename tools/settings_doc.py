"""docs/world.md's settings tables, written from what each service of the world file declares it reads.

Each table sits between ``<!-- settings: NAME -->`` and ``<!-- /settings -->``, NAME a service of the default world,
``PRODUCT/SERVICE`` a service of another, or ``world`` (the settings the world gives its fakes); what is between is
written again from docker-compose.yml's declarations, the rest of the page is left as it is. A test checks that
the page is as this writes it.

    .venv/bin/python tools/settings_doc.py           # write the tables again
    .venv/bin/python tools/settings_doc.py --check   # exit 1 when a table differs from the declarations
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from drills.world.settings import SettingSpec
from drills.world.spec import ServiceSpec, WorldSpec
from drills.world.worlds import world_spec

ROOT: Final = Path(__file__).resolve().parents[1]
DOC: Final = ROOT / "docs" / "world.md"
TABLE: Final = re.compile(r"(<!-- settings: (?P<name>[a-z/-]+) -->\n)(?P<table>.*?)(<!-- /settings -->)", re.DOTALL)
WORLD: Final = "world"
WORLD_VARIABLES: Final = ("DRILLBIT_TIME_SCALE", "DRILLBIT_EPOCH", "DRILLBIT_CLOCK", "DRILLBIT_SEED")
"""The settings the world gives every fake: each as the first service that reads it declares it."""


def render(text: str, world: WorldSpec | None = None) -> str:
    """``text`` with every settings table written again from ``world`` (the default world by default)."""
    spec = world or world_spec()

    def table(match: re.Match[str]) -> str:
        return f"{match[1]}{_table(match['name'], spec)}{match[4]}"

    return TABLE.sub(table, text)


def world_settings(world: WorldSpec) -> list[SettingSpec]:
    """The settings the world gives its fakes, as declared by the first service that reads each."""
    found = {}
    for service in world.services:
        for setting in service.settings:
            if setting.name in WORLD_VARIABLES and setting.name not in found and service.env.get(setting.name):
                found[setting.name] = setting
    return [found[name] for name in WORLD_VARIABLES if name in found]


def _table(name: str, world: WorldSpec) -> str:
    shared = world_settings(world)
    if name == WORLD:
        readers = {s.name: [svc.name for svc in world.services if svc.setting(s.name) == s] for s in shared}
        rows = [_row(setting, ", ".join(f"`{reader}`" for reader in readers[setting.name])) for setting in shared]
        return _lines(["variable", "takes", "meaning", "default", "read by"], rows)
    product, _, service = name.rpartition("/")
    if product:
        world = world_spec(product)
    if service not in world.names():
        raise ValueError(f"docs/world.md has a settings table of {name!r}, which is no service of the world")
    return _service_table(world.service(service), shared)


def _service_table(service: ServiceSpec, given: list[SettingSpec]) -> str:
    own = [setting for setting in service.settings if setting not in given]
    if not service.settings:
        return f"`{service.name}` reads no setting: the world configures it itself.\n"
    text = _lines(["variable", "takes", "meaning", "default"], [_row(setting) for setting in own]) if own else ""
    shared = [f"`{setting.name}`" for setting in service.settings if setting in given]
    if shared:
        text += f"\nAnd of the world's settings (above): {', '.join(shared)}.\n"
    return text


def _row(setting: SettingSpec, *extra: str) -> list[str]:
    takes = setting.rule() + ("; a secret" if setting.secret else "")
    default = "—" if setting.default is None else f"`{setting.default}`"
    return [f"`{setting.name}`", takes, setting.description, "required" if setting.required else default, *extra]


def _lines(header: list[str], rows: list[list[str]]) -> str:
    rows = [[cell.replace("|", "\\|") for cell in row] for row in rows]
    separator = "|" + "|".join(["---"] * len(header)) + "|\n"
    return _line(header) + separator + "".join(map(_line, rows))


def _line(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |\n"


def main(argv: Sequence[str] | None = None) -> int:
    check = list(argv if argv is not None else sys.argv[1:]) == ["--check"]
    text = DOC.read_text(encoding="utf-8")
    written = render(text)
    if written == text:
        return 0
    if check:
        print(f"{DOC.relative_to(ROOT)}: a settings table differs from the declarations: run tools/settings_doc.py")
        return 1
    DOC.write_text(written, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
