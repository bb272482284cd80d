"""An app of the kit as a real process, for a product's tests: what its kit endpoints answer once it is up, and how
it exits when misconfigured."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx

from tests.fakes.fake_processes import REPOSITORY, running

EXIT_TIMEOUT = 30.0
KIT_ENDPOINTS = {
    "health": (200, {"db": {"status": "ok"}, "cache": {"status": "ok"}}),
    "ready": (200, {"status": "ready"}),
    "pool metrics": ["drillbit_app_db_pool_size", "drillbit_app_db_pool_open", "drillbit_app_db_pool_in_use"],
    "control state": ["background_tasks", "pool", "scenario_time", "time_scale", "version"],
}
"""What ``kit_endpoints`` sees of an app of nothing but the kit, up on a working database and Redis."""


def kit_settings(world_urls: dict[str, str]) -> dict[str, str]:
    """The kit's settings of an app on the test's servers, as environment variables."""
    return {"DATABASE_URL": world_urls["database_url"], "REDIS_URL": world_urls["redis_url"], "DB_POOL_SIZE": "2"}


def kit_endpoints(module: str, env: dict[str, str]) -> dict[str, object]:
    """``python -m module`` up with ``env``: its health's checks, readiness, whether it exposes the pool's metrics,
    and the keys of its control state."""
    with running(module, env) as base_url, httpx.Client(base_url=base_url, timeout=5.0) as client:
        health = client.get("/api/v1/health")
        ready = client.get("/api/v1/ready")
        metrics = client.get("/metrics").text.splitlines()
        state = client.get("/_control/state").json()
    return {
        "health": (health.status_code, health.json()["checks"]),
        "ready": (ready.status_code, ready.json()),
        "pool metrics": [line.split()[0] for line in metrics if line.startswith("drillbit_app_db_pool_")],
        "control state": sorted(state),
    }


def misconfigured(module: str, env: dict[str, str]) -> tuple[int, str]:
    """``python -m module`` started with only ``env`` of the app's settings: its exit code and its stderr."""
    inherited = {key: value for key, value in os.environ.items() if not key.endswith("_URL")}
    done = subprocess.run(
        [sys.executable, "-m", module, "--host", "127.0.0.1", "--port", "0"],
        cwd=REPOSITORY,
        env={**inherited, **env},
        capture_output=True,
        text=True,
        timeout=EXIT_TIMEOUT,
        check=False,
    )
    return done.returncode, done.stderr.strip()
