"""World files: drillbit's own is valid Compose and gives each product's world; a malformed one is file:line."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import jsonschema
import pytest
import yaml

from drills.errors import UnknownNameError
from drills.severity import Severity, load_policy
from drills.world import world_file as world_file_module
from drills.world.spec import ServiceKind
from drills.world.world_file import WorldFileError, read_world_file
from drills.world.world_services import load_world
from drills.world.worlds import shipped_world_file, world_file, world_spec

ROOT = Path(__file__).resolve().parents[3]
SCHEMA = ROOT / "drills" / "world" / "schemas" / "compose-spec.json"

SMALL = """\
x-drillbit:
  version: 1
  worlds:
    shop: {description: a shop}
    blog: {description: a blog}
  secrets: [DB_PASSWORD]
services:
  db:
    image: postgres:16-alpine
    expose: ["5432"]
    x-drillbit: {run: postgres, databases: [scratch]}
  proxy:
    image: ghcr.io/shopify/toxiproxy:2.12.0
    expose: ["8474"]
    x-drillbit:
      run: {module: fakes.toxiproxy}
      health: /_control/health
      proxies:
        db: {listen: 15432, upstream: db:5432}
  shop:
    build: .
    profiles: [shop]
    expose: ["8000"]
    depends_on: [db, proxy]
    environment:
      DATABASE_URL: postgresql://postgres:${DB_PASSWORD}@proxy:15432/drillbit
      FLAG: true
    x-drillbit:
      name: app
      run: {module: fakes.reports}
      health: /api/v1/health
      settings:
        DATABASE_URL: {type: url, required: true}
  blog:
    build: .
    profiles: [blog]
    expose: ["8000"]
    x-drillbit: {name: app, run: {module: fakes.portal}}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "compose.yml"
    path.write_text(textwrap.dedent(text))
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    path = write(tmp_path, text)
    with pytest.raises(WorldFileError) as caught:
        read_world_file(path)
    assert caught.value.exit_code == 2
    return [problem.removeprefix(f"{path}:") for problem in caught.value.problems]


def test_the_shipped_world_file_is_valid_compose() -> None:
    schema = json.loads(SCHEMA.read_text())
    data = yaml.safe_load((ROOT / "docker-compose.yml").read_text())

    assert list(jsonschema.Draft201909Validator(schema).iter_errors(data)) == []
    assert shipped_world_file() == (ROOT / "docker-compose.yml").resolve()


def test_a_product_s_world_has_its_services_under_their_world_names(tmp_path: Path) -> None:
    world_file = read_world_file(write(tmp_path, SMALL))

    shop, blog = load_world(world_file, "shop"), load_world(world_file, "blog")

    assert (shop.names(), blog.names()) == (("db", "proxy", "app"), ("db", "proxy", "app"))
    app = shop.service("app")
    assert (app.kind, app.module, app.port, app.aliases, app.depends_on) == (
        ServiceKind.PYTHON,
        "fakes.reports",
        8000,
        ("shop",),
        ("db", "proxy"),
    )
    assert app.env == {"DATABASE_URL": "postgresql://postgres:${DB_PASSWORD}@proxy:15432/drillbit", "FLAG": "true"}
    assert [(p.name, p.upstream, p.listen) for p in shop.proxies] == [("db", "db", 15432)]
    assert (shop.proxy_server, shop.secrets, shop.description) == ("proxy", ("DB_PASSWORD",), "a shop")
    assert blog.service("app").module == "fakes.portal"
    assert (shop.service("db").databases, shop.databases) == (("scratch",), ("scratch",))


