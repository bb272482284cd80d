"""The reference world: the app, its scheduler, Postgres, Redis, the fake providers and toxiproxy."""

from __future__ import annotations

from drills.world.settings import SettingSpec, SettingType
from drills.world.spec import HealthCheck, HealthKind, ProxySpec, ServiceKind, ServiceSpec, WorldSpec

CONTROL_HEALTH = HealthCheck(HealthKind.HTTP, "/_control/health")
INT, FLOAT, BOOL, URL = SettingType.INT, SettingType.FLOAT, SettingType.BOOL, SettingType.URL

# Settings every fake reads; the runtime fills them in for the world.
COMMON_ENV = {
    "DRILLBIT_TIME_SCALE": "{world.time_scale}",
    "DRILLBIT_EPOCH": "{world.epoch}",
    "DRILLBIT_CLOCK": "{world.clock}",
    "DRILLBIT_SEED": "{world.seed}",
}

PROVIDERS = ("timetracking", "mail", "messaging")

# What each service reads from its environment (docs/world.md's tables are written from these; a test checks each
# against the variables the service's process really reads). Durations are scenario seconds unless said otherwise.
SEED = SettingSpec("DRILLBIT_SEED", INT, "seed for every random choice (faker, data, jitter)", default="0")
CLOCK_SETTINGS = (
    SettingSpec(
        "DRILLBIT_TIME_SCALE", FLOAT, "scenario seconds per wall second", min=0, min_exclusive=True, default="1"
    ),
    SettingSpec(
        "DRILLBIT_EPOCH",
        FLOAT,
        "Unix time when the world started, the origin of scenario time (else the process's start)",
    ),
    SettingSpec(
        "DRILLBIT_CLOCK",
        description="the world clock's file, which the harness holds still while it works (else time simply runs)",
    ),
)
WORLD_SETTINGS = (*CLOCK_SETTINGS, SEED)
"""What the world gives its fakes (``COMMON_ENV``); each fake declares those it reads."""


def _secret(name: str, description: str) -> SettingSpec:
    return SettingSpec(name, description=description, required=True, secret=True)


def _url(name: str, description: str) -> SettingSpec:
    return SettingSpec(name, URL, description, required=True)


def _above_zero(name: str, kind: SettingType, description: str, default: str) -> SettingSpec:
    return SettingSpec(name, kind, description, min=0, min_exclusive=True, default=default)


def _at_least(name: str, minimum: int, description: str, default: str) -> SettingSpec:
    return SettingSpec(name, INT, description, min=minimum, default=default)


TIMETRACKING_SETTINGS = (
    SettingSpec("TIMETRACKING_CLIENT_ID", description="the app's OAuth client id", default="drillbit-app"),
    _secret("TIMETRACKING_CLIENT_SECRET", "the app's current client secret"),
    _above_zero("ACCESS_TOKEN_TTL", FLOAT, "access-token lifetime, scenario seconds", "3600"),
    _above_zero("REFRESH_TOKEN_TTL", FLOAT, "refresh-token lifetime, scenario seconds (30 days)", "2592000"),
    *WORLD_SETTINGS,
)
MAIL_SETTINGS = (_secret("MAIL_API_KEY", "the credential that is valid at start"), *WORLD_SETTINGS)
MESSAGING_SETTINGS = (_secret("MESSAGING_API_KEY", "the valid credential"), *WORLD_SETTINGS)
SCHEDULER_SETTINGS = (
    _url("APP_URL", "the app it calls (http:// or https://)"),
    _secret("SCHEDULER_SECRET", "its copy of the shared secret"),
    _at_least("TICK_INTERVAL", 1, "scenario seconds between ticks", "900"),
    _above_zero("TICK_TIMEOUT", FLOAT, "wall seconds one call may take before it counts as a timeout", "10"),
    SettingSpec(
        "CATCH_UP",
        BOOL,
        "true: at start, tick once for the slot already under way (a persistent timer catching up on a run missed "
        "while it was down), then at every boundary; the reference world sets it, so a world's first tick, and the "
        "first after a redeploy, come at once",
        default="false",
    ),
    *CLOCK_SETTINGS,
)
APP_SETTINGS = (
    _url("DATABASE_URL", "Postgres, through its proxy"),
    _at_least("DB_POOL_SIZE", 1, "pool size (fixed)", "10"),
    _above_zero("DB_POOL_TIMEOUT", FLOAT, "wall seconds to wait for a connection of the pool", "2"),
    _url("REDIS_URL", "Redis, through its proxy"),
    _url("TIMETRACKING_URL", "the OAuth provider"),
    SettingSpec("TIMETRACKING_CLIENT_ID", description="the app's OAuth client id", required=True),
    _secret("TIMETRACKING_CLIENT_SECRET", "the app's OAuth client secret, as deployed"),
    _url("MAIL_URL", "the mail provider"),
    _secret("MAIL_API_KEY", "the mail provider's credential"),
    SettingSpec("MAIL_FROM", description="the sender of the reports' mail", default="reports@drillbit.test"),
    _url("MESSAGING_URL", "the messaging provider (campaigns)"),
    _secret("MESSAGING_API_KEY", "the messaging provider's credential"),
    _secret("SCHEDULER_SECRET", "the shared secret of the internal endpoint"),
    _secret("ADMIN_API_KEY", "key of the admin endpoints"),
    _at_least("TENANT_COUNT", 0, "tenants seeded (faker, DRILLBIT_SEED) on first start", "20"),
    _above_zero("REPORT_INTERVAL", FLOAT, "scenario seconds between a tenant's scheduled reports", "900"),
    _at_least("REPORT_CONCURRENCY", 1, "report runs in flight at once in one tick", "16"),
    _above_zero("HTTP_TIMEOUT", FLOAT, "wall seconds for a provider call (each of connect, read, write)", "2"),
    SettingSpec("APP_VERSION", description="reported by health", default="1.0.0"),
    _at_least(
        "CAMPAIGN_SEED_TARGETS",
        0,
        "when above 0: one running campaign weekly-digest with that many targets, seeded on first start",
        "0",
    ),
    _above_zero(
        "DISPATCH_INTERVAL", FLOAT, "scenario seconds between dispatcher ticks (in wall time never under 50 ms)", "10"
    ),
    _at_least("DISPATCH_BATCH", 1, "targets one tick sends per campaign, at most", "10"),
    _at_least("DISPATCH_CONCURRENCY", 1, "sends of one batch in flight at once", "5"),
    _at_least(
        "DISPATCH_MAX_ATTEMPTS", 1, "attempts at a target before an error fails it (a 429 is not an attempt)", "5"
    ),
    *WORLD_SETTINGS,
)
TOXIPROXY_SETTINGS = (
    SettingSpec("LOG_LEVEL", description="its log's level: trace, debug, info, warn or error", default="info"),
    SettingSpec("DRILLBIT_SEED", INT, "the seed of its toxics, unless --seed gives one", default="0"),
)
REDIS_SETTINGS = (_secret("REDIS_PASSWORD", "its password (requirepass), written to a file only its owner reads"),)


