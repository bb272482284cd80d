"""Which world a drill happens in, and which severity policy scores it: the scenario's product of the world file,
its extra services, and the world's policy unless the drill is given one."""

from __future__ import annotations

from pathlib import Path

from drills.engine.runner import DrillSettings, drill_policy, drill_world
from drills.scenario.loader import load_scenario
from drills.severity import DEFAULT_POLICY, load_policy
from drills.world.worlds import world_file as read
from tests.drills.test_severity import TEAM_POLICY

WORLD_FILE = """\
x-drillbit:
  version: 1
  worlds:
    shop: {policy: policies/shop.yaml}
    blog: {}
services:
  db:
    image: postgres:16-alpine
    expose: ["5432"]
    x-drillbit: {run: postgres}
  app:
    build: .
    expose: ["8000"]
    depends_on: [db]
    x-drillbit: {run: {module: fakes.reports}, settings: {FLAG: {type: bool}}}
"""

SCENARIO = """\
id: tiny
title: Tiny
severity: P4
description: A tiny drill.
runbook: runbooks/minimal.md#fix
world:
  product: {product}
  extra_services:
    app-staging: {{copy_of: app, settings: {{FLAG: "1"}}}}
steady_state: [{{kind: tcp, host: "{{app.host}}", port: "{{app.port}}"}}]
faults: [{{id: stop-app, kind: process, service: app, action: stop}}]
monitors: [{{name: down, summary: App down, fires_when: fails, probe: {{kind: tcp, host: localhost, port: 1}}}}]
response: []
recovery: {{hold: 1m}}
"""


def setup(tmp_path: Path, product: str) -> tuple[Path, Path]:
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "shop.yaml").write_text(TEAM_POLICY)
    (tmp_path / "runbooks").mkdir()
    (tmp_path / "runbooks" / "minimal.md").write_text("## Fix\n\n```bash\necho fixed\n```\n")
    world_file = tmp_path / "worlds.yml"
    world_file.write_text(WORLD_FILE)
    scenario = tmp_path / "tiny.yaml"
    scenario.write_text(SCENARIO.format(product=product))
    return world_file, scenario


def test_a_drill_happens_in_its_scenario_s_world_with_its_extra_services(tmp_path: Path) -> None:
    world_file, path = setup(tmp_path, "blog")
    scenario = load_scenario(path, worlds=read(world_file))
    world = drill_world(scenario, DrillSettings(world_file=world_file))

    assert (world.name, world.names()) == ("blog", ("db", "app", "app-staging"))
    copy = world.service("app-staging")
    assert (copy.module, copy.depends_on, copy.aliases) == ("fakes.reports", ("db",), ())


def test_a_drill_is_scored_by_its_world_s_policy_unless_given_one(tmp_path: Path) -> None:
    world_file, path = setup(tmp_path, "shop")
    scenario = load_scenario(path, worlds=read(world_file))
    shop = load_policy(tmp_path / "policies" / "shop.yaml")

    assert drill_policy(scenario, DrillSettings(world_file=world_file)) == shop
    assert drill_policy(scenario, DrillSettings(world_file=world_file, policy=DEFAULT_POLICY)) == DEFAULT_POLICY
    other = path.with_name("blog.yaml")
    other.write_text(SCENARIO.format(product="blog"))
    blog = load_scenario(other, worlds=read(world_file))
    assert drill_policy(blog, DrillSettings(world_file=world_file)) == DEFAULT_POLICY
