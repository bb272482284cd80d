"""A real PostgreSQL server for one world: its own data directory, TCP on loopback, password auth."""

from __future__ import annotations

import os
import signal
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from drills.errors import ServiceStartError
from drills.runtimes.local.drivers import ServiceDriver, register
from drills.runtimes.local.drivers.postgres_template import (
    copy_template,
    keep_template,
    template_name,
    throwaway_password,
)
from drills.runtimes.local.launch import Launch, RunToEnd, Servers, base_env
from drills.runtimes.local.privileges import hand_over
from drills.runtimes.local.processes import RunAs
from drills.world.protocol import Endpoint
from drills.world.spec import ServiceKind, ServiceSpec
from drills.world.targets import LOOPBACK

SUPERUSER = "postgres"
DATABASE = "drillbit"

INITDB_OPTIONS = (
    *("-U", SUPERUSER, "-E", "UTF8", "--locale=C"),
    *("--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync", "--no-instructions"),
)

# Durability is not what a drill tests, and fsync on a shared CI disk costs seconds.
FAST_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "unix_socket_directories": "",
    "max_connections": "100",
    "log_line_prefix": "%m [%p] %u@%d ",
}


@dataclass(frozen=True)
class PostgresInstall:
    """Where one world's Postgres lives and runs."""

    bin_dir: Path
    data_dir: Path
    account: RunAs | None

    @classmethod
    def of(cls, servers: Servers, work: Path) -> PostgresInstall:
        return cls(servers.postgres_bin, work / "data", servers.account)

    def initialise(self, password: str, databases: Sequence[str], run: RunToEnd) -> None:
        """A data directory for the servers' account with ``databases`` in it and ``password`` for the superuser:
        a copy of the template these make, the template made first if there is none yet."""
        work = self.data_dir.parent
        work.mkdir(mode=0o700, parents=True, exist_ok=True)
        hand_over(work, self.account)
        from psycopg import sql  # here, not above: the runtime loads while a world's first processes start

        template = template_name(self.bin_dir, INITDB_OPTIONS, databases)
        if not copy_template(template, self.data_dir, self.account, run):
            self._initdb(throwaway_password(), run)
            create = [sql.SQL("CREATE DATABASE {};").format(sql.Identifier(name)) for name in databases]
            self.single_user([statement.as_string() for statement in create], run)
            keep_template(template, self.data_dir)
        set_password = sql.SQL("ALTER ROLE {} PASSWORD {};").format(sql.Identifier(SUPERUSER), sql.Literal(password))
        self.single_user([set_password.as_string()], run)

    def _initdb(self, password: str, run: RunToEnd) -> None:
        """initdb with password auth over TCP, the password read from a file only the servers' account reads."""
        work = self.data_dir.parent
        password_file = work / "pwfile"
        descriptor = os.open(password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(password + "\n")
        hand_over(work, self.account)
        argv = [str(self.bin_dir / "initdb"), "-D", str(self.data_dir), *INITDB_OPTIONS, f"--pwfile={password_file}"]
        try:
            done = run(Launch(argv, base_env(), self.account))
        finally:
            password_file.unlink(missing_ok=True)
        if done.returncode != 0:
            raise ServiceStartError("postgres", "initdb failed", done.output[-2000:])

    def single_user(self, statements: Sequence[str], run: RunToEnd) -> None:
        """Runs ``statements`` (one a line) in single-user mode, the server not started: read on its standard input,
        so a password in one is in no process's arguments."""
        argv = [str(self.bin_dir / "postgres"), "--single", "-D", str(self.data_dir), "-c", "fsync=off", "postgres"]
        done = run(Launch(argv, base_env(), self.account, stdin="".join(f"{line}\n" for line in statements).encode()))
        if done.returncode != 0 or "ERROR:" in done.output:
            raise ServiceStartError("postgres", "preparing its data directory failed", done.output[-2000:])

    def argv(self, host: str, port: int) -> list[str]:
        settings = {**FAST_SETTINGS, "listen_addresses": host, "port": str(port)}
        flags = [item for key, value in settings.items() for item in ("-c", f"{key}={value}")]
        return [str(self.bin_dir / "postgres"), "-D", str(self.data_dir), *flags]


def connection_url(host: str, port: int, password: str, database: str = DATABASE) -> str:
    return f"postgresql://{SUPERUSER}:{password}@{host}:{port}/{database}"


class PostgresDriver(ServiceDriver):
    """Postgres: initdb before its first start, run as the servers' account, stopped by a fast shutdown."""

    stop_signal = signal.SIGINT

    def url(self, host: str, port: int, secrets: Mapping[str, str]) -> str:
        return connection_url(host, port, secrets["postgres_password"])

    def prepare(
        self, service: ServiceSpec, work: Path, servers: Servers, secrets: Mapping[str, str], run: RunToEnd
    ) -> None:
        databases = (DATABASE, *service.databases)
        PostgresInstall.of(servers, work).initialise(secrets["postgres_password"], databases, run)

    def launch(
        self, service: ServiceSpec, port: int, settings: Mapping[str, str], servers: Servers, work: Path
    ) -> Launch:
        return Launch(PostgresInstall.of(servers, work).argv(LOOPBACK, port), base_env(), servers.account)

    def ready(self, service: ServiceSpec, address: Endpoint, secrets: Mapping[str, str]) -> bool:
        """The server answers a query and the world's databases exist (each is created on first success): its
        own, and those its world file names (``x-drillbit.databases``)."""
        import psycopg  # here, not above: the runtime loads while a world's first processes start
        from psycopg import sql

        server = connection_url(address.host, address.port, secrets["postgres_password"], "postgres")
        try:
            with psycopg.connect(server, connect_timeout=1, autocommit=True) as conn:
                for database in (DATABASE, *service.databases):
                    exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone()
                    if exists is None:
                        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
                return True
        except psycopg.OperationalError:
            return False


register(ServiceKind.POSTGRES, PostgresDriver())