def _fake(
    name: str,
    module: str,
    env: dict[str, str],
    depends_on: tuple[str, ...],
    about: str,
    settings: tuple[SettingSpec, ...],
) -> ServiceSpec:
    return ServiceSpec(
        name=name,
        kind=ServiceKind.PYTHON,
        module=module,
        health=CONTROL_HEALTH,
        env={**COMMON_ENV, **env},
        depends_on=depends_on,
        description=about,
        settings=settings,
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
        module="fakes.reports",
        health=HealthCheck(HealthKind.HTTP, "/api/v1/health"),
        env={**COMMON_ENV, **env},
        depends_on=("toxiproxy", "postgres", "redis", *PROVIDERS),
        description="the product: reports, tenants, admin, fleet health",
        settings=APP_SETTINGS,
    )


def reference_world() -> WorldSpec:
    """Every service of the reference world, and a proxy in front of each dependency of the app."""
    services = (
        ServiceSpec("postgres", ServiceKind.POSTGRES, HealthCheck(HealthKind.POSTGRES), description="database"),
        ServiceSpec(
            "redis",
            ServiceKind.REDIS,
            HealthCheck(HealthKind.REDIS),
            description="cache, locks",
            settings=REDIS_SETTINGS,
        ),
        _fake("toxiproxy", "fakes.toxiproxy", {}, (), "fault proxy (Toxiproxy API)", TOXIPROXY_SETTINGS),
        _fake(
            "timetracking",
            "fakes.providers.timetracking",
            {
                "TIMETRACKING_CLIENT_ID": "drillbit-app",
                "TIMETRACKING_CLIENT_SECRET": "{secrets.timetracking_client_secret}",
            },
            (),
            "OAuth + time-tracking provider",
            TIMETRACKING_SETTINGS,
        ),
        _fake(
            "mail",
            "fakes.providers.mail",
            {"MAIL_API_KEY": "{secrets.mail_api_key}"},
            (),
            "mail provider",
            MAIL_SETTINGS,
        ),
        _fake(
            "messaging",
            "fakes.providers.messaging",
            {"MESSAGING_API_KEY": "{secrets.messaging_api_key}"},
            (),
            "messaging provider",
            MESSAGING_SETTINGS,
        ),
        _app(),
        _fake(
            "scheduler",
            "fakes.scheduler",
            # Catching up on start: a world's first tick comes at once, not up to a slot later (90 s at scale 10).
            {"APP_URL": "{services.app.url}", "SCHEDULER_SECRET": "{secrets.scheduler_secret}", "CATCH_UP": "true"},
            ("app",),
            "calls the app's internal endpoint every tick, and once at start for the slot under way",
            SCHEDULER_SETTINGS,
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
