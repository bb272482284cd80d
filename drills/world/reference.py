"""The reference world: the app, its scheduler, Postgres, Redis, the fake providers and toxiproxy."""

from __future__ import annotations

from drills.world.spec import HealthCheck, HealthKind, ProxySpec, ServiceKind, ServiceSpec, WorldSpec

CONTROL_HEALTH = HealthCheck(HealthKind.HTTP, "/_control/health")

# Settings every fake reads; the runtime fills them in for the world.
COMMON_ENV = {
    "DRILLBIT_TIME_SCALE": "{world.time_scale}",
    "DRILLBIT_EPOCH": "{world.epoch}",
    "DRILLBIT_CLOCK": "{world.clock}",
    "DRILLBIT_SEED": "{world.seed}",
}

PROVIDERS = ("timetracking", "mail", "messaging")


def _fake(name: str, module: str, env: dict[str, str], depends_on: tuple[str, ...], about: str) -> ServiceSpec:
    return ServiceSpec(
        name=name,
        kind=ServiceKind.PYTHON,
        module=module,
        health=CONTROL_HEALTH,
        env={**COMMON_ENV, **env},
        depends_on=depends_on,
        description=about,
    )


def _app() -> ServiceSpec:
    env = {
        "DATABASE_URL": "{proxies.postgres.url}",
        "REDIS_URL": "{proxies.redis.url}",
        "TIMETRACKING_URL": "{proxies.timetracking.url}",
        "TIMETRACKING_CLIENT_ID": "drillbit-app",
        "TIMETRACKING_CLIENT_SECRET": "{secrets.timetracking_client_secret}",
        "MAIL_URL": "{proxies.mail.url}",
        "MAIL_API_KEY": "{secrets.mail_api_key}",
        "MESSAGING_URL": "{proxies.messaging.url}",
        "MESSAGING_API_KEY": "{secrets.messaging_api_key}",
        "SCHEDULER_SECRET": "{secrets.scheduler_secret}",
        "ADMIN_API_KEY": "{secrets.admin_api_key}",
        "TENANT_COUNT": "{world.tenants}",
    }
    return ServiceSpec(
        name="app",
        kind=ServiceKind.PYTHON,
        module="fakes.app",
        health=HealthCheck(HealthKind.HTTP, "/api/v1/health"),
        env={**COMMON_ENV, **env},
        depends_on=("toxiproxy", "postgres", "redis", *PROVIDERS),
        description="the product: reports, tenants, admin, fleet health",
    )


def reference_world() -> WorldSpec:
    """Every service of the reference world, and a proxy in front of each dependency of the app."""
    services = (
        ServiceSpec("postgres", ServiceKind.POSTGRES, HealthCheck(HealthKind.POSTGRES), description="database"),
        ServiceSpec("redis", ServiceKind.REDIS, HealthCheck(HealthKind.REDIS), description="cache, locks"),
        _fake("toxiproxy", "fakes.toxiproxy", {}, (), "fault proxy (Toxiproxy API)"),
        _fake(
            "timetracking",
            "fakes.providers.timetracking",
            {
                "TIMETRACKING_CLIENT_ID": "drillbit-app",
                "TIMETRACKING_CLIENT_SECRET": "{secrets.timetracking_client_secret}",
            },
            (),
            "OAuth + time-tracking provider",
        ),
        _fake("mail", "fakes.providers.mail", {"MAIL_API_KEY": "{secrets.mail_api_key}"}, (), "mail provider"),
        _fake(
            "messaging",
            "fakes.providers.messaging",
            {"MESSAGING_API_KEY": "{secrets.messaging_api_key}"},
            (),
            "messaging provider",
        ),
        _app(),
        _fake(
            "scheduler",
            "fakes.scheduler",
            # Catching up on start: a world's first tick comes at once, not up to a slot later (90 s at scale 10).
            {"APP_URL": "{services.app.url}", "SCHEDULER_SECRET": "{secrets.scheduler_secret}", "CATCH_UP": "true"},
            ("app",),
            "calls the app's internal endpoint every tick, and once at start for the slot under way",
        ),
    )
    proxies = tuple(ProxySpec(name, name) for name in ("postgres", "redis", *PROVIDERS))
    return WorldSpec(services=services, proxies=proxies)


SECRET_NAMES = (
    "postgres_password",
    "redis_password",
    "timetracking_client_secret",
    "mail_api_key",
    "messaging_api_key",
    "scheduler_secret",
    "admin_api_key",
)
