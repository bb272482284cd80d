"""The scheduled-reports world of docker-compose.yml, written by hand as the world file's reader will give it."""

from __future__ import annotations

from drills.world.spec import (
    ContainerSpec,
    HealthCheck,
    HealthKind,
    ProxySpec,
    ServiceKind,
    ServiceSpec,
    WorldSpec,
)

SECRETS = (
    "POSTGRES_PASSWORD",
    "REDIS_PASSWORD",
    "TIMETRACKING_CLIENT_SECRET",
    "MAIL_API_KEY",
    "MESSAGING_API_KEY",
    "SCHEDULER_SECRET",
    "ADMIN_API_KEY",
)
WORLD_ENV = {
    "DRILLBIT_TIME_SCALE": "${DRILLBIT_TIME_SCALE}",
    "DRILLBIT_EPOCH": "${DRILLBIT_EPOCH}",
    "DRILLBIT_CLOCK": "${DRILLBIT_CLOCK}",
    "DRILLBIT_SEED": "${DRILLBIT_SEED}",
}
CONTROL_HEALTH = HealthCheck(HealthKind.HTTP, "/_control/health")
POSTGRES_TEST = ("CMD-SHELL", "pg_isready -U postgres -d drillbit")
REDIS_COMMAND = ("sh", "-c", 'echo "requirepass $$REDIS_PASSWORD" | redis-server -')
REDIS_TEST = ("CMD-SHELL", 'redis-cli -a "$$REDIS_PASSWORD" --no-auth-warning ping | grep -q PONG')


def fake_container(module: str, health: str = "/_control/health") -> ContainerSpec:
    """The container of one of our fakes: the project's image, its module on port 8000, its health command."""
    return ContainerSpec(
        build=".",
        command=("python", "-m", module, "--host", "0.0.0.0", "--port", "8000"),
        healthcheck=("CMD", "python", "-m", "fakes.health", f"http://localhost:8000{health}"),
    )


def fake(name: str, module: str, env: dict[str, str], depends_on: tuple[str, ...] = ()) -> ServiceSpec:
    return ServiceSpec(
        name,
        ServiceKind.PYTHON,
        CONTROL_HEALTH,
        module=module,
        env={**WORLD_ENV, **env},
        depends_on=depends_on,
        port=8000,
        container=fake_container(module),
    )


def postgres() -> ServiceSpec:
    return ServiceSpec(
        "postgres",
        ServiceKind.POSTGRES,
        HealthCheck(HealthKind.POSTGRES),
        env={"POSTGRES_PASSWORD": "${POSTGRES_PASSWORD}", "POSTGRES_DB": "drillbit"},
        port=5432,
        container=ContainerSpec(image="postgres:16-alpine", healthcheck=POSTGRES_TEST),
    )


def redis() -> ServiceSpec:
    return ServiceSpec(
        "redis",
        ServiceKind.REDIS,
        HealthCheck(HealthKind.REDIS),
        env={"REDIS_PASSWORD": "${REDIS_PASSWORD}"},
        port=6379,
        container=ContainerSpec(image="redis:7-alpine", command=REDIS_COMMAND, healthcheck=REDIS_TEST),
    )


def toxiproxy() -> ServiceSpec:
    return ServiceSpec(
        "toxiproxy",
        ServiceKind.PYTHON,
        CONTROL_HEALTH,
        module="fakes.toxiproxy",
        port=8474,
        container=ContainerSpec(image="ghcr.io/shopify/toxiproxy:2.12.0"),
    )


def app() -> ServiceSpec:
    env = {
        **WORLD_ENV,
        "DATABASE_URL": "postgresql://postgres:${POSTGRES_PASSWORD}@toxiproxy:15432/drillbit",
        "REDIS_URL": "redis://default:${REDIS_PASSWORD}@toxiproxy:16379/0",
        "TIMETRACKING_URL": "http://toxiproxy:18001",
        "TIMETRACKING_CLIENT_ID": "drillbit-app",
        "TIMETRACKING_CLIENT_SECRET": "${TIMETRACKING_CLIENT_SECRET}",
        "MAIL_URL": "http://toxiproxy:18002",
        "MAIL_API_KEY": "${MAIL_API_KEY}",
        "MESSAGING_URL": "http://toxiproxy:18003",
        "MESSAGING_API_KEY": "${MESSAGING_API_KEY}",
        "SCHEDULER_SECRET": "${SCHEDULER_SECRET}",
        "ADMIN_API_KEY": "${ADMIN_API_KEY}",
        "TENANT_COUNT": "${DRILLBIT_TENANTS:-20}",
    }
    return ServiceSpec(
        "app",
        ServiceKind.PYTHON,
        HealthCheck(HealthKind.HTTP, "/api/v1/health"),
        module="fakes.reports",
        env=env,
        depends_on=("toxiproxy", "postgres", "redis", "timetracking", "mail", "messaging"),
        port=8000,
        aliases=("reports",),
        container=fake_container("fakes.reports", "/api/v1/health"),
    )


def scheduled_reports() -> WorldSpec:
    """Every service of the profile, its proxies and its secrets, as docker-compose.yml writes them."""
    services = (
        postgres(),
        redis(),
        toxiproxy(),
        fake(
            "timetracking",
            "fakes.providers.timetracking",
            {"TIMETRACKING_CLIENT_ID": "drillbit-app", "TIMETRACKING_CLIENT_SECRET": "${TIMETRACKING_CLIENT_SECRET}"},
        ),
        fake("mail", "fakes.providers.mail", {"MAIL_API_KEY": "${MAIL_API_KEY}"}),
        fake("messaging", "fakes.providers.messaging", {"MESSAGING_API_KEY": "${MESSAGING_API_KEY}"}),
        app(),
        fake(
            "scheduler",
            "fakes.scheduler",
            {"APP_URL": "http://reports:8000", "SCHEDULER_SECRET": "${SCHEDULER_SECRET}", "CATCH_UP": "true"},
            depends_on=("app",),
        ),
    )
    proxies = (
        ProxySpec("postgres", "postgres", 15432),
        ProxySpec("redis", "redis", 16379),
        ProxySpec("timetracking", "timetracking", 18001),
        ProxySpec("mail", "mail", 18002),
        ProxySpec("messaging", "messaging", 18003),
    )
    return WorldSpec(services=services, proxies=proxies, name="scheduled-reports", secrets=SECRETS)


def variables(seed: int = 0) -> dict[str, str]:
    """World variables as the docker runtime gives them, each secret made recognisable."""
    return {
        **{name: f"{name.lower()}-s3cret" for name in SECRETS},
        "DRILLBIT_TIME_SCALE": "10.0",
        "DRILLBIT_EPOCH": "1700000000.0",
        "DRILLBIT_CLOCK": "/host/path/that/containers/never/see",
        "DRILLBIT_SEED": str(seed),
    }
