"""The docker runtime's plan: how a world spec becomes container settings, with no engine anywhere."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from drills.runtimes.docker.plan import (
    CLOCK_PATH,
    DockerPlan,
    HealthPlan,
    Mount,
    MountKind,
    PlanError,
    ProxyPlan,
    plan,
)
from drills.world.spec import ContainerSpec, HealthCheck, HealthKind, ProxySpec, WorldSpec
from tests.drills.runtimes.docker.scheduled_reports import (
    POSTGRES_TEST,
    REDIS_TEST,
    SECRETS,
    fake,
    scheduled_reports,
    variables,
)

PROJECT = Path("/src/drillbit")
CLOCK = Path("/tmp/drillbit/worlds/world-1a2b/clock")
NAME = "world-1a2b"
FAKES_IMAGE = "drillbit-fakes:"


def _plan(spec: WorldSpec | None = None, **changed: str) -> DockerPlan:
    return plan(
        spec or scheduled_reports(),
        {**variables(), **changed},
        name=NAME,
        project=PROJECT,
        clock=CLOCK,
        user="1000:1000",
    )


def _refusal(spec: WorldSpec, **changed: str) -> str:
    with pytest.raises(PlanError) as raised:
        _plan(spec, **changed)
    return str(raised.value)


def test_plan_runs_the_official_images_and_builds_the_fakes_once_from_the_project() -> None:
    made = _plan()

    images = {c.service: c.image for c in made.containers}
    (tag, context), *others = made.builds().items()
    assert (images["postgres"], images["redis"], images["toxiproxy"]) == (
        "postgres:16-alpine",
        "redis:7-alpine",
        "ghcr.io/shopify/toxiproxy:2.12.0",
    )
    assert (others, context, tag.startswith(FAKES_IMAGE)) == ([], PROJECT, True)
    fakes = ("timetracking", "mail", "messaging", "app", "scheduler")
    assert {images[name] for name in fakes} == {tag}


def test_plan_tags_the_fakes_image_after_its_build_context() -> None:
    here, elsewhere = _plan(), plan(scheduled_reports(), variables(), name=NAME, project=Path("/x"), clock=CLOCK)

    assert list(here.builds()) != list(elsewhere.builds())
    assert list(here.builds()) == list(_plan().builds())


def test_plan_keeps_the_command_as_written_and_the_image_s_own_when_none() -> None:
    made = _plan()

    assert made.container("app").command == ("python", "-m", "fakes.reports", "--host", "0.0.0.0", "--port", "8000")
    assert (made.container("postgres").command, made.container("toxiproxy").command) == ((), ())


def test_plan_fills_the_environment_and_keeps_addresses_as_written() -> None:
    environment = _plan().container("app").environment

    assert environment == {
        "DRILLBIT_TIME_SCALE": "10.0",
        "DRILLBIT_EPOCH": "1700000000.0",
        "DRILLBIT_CLOCK": CLOCK_PATH,
        "DRILLBIT_SEED": "0",
        "DATABASE_URL": "postgresql://postgres:postgres_password-s3cret@toxiproxy:15432/drillbit",
        "REDIS_URL": "redis://default:redis_password-s3cret@toxiproxy:16379/0",
        "TIMETRACKING_URL": "http://toxiproxy:18001",
        "TIMETRACKING_CLIENT_ID": "drillbit-app",
        "TIMETRACKING_CLIENT_SECRET": "timetracking_client_secret-s3cret",
        "MAIL_URL": "http://toxiproxy:18002",
        "MAIL_API_KEY": "mail_api_key-s3cret",
        "MESSAGING_URL": "http://toxiproxy:18003",
        "MESSAGING_API_KEY": "messaging_api_key-s3cret",
        "SCHEDULER_SECRET": "scheduler_secret-s3cret",
        "ADMIN_API_KEY": "admin_api_key-s3cret",
        "TENANT_COUNT": "20",
    }


def test_plan_fills_a_default_from_the_world_s_variables_when_they_give_it() -> None:
    assert _plan(DRILLBIT_TENANTS="3").container("app").environment["TENANT_COUNT"] == "3"


def test_plan_gives_postgres_and_redis_their_secrets_through_the_environment_only() -> None:
    made = _plan()
    postgres, redis = made.container("postgres"), made.container("redis")

    assert (postgres.environment, redis.environment) == (
        {"POSTGRES_PASSWORD": "postgres_password-s3cret", "POSTGRES_DB": "drillbit"},
        {"REDIS_PASSWORD": "redis_password-s3cret"},
    )
    assert redis.command == ("sh", "-c", 'echo "requirepass $REDIS_PASSWORD" | redis-server -')
    secrets = [variables()[name] for name in SECRETS]
    words = [word for c in made.containers for word in (*c.command, *(c.healthcheck.test if c.healthcheck else ()))]
    assert [word for word in words if any(secret in word for secret in secrets)] == []


def test_plan_puts_every_service_on_one_network_under_its_name_and_aliases() -> None:
    made = _plan()

    assert made.network == "drillbit-world-1a2b"
    assert {c.service: (c.name, c.aliases) for c in made.containers} == {
        "postgres": ("drillbit-world-1a2b-postgres", ("postgres",)),
        "redis": ("drillbit-world-1a2b-redis", ("redis",)),
        "toxiproxy": ("drillbit-world-1a2b-toxiproxy", ("toxiproxy",)),
        "timetracking": ("drillbit-world-1a2b-timetracking", ("timetracking",)),
        "mail": ("drillbit-world-1a2b-mail", ("mail",)),
        "messaging": ("drillbit-world-1a2b-messaging", ("messaging",)),
        "app": ("drillbit-world-1a2b-app", ("app", "reports")),
        "scheduler": ("drillbit-world-1a2b-scheduler", ("scheduler",)),
    }


def test_plan_refuses_a_world_name_docker_cannot_name_containers_with() -> None:
    with pytest.raises(PlanError) as raised:
        plan(scheduled_reports(), variables(), name="my world", project=PROJECT, clock=CLOCK)

    assert str(raised.value) == "'my world' cannot name a world's containers: letters, digits, '_', '.' and '-' only"


def test_plan_turns_each_health_check_into_docker_s_terms() -> None:
    made = _plan()

    assert {c.service: c.healthcheck for c in made.containers} == {
        "postgres": HealthPlan(POSTGRES_TEST),
        "redis": HealthPlan((REDIS_TEST[0], REDIS_TEST[1].replace("$$", "$"))),
        "toxiproxy": None,
        "timetracking": HealthPlan(("CMD", "python", "-m", "fakes.health", "http://localhost:8000/_control/health")),
        "mail": HealthPlan(("CMD", "python", "-m", "fakes.health", "http://localhost:8000/_control/health")),
        "messaging": HealthPlan(("CMD", "python", "-m", "fakes.health", "http://localhost:8000/_control/health")),
        "app": HealthPlan(("CMD", "python", "-m", "fakes.health", "http://localhost:8000/api/v1/health")),
        "scheduler": HealthPlan(("CMD", "python", "-m", "fakes.health", "http://localhost:8000/_control/health")),
    }


def test_health_plan_as_docker_gives_durations_in_nanoseconds() -> None:
    assert HealthPlan(("CMD", "true"), interval_s=1.0, timeout_s=2.5, retries=30).as_docker() == {
        "test": ["CMD", "true"],
        "interval": 1_000_000_000,
        "timeout": 2_500_000_000,
        "retries": 30,
    }


def test_plan_checks_readiness_at_each_service_s_own_health_and_toxiproxy_s_version() -> None:
    made = _plan()

    assert {c.service: c.ready for c in made.containers} == {
        "postgres": HealthCheck(HealthKind.POSTGRES),
        "redis": HealthCheck(HealthKind.REDIS),
        "toxiproxy": HealthCheck(HealthKind.HTTP, "/version"),
        "timetracking": HealthCheck(HealthKind.HTTP, "/_control/health"),
        "mail": HealthCheck(HealthKind.HTTP, "/_control/health"),
        "messaging": HealthCheck(HealthKind.HTTP, "/_control/health"),
        "app": HealthCheck(HealthKind.HTTP, "/api/v1/health"),
        "scheduler": HealthCheck(HealthKind.HTTP, "/_control/health"),
    }


def test_plan_publishes_each_service_s_port_and_every_proxy_s_on_the_proxy_server() -> None:
    assert {c.service: c.ports for c in _plan().containers} == {
        "postgres": (5432,),
        "redis": (6379,),
        "toxiproxy": (8474, 15432, 16379, 18001, 18002, 18003),
        "timetracking": (8000,),
        "mail": (8000,),
        "messaging": (8000,),
        "app": (8000,),
        "scheduler": (8000,),
    }


def test_plan_mounts_the_clock_s_folder_read_only_where_the_fakes_read_it() -> None:
    made = _plan()
    clock = Mount(str(CLOCK), "/run/drillbit", MountKind.BIND, read_only=True)

    assert {c.service: (c.mounts, c.user) for c in made.containers if c.service != "postgres"} == {
        "redis": ((), None),
        "toxiproxy": ((), None),
        "timetracking": ((clock,), "1000:1000"),
        "mail": ((clock,), "1000:1000"),
        "messaging": ((clock,), "1000:1000"),
        "app": ((clock,), "1000:1000"),
        "scheduler": ((clock,), "1000:1000"),
    }
    assert {c.environment.get("DRILLBIT_CLOCK") for c in made.containers} == {None, "/run/drillbit/clock.json"}


def test_plan_keeps_postgres_data_on_a_volume_of_the_world() -> None:
    made = _plan()

    assert made.container("postgres").mounts == (
        Mount("drillbit-world-1a2b-postgres-data", "/var/lib/postgresql/data", MountKind.VOLUME),
    )
    assert made.volumes == ("drillbit-world-1a2b-postgres-data",)


def test_plan_creates_each_proxy_on_every_interface_towards_its_upstream_s_port() -> None:
    made = _plan()

    assert (made.proxy_server, made.proxies) == (
        "toxiproxy",
        (
            ProxyPlan("postgres", "0.0.0.0:15432", "postgres:5432", 15432),
            ProxyPlan("redis", "0.0.0.0:16379", "redis:6379", 16379),
            ProxyPlan("timetracking", "0.0.0.0:18001", "timetracking:8000", 18001),
            ProxyPlan("mail", "0.0.0.0:18002", "mail:8000", 18002),
            ProxyPlan("messaging", "0.0.0.0:18003", "messaging:8000", 18003),
        ),
    )
    assert made.proxies[0].as_toxiproxy() == {
        "name": "postgres",
        "listen": "0.0.0.0:15432",
        "upstream": "postgres:5432",
        "enabled": True,
    }


def test_plan_finds_a_proxy_s_upstream_by_an_alias() -> None:
    spec = scheduled_reports()
    spec = replace(spec, proxies=(ProxySpec("app", "reports", 18000),))

    assert _plan(spec).proxies == (ProxyPlan("app", "0.0.0.0:18000", "app:8000", 18000),)


def test_plan_starts_each_wave_after_the_one_it_depends_on() -> None:
    assert _plan().waves == (
        ("postgres", "redis", "toxiproxy", "timetracking", "mail", "messaging"),
        ("app",),
        ("scheduler",),
    )


def test_plan_refuses_a_proxy_whose_upstream_has_no_port() -> None:
    spec = scheduled_reports()
    spec = replace(spec, services=tuple(replace(s, port=None) if s.name == "mail" else s for s in spec.services))
    spec = replace(spec, proxies=(ProxySpec("mail", "mail", 18002),))

    assert _refusal(spec).splitlines() == [
        "proxy 'mail' forwards to service 'mail', which has no port on the world's network",
        "Hint: give 'mail' its port with Compose's `expose`",
    ]


def test_plan_refuses_a_proxy_to_no_service_of_the_world() -> None:
    spec = replace(scheduled_reports(), proxies=(ProxySpec("billing", "billing", 18009),))

    assert _refusal(spec).splitlines()[0] == "proxy 'billing' forwards to 'billing', which is no service of the world"


def test_plan_refuses_a_proxy_without_a_listen_port() -> None:
    spec = replace(scheduled_reports(), proxies=(ProxySpec("mail", "mail"),))

    assert _refusal(spec).splitlines()[0] == "proxy 'mail' has no listen port"


def test_plan_refuses_proxies_without_their_server() -> None:
    spec = scheduled_reports()
    spec = replace(spec, services=tuple(s for s in spec.services if s.name != "toxiproxy"))
    spec = replace(spec, services=tuple(replace(s, depends_on=()) for s in spec.services))

    assert _refusal(spec) == "the world has proxies but no proxy server 'toxiproxy'"


def test_plan_refuses_a_service_without_a_port() -> None:
    spec = WorldSpec(services=(replace(fake("mail", "fakes.providers.mail", {}), port=None),))

    assert _refusal(spec).splitlines()[0] == "service 'mail' has no port on the world's network"


def test_plan_refuses_a_service_without_an_image_or_a_build() -> None:
    spec = WorldSpec(services=(replace(fake("mail", "fakes.providers.mail", {}), container=ContainerSpec()),))

    assert _refusal(spec).splitlines()[0] == "service 'mail' has neither an image nor a build"


def test_plan_refuses_a_variable_the_world_does_not_give_naming_its_service() -> None:
    spec = WorldSpec(services=(fake("mail", "fakes.providers.mail", {"MAIL_API_KEY": "${MAIL_KEY}"}),))

    assert _refusal(spec).splitlines()[0] == "service 'mail': ${MAIL_KEY} is not set"


def test_plan_refuses_a_command_that_would_carry_a_secret() -> None:
    spec = scheduled_reports()
    leaky = ContainerSpec(image="redis:7-alpine", command=("redis-server", "--requirepass", "${REDIS_PASSWORD}"))
    spec = replace(spec, services=tuple(replace(s, container=leaky) if s.name == "redis" else s for s in spec.services))

    assert _refusal(spec).splitlines() == [
        "service 'redis': its command would carry the secret ${REDIS_PASSWORD} on a command line",
        "Hint: give it through the environment and let the container's shell read it (write $$REDIS_PASSWORD)",
    ]


def test_plan_refuses_dependencies_in_a_cycle() -> None:
    spec = WorldSpec(
        services=(
            fake("mail", "fakes.providers.mail", {}, depends_on=("messaging",)),
            fake("messaging", "fakes.providers.messaging", {}, depends_on=("mail",)),
        )
    )

    assert _refusal(spec) == "the world's dependencies form a cycle among: mail, messaging"


def test_container_plan_s_port_is_its_own_first() -> None:
    assert _plan().container("toxiproxy").port == 8474
