"""How soon each service driver of the local runtime says "not ready" when nothing answers on its port.

A readiness check must never hold a world's start up for long: the aim is about a second at most. Prints the
median and the max over a few runs for each kind, against that aim.

    .venv/bin/python bench/readiness.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import time

from drills.runtimes.local.drivers import driver_for
from drills.runtimes.local.ports import free_port
from drills.world.protocol import Endpoint
from drills.world.spec import HealthCheck, HealthKind, ServiceKind, ServiceSpec
from drills.world.targets import LOOPBACK

AIM_SECONDS = 1.0
SECRETS = {"postgres_password": "bench-password", "redis_password": "bench-password"}
SERVICES = (
    ServiceSpec("postgres", ServiceKind.POSTGRES, HealthCheck(HealthKind.POSTGRES)),
    ServiceSpec("redis", ServiceKind.REDIS, HealthCheck(HealthKind.REDIS)),
    ServiceSpec("app", ServiceKind.PYTHON, HealthCheck(HealthKind.HTTP, "/health"), module="fakes.reports"),
)


def one_check(service: ServiceSpec) -> float:
    driver, port = driver_for(service.kind), free_port()
    started = time.perf_counter()
    ready = driver.ready(service, Endpoint(LOOPBACK, port, driver.url(LOOPBACK, port, SECRETS)), SECRETS)
    seconds = time.perf_counter() - started
    if ready:
        raise SystemExit(f"{service.name} answered ready on a port where nothing listens")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    for service in SERVICES:
        times = [one_check(service) for _ in range(runs)]
        verdict = "ok" if max(times) <= AIM_SECONDS else "over"
        print(
            f"{service.kind.value:<9} not ready after median {statistics.median(times):.3f}s, "
            f"max {max(times):.3f}s (aim {AIM_SECONDS:g}s: {verdict})"
        )


if __name__ == "__main__":
    main()
