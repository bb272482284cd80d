"""docs/world.md's settings tables are what the world file's declarations say."""

from __future__ import annotations

import pytest

from drills.world.settings import SettingSpec, SettingType
from drills.world.spec import HealthCheck, HealthKind, ServiceKind, ServiceSpec, WorldSpec
from drills.world.worlds import world_spec
from tools import settings_doc


def test_settings_doc_tables_are_written_from_the_declarations() -> None:
    text = settings_doc.DOC.read_text(encoding="utf-8")
    assert settings_doc.render(text) == text, "run .venv/bin/python tools/settings_doc.py"


def test_settings_doc_has_a_table_for_the_world_and_every_service_of_its_worlds_but_their_apps() -> None:
    """Each service of the default world, and the providers of other worlds (written PRODUCT/SERVICE); each
    other product's app has its page in docs/apps/."""
    named = [match["name"] for match in settings_doc.TABLE.finditer(settings_doc.DOC.read_text(encoding="utf-8"))]
    assert sorted(named) == sorted(["world", *world_spec().names(), "vouchers/messaging"])


def test_settings_doc_writes_a_services_table_between_its_markers() -> None:
    pool = SettingSpec("POOL", SettingType.INT, "connections | at once", min=1, default="3")
    key = SettingSpec("KEY", description="the key", required=True, secret=True)
    world = WorldSpec(
        services=(ServiceSpec("svc", ServiceKind.PYTHON, HealthCheck(HealthKind.HTTP), settings=(pool, key)),)
    )
    text = "before\n<!-- settings: svc -->\nold table\n<!-- /settings -->\nafter\n"
    assert settings_doc.render(text, world) == (
        "before\n<!-- settings: svc -->\n"
        "| variable | takes | meaning | default |\n"
        "|---|---|---|---|\n"
        "| `POOL` | a whole number, 1 or more | connections \\| at once | `3` |\n"
        "| `KEY` | text, not empty; a secret | the key | required |\n"
        "<!-- /settings -->\nafter\n"
    )


def test_settings_doc_refuses_a_table_of_no_service() -> None:
    with pytest.raises(ValueError, match="'nobody', which is no service of the world"):
        settings_doc.render("<!-- settings: nobody -->\n<!-- /settings -->\n")
