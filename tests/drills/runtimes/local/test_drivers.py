"""Each kind of service has one driver, which says how the local runtime runs it; a new kind is one registration."""

from __future__ import annotations

import signal
import stat
import sys
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import cast

import httpx
import pytest

from drills.errors import WorldError
from drills.runtimes.local.drivers import DRIVERS, ServiceDriver, driver_for, register
from drills.runtimes.local.launch import Launch, RunToEnd, Servers, base_env
from drills.runtimes.local.ports import free_port
from drills.runtimes.local.processes import RunAs
from drills.runtimes.local.runtime import LocalRuntime
from drills.world.binaries import Binary
from drills.world.protocol import Endpoint, WorldOptions
from drills.world.spec import HealthCheck, HealthKind, ServiceKind, ServiceSpec, WorldSpec
from drills.world.targets import LOOPBACK

SECRETS = {"postgres_password": "postgres-secret", "redis_password": "redis-secret"}
SERVERS = Servers(
    postgres_bin=Path("/opt/pg/bin"),
    redis=Binary("redis-server", Path("/opt/redis/redis-server"), "7.2.4", "system"),
    account=RunAs(uid=1001, gid=1001),
)
POSTGRES = ServiceSpec("postgres", ServiceKind.POSTGRES, HealthCheck(HealthKind.POSTGRES))
REDIS = ServiceSpec("redis", ServiceKind.REDIS, HealthCheck(HealthKind.REDIS))
APP = ServiceSpec("app", ServiceKind.PYTHON, HealthCheck(HealthKind.HTTP, "/health"), module="fakes.reports")
# A kind the world spec does not name yet, as a new one would be before its member is added to ServiceKind.
STATIC_FILES = cast(ServiceKind, "static-files")


def test_driver_for_finds_a_driver_for_every_service_kind_a_process_can_run() -> None:
    found = {kind: type(driver_for(kind)).__name__ for kind in ServiceKind if kind != ServiceKind.CONTAINER}

    assert found == {
        ServiceKind.POSTGRES: "PostgresDriver",
        ServiceKind.REDIS: "RedisDriver",
        ServiceKind.PYTHON: "PythonDriver",
    }


def test_driver_for_an_unknown_kind_names_the_kinds_it_knows() -> None:
    with pytest.raises(WorldError) as raised:
        driver_for(cast(ServiceKind, "mongodb"))

    assert str(raised.value) == (
        "the local runtime has no driver for service kind 'mongodb'\n"
        "Hint: it runs postgres, python, redis; a new kind needs a driver module in drills/runtimes/local/drivers/"
    )


def test_register_refuses_a_second_driver_for_a_kind() -> None:
    with pytest.raises(ValueError, match="service kind 'redis' already has a driver"):
        register(ServiceKind.REDIS, driver_for(ServiceKind.PYTHON))

    assert type(driver_for(ServiceKind.REDIS)).__name__ == "RedisDriver"


def test_postgres_driver_url_carries_the_password_and_the_world_database() -> None:
    url = driver_for(ServiceKind.POSTGRES).url(LOOPBACK, 5433, SECRETS)

    assert url == "postgresql://postgres:postgres-secret@127.0.0.1:5433/drillbit"


def test_postgres_driver_launches_the_server_on_its_data_directory_as_the_account(tmp_path: Path) -> None:
    how = driver_for(ServiceKind.POSTGRES).launch(POSTGRES, 5433, {}, SERVERS, tmp_path / "postgres")

    flags = [
        *("fsync=off", "synchronous_commit=off", "full_page_writes=off", "unix_socket_directories="),
        *("max_connections=100", "log_line_prefix=%m [%p] %u@%d ", "listen_addresses=127.0.0.1", "port=5433"),
    ]
    argv = ["/opt/pg/bin/postgres", "-D", str(tmp_path / "postgres" / "data")]
    assert how == Launch([*argv, *(item for flag in flags for item in ("-c", flag))], base_env(), RunAs(1001, 1001))


def test_postgres_driver_stops_the_server_with_a_fast_shutdown() -> None:
    assert driver_for(ServiceKind.POSTGRES).stop_signal is signal.SIGINT


def test_redis_driver_url_names_the_default_user() -> None:
    url = driver_for(ServiceKind.REDIS).url(LOOPBACK, 6380, SECRETS)

    assert url == "redis://default:redis-secret@127.0.0.1:6380/0"


def test_redis_driver_starts_with_its_password_as_its_one_setting() -> None:
    settings = driver_for(ServiceKind.REDIS).settings({"IGNORED": "1"}, SECRETS)

    assert settings == {"REDIS_PASSWORD": "redis-secret"}