def test_an_unknown_product_names_those_there_are(tmp_path: Path) -> None:
    world_file = read_world_file(write(tmp_path, SMALL))

    with pytest.raises(UnknownNameError, match=r"has no world 'shops'; did you mean 'shop'\?") as caught:
        load_world(world_file, "shops")
    assert caught.value.hint == "its worlds are: shop, blog"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ('    expose: ["5432"]\n', '    exposes: ["5432"]\n'),
            "10: services.db.exposes: unknown field; did you mean 'expose'?",
        ),
        (
            ("x-drillbit: {run: postgres, databases", "x-drillbit: {runs: postgres, databases"),
            "11: services.db.x-drillbit.runs: unknown field; did you mean 'run'?",
        ),
        (
            ("depends_on: [db, proxy]", "depends_on: [db, proxy, cache]"),
            "24: services.shop.depends_on: 'cache' is not a service of world shop",
        ),
        (
            ("upstream: db:5432", "upstream: db:5433"),
            "19: services.proxy.x-drillbit.proxies.db.upstream: db serves on port 5432, not 5433",
        ),
        (
            ("profiles: [blog]", "profiles: [blgo]"),
            "36: services.blog.profiles: 'blgo' is not a world of the file; did you mean 'blog'?",
        ),
        (("  version: 1\n", "  version: 2\n"), "2: x-drillbit.version: Input should be 1"),
    ],
)
def test_a_malformed_world_file_says_where(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    assert change[0] in SMALL
    found = problems(tmp_path, SMALL.replace(*change))

    assert any(problem.startswith(expected) for problem in found), found


def test_a_proxy_in_front_of_a_service_with_no_port_says_how_to_give_it_one(tmp_path: Path) -> None:
    found = problems(tmp_path, SMALL.replace('    expose: ["5432"]\n', ""))

    assert found == [
        '18: services.proxy.x-drillbit.proxies.db.upstream: db has no port to proxy: give it `expose: ["5432"]`'
    ]


def test_a_file_that_is_not_yaml_says_where(tmp_path: Path) -> None:
    assert problems(tmp_path, "services:\n  a: [\n")[0].startswith("3: invalid YAML")


def test_a_file_with_no_extension_says_what_it_lacks(tmp_path: Path) -> None:
    found = problems(tmp_path, "services:\n  db:\n    image: postgres:16-alpine\n")

    assert any("no 'x-drillbit' at the top" in problem for problem in found), found


def test_the_default_world_is_scheduled_reports_with_its_app_behind_proxies() -> None:
    world = world_spec()

    assert world.name == "scheduled-reports"
    assert {"app", "scheduler", "postgres", "redis", "toxiproxy"} <= set(world.names())
    assert world.service("app").env["DATABASE_URL"].endswith("@toxiproxy:15432/drillbit")


def test_each_shipped_world_s_policy_loads_and_says_when_its_vendor_is_escalated() -> None:
    policies = {product: world_spec(product).policy for product in world_file().products}
    loaded = {product: load_policy(path) for product, path in policies.items() if path is not None}

    assert sorted(loaded) == ["portal", "vouchers"]
    assert loaded["vouchers"].targets(Severity.P1).escalate["L4"] == 15 * 60
    assert loaded["portal"].targets(Severity.P2).escalate["L4"] == 30 * 60


def test_the_readme_s_own_stack_example_is_a_world_file(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    example = readme[readme.index("**Your own stack.**") :]
    path = tmp_path / "shop.yml"
    path.write_text(example.split("```yaml\n", 1)[1].split("```", 1)[0])

    shop = load_world(read_world_file(path), "shop")

    assert (shop.names(), shop.secrets) == (("postgres", "app"), ("POSTGRES_PASSWORD",))
    assert (
        shop.service("app").env["DATABASE_URL"] == "postgresql://postgres:${POSTGRES_PASSWORD}@postgres:5432/drillbit"
    )


def test_a_misspelled_field_of_a_setting_names_the_fields_a_setting_has(tmp_path: Path) -> None:
    found = problems(tmp_path, SMALL.replace("DATABASE_URL: {type: url, required: true}", "DATABASE_URL: {typ: url}"))

    assert found == [
        "33: services.shop.x-drillbit.settings.DATABASE_URL.typ: unknown field; did you mean 'type'? (fields here: "
        "type, description, min, max, min_exclusive, required, secret, default)"
    ]


def test_a_text_the_compose_schema_passed_once_is_not_checked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = tmp_path / "world.yml"
    path.write_text(SMALL)
    read_world_file(path)
    checks: list[str] = []
    monkeypatch.setattr(world_file_module, "_validate", lambda document: checks.append("checked") or iter(()))

    read_world_file(path)
    path.write_text(SMALL + "\n# changed\n")
    read_world_file(path)

    assert checks == ["checked"]
    assert len(list((tmp_path / "cache" / "drillbit" / "compose-checked").iterdir())) == 2


def test_a_text_the_compose_schema_refused_is_checked_every_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = tmp_path / "world.yml"
    path.write_text(SMALL.replace('    expose: ["5432"]', "    expose: 5432"))

    for _ in range(2):
        with pytest.raises(WorldFileError, match="Compose Specification"):
            read_world_file(path)
    assert not (tmp_path / "cache" / "drillbit" / "compose-checked").exists()
