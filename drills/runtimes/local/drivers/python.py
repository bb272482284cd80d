"""One of our own Python programs (an app or a fake): `python -m module` on loopback, ready when HTTP says so."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

import httpx

from drills.runtimes.local.drivers import ServiceDriver, register
from drills.runtimes.local.launch import Launch, Servers, base_env
from drills.world.protocol import Endpoint
from drills.world.spec import ServiceKind, ServiceSpec
from drills.world.targets import LOOPBACK
from drills.world.tls import trusted


class PythonDriver(ServiceDriver):
    """A Python service: its settings are its environment, and its health check's path answers 200."""

    def url(self, host: str, port: int, secrets: Mapping[str, str]) -> str:
        return f"http://{host}:{port}"

    def launch(
        self, service: ServiceSpec, port: int, settings: Mapping[str, str], servers: Servers, work: Path
    ) -> Launch:
        if service.module is None:
            raise ValueError(f"service {service.name} is a Python service without a module")
        argv = [sys.executable, "-m", service.module, "--host", LOOPBACK, "--port", str(port)]
        return Launch(argv, {**base_env(), **settings})

    def ready(self, service: ServiceSpec, address: Endpoint, secrets: Mapping[str, str]) -> bool:
        try:
            answer = httpx.get(f"{address.url}{service.health.path}", timeout=1.0, verify=trusted())
        except httpx.HTTPError:
            return False
        return answer.status_code == 200


register(ServiceKind.PYTHON, PythonDriver())
