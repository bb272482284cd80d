"""One of our own Python programs (an app or a fake): `python -m module` on loopback, ready when HTTP says so."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path

from drills.runtimes.local.drivers import ServiceDriver, register
from drills.runtimes.local.launch import Launch, Servers, base_env
from drills.world.protocol import Endpoint
from drills.world.spec import ServiceKind, ServiceSpec
from drills.world.targets import LOOPBACK
from drills.world.tls import trusted

WARM_START = Path(__file__).resolve().parents[1] / "warm_start.py"
"""The script a Python service's interpreter runs until its turn: see :mod:`drills.runtimes.local.warm_start`."""


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

    def warm(self, service: ServiceSpec) -> Launch | None:
        if service.module is None:
            return None
        return Launch([sys.executable, str(WARM_START), service.module], base_env())

    def order(self, service: ServiceSpec, launch: Launch, warm: Launch) -> bytes | None:
        """The arguments after ``-m module`` and the environment; none when the launch is not ``python -m`` of the
        warm process's module, or changes a ``PYTHON*`` setting (the interpreter read those as it started)."""
        command = [sys.executable, "-m", service.module]
        if (
            launch.argv[:3] != command
            or launch.run_as != warm.run_as
            or _interpreter(launch.env) != _interpreter(warm.env)
        ):
            return None
        return (json.dumps({"args": launch.argv[3:], "env": launch.env}) + "\n").encode()

    def ready(self, service: ServiceSpec, address: Endpoint, secrets: Mapping[str, str]) -> bool:
        import httpx  # here, not above: the runtime loads while a world's first processes start

        try:
            answer = httpx.get(f"{address.url}{service.health.path}", timeout=1.0, verify=trusted())
        except httpx.HTTPError:
            return False
        return answer.status_code == 200


def _interpreter(env: Mapping[str, str]) -> dict[str, str]:
    return {key: value for key, value in env.items() if key.startswith("PYTHON")}


register(ServiceKind.PYTHON, PythonDriver())
