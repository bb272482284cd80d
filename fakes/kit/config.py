"""What every app reads from its environment, whatever its product: its database and pool, Redis, its version, the
world's seed, and (for a product with admin endpoints) the admin key."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from fakes.kit import settings


@dataclass(frozen=True, kw_only=True)
class AppSettings:
    """The settings every app of the kit reads; a product's ``Settings`` extends it with its own.

    Secrets here are the values the app was deployed with. ``admin_api_key`` is None in a product without admin
    endpoints: then no request is an admin's.
    """

    database_url: str
    redis_url: str
    db_pool_size: int = 10
    db_pool_timeout: float = 2.0
    app_version: str = "1.0.0"
    seed: int = 0
    admin_api_key: str | None = None


def app_settings(env: Mapping[str, str] = os.environ, admin_endpoints: bool = False) -> AppSettings:
    """Read and check the kit's settings (``ADMIN_API_KEY`` too for a product with ``admin_endpoints``); a missing
    or malformed one raises ``SettingError``."""
    parsed = AppSettings(
        database_url=settings.text("DATABASE_URL", env=env),
        redis_url=settings.text("REDIS_URL", env=env),
        db_pool_size=settings.integer("DB_POOL_SIZE", 10, env),
        db_pool_timeout=settings.number("DB_POOL_TIMEOUT", 2.0, env),
        app_version=settings.text("APP_VERSION", "1.0.0", env),
        seed=settings.integer("DRILLBIT_SEED", 0, env),
        admin_api_key=settings.secret("ADMIN_API_KEY", env) if admin_endpoints else None,
    )
    settings.above_zero({"DB_POOL_SIZE": parsed.db_pool_size, "DB_POOL_TIMEOUT": parsed.db_pool_timeout})
    return parsed