def test_redis_driver_launches_the_server_with_the_password_of_its_settings_in_a_private_file(
    tmp_path: Path,
) -> None:
    work = tmp_path / "redis"
    how = driver_for(ServiceKind.REDIS).launch(REDIS, 6380, {"REDIS_PASSWORD": 'ch"an\\ged'}, SERVERS, work)

    config = work / "redis.conf"
    argv = [
        *("/opt/redis/redis-server", str(config), "--bind", "127.0.0.1", "--port", "6380"),
        *("--save", "", "--appendonly", "no", "--dir", str(work), "--daemonize", "no"),
        *("--set-proc-title", "no"),
    ]
    assert (how, config.read_text(), stat.S_IMODE(config.stat().st_mode)) == (
        Launch(argv, base_env()),
        'requirepass "ch\\"an\\\\ged"\n',
        0o600,
    )


def test_redis_driver_keeps_the_process_title_of_a_server_too_old_to_be_told(tmp_path: Path) -> None:
    servers = replace(SERVERS, redis=Binary("redis-server", Path("/opt/redis/redis-server"), "6.0.16", "system"))

    how = driver_for(ServiceKind.REDIS).launch(REDIS, 6380, {"REDIS_PASSWORD": "changed"}, servers, tmp_path)

    assert "--set-proc-title" not in how.argv


def test_python_driver_url_is_plain_http() -> None:
    assert driver_for(ServiceKind.PYTHON).url(LOOPBACK, 8081, SECRETS) == "http://127.0.0.1:8081"


def test_python_driver_launches_the_module_with_its_settings_as_environment(tmp_path: Path) -> None:
    driver = driver_for(ServiceKind.PYTHON)
    settings = driver.settings({"APP_MODE": "strict"}, SECRETS)
    how = driver.launch(APP, 8081, settings, SERVERS, tmp_path)

    argv = [sys.executable, "-m", "fakes.reports", "--host", "127.0.0.1", "--port", "8081"]
    assert how == Launch(argv, {**base_env(), "APP_MODE": "strict"})


def test_python_driver_refuses_a_service_without_a_module(tmp_path: Path) -> None:
    moduleless = ServiceSpec("app", ServiceKind.PYTHON, HealthCheck(HealthKind.HTTP))

    with pytest.raises(ValueError, match="service app is a Python service without a module"):
        driver_for(ServiceKind.PYTHON).launch(moduleless, 8081, {}, SERVERS, tmp_path)


@pytest.mark.parametrize("service", [POSTGRES, REDIS, APP], ids=["postgres", "redis", "python"])
def test_driver_is_not_ready_when_nothing_answers(service: ServiceSpec) -> None:
    # How soon it gives up is a figure, not a test: bench/readiness.py prints it.
    driver, port = driver_for(service.kind), free_port()
    assert driver.ready(service, Endpoint(LOOPBACK, port, driver.url(LOOPBACK, port, SECRETS)), SECRETS) is False


class StaticFilesDriver(ServiceDriver):
    """A kind of our own: Python's http.server on a folder written before its first start."""

    stop_signal = signal.SIGINT  # http.server exits 0 on KeyboardInterrupt, -15 on SIGTERM

    def __init__(self) -> None:
        self.prepared: list[str] = []

    def url(self, host: str, port: int, secrets: Mapping[str, str]) -> str:
        return f"http://{host}:{port}/"

    def prepare(
        self, service: ServiceSpec, work: Path, servers: Servers, secrets: Mapping[str, str], run: RunToEnd
    ) -> None:
        work.mkdir(parents=True)
        (work / "index.html").write_text(f"prepared for {service.name}")
        self.prepared.append(service.name)

    def launch(
        self, service: ServiceSpec, port: int, settings: Mapping[str, str], servers: Servers, work: Path
    ) -> Launch:
        argv = [sys.executable, "-m", "http.server", "--bind", LOOPBACK, "--directory", str(work), str(port)]
        return Launch(argv, base_env())

    def ready(self, service: ServiceSpec, address: Endpoint, secrets: Mapping[str, str]) -> bool:
        try:
            with urllib.request.urlopen(address.url, timeout=1) as answer:
                return bool(answer.status == 200)
        except OSError:
            return False


@pytest.fixture
def static_files() -> Iterator[StaticFilesDriver]:
    driver = StaticFilesDriver()
    register(STATIC_FILES, driver)
    try:
        yield driver
    finally:
        DRIVERS.pop(STATIC_FILES)


@pytest.mark.world
def test_a_registered_kind_runs_in_a_local_world(drillbit_home: Path, static_files: StaticFilesDriver) -> None:
    files = ServiceSpec("files", STATIC_FILES, HealthCheck(HealthKind.HTTP))
    world = LocalRuntime().up(WorldSpec(services=(files,)), WorldOptions())
    try:
        world.restart("files")
        endpoint = world.endpoints["files"]
        page = httpx.get(endpoint.url, timeout=5).text
        world.stop("files")
        stopped = world.processes["files"].popen.returncode
    finally:
        world.teardown()

    assert (endpoint.url, page, static_files.prepared, stopped) == (
        f"http://127.0.0.1:{endpoint.port}/",
        "prepared for files",
        ["files"],
        0,
    )
