"""A world of local processes: starting, checking, changing and stopping each of its services."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
from collections.abc import Mapping
from pathlib import Path

from drills.clock import Clock, wait_for
from drills.errors import ServiceStartError
from drills.runtimes.local import proxies, registry
from drills.runtimes.local.drivers import driver_for
from drills.runtimes.local.launch import Finished, Launch, Servers
from drills.runtimes.local.ports import free_port
from drills.runtimes.local.processes import ServiceProcess
from drills.runtimes.local.reaper import Reaper
from drills.world.home import TAG_VARIABLE, start_time
from drills.world.protocol import CLOCK_FILE, Endpoint, WorldOptions
from drills.world.running import RunningWorld
from drills.world.settings import apply_changes
from drills.world.spec import ServiceSpec, WorldSpec
from drills.world.targets import LOOPBACK
from drills.world.variables import interpolate, make_secrets, map_addresses, world_variables
from drills.world_clock import scenario_epoch, write_clock_file

START_TIMEOUT_SECONDS = 30.0
START_ATTEMPTS = 3
PREPARE_TIMEOUT_SECONDS = 60.0


SECRETS_FILE = "secrets.json"


def local_environment(
    service: ServiceSpec, variables: Mapping[str, str], addresses: Mapping[str, str]
) -> dict[str, str]:
    """The environment the world file gives ``service``, its variables filled in and each address on the world's
    network made the loopback one in ``addresses``."""
    return {key: map_addresses(interpolate(value, variables), addresses) for key, value in service.env.items()}


class LocalWorld(RunningWorld):
    """The services of one world as processes on loopback; every action is one a deploy tool could take."""

    def __init__(
        self,
        spec: WorldSpec,
        options: WorldOptions,
        directory: Path,
        servers: Servers,
        clock: Clock,
    ) -> None:
        super().__init__(spec, options, directory, scenario_epoch(clock.wall()), make_secrets(spec))
        self._servers = servers
        self._clock = clock
        self._processes: dict[str, ServiceProcess] = {}
        self._prepared: set[str] = set()
        self._preparing: dict[str, ServiceProcess] = {}
        self._warm: dict[str, tuple[ServiceProcess, Launch]] = {}
        # Services of one wave start in parallel threads; the reaper's pipe and the record are shared.
        self._record_lock = threading.Lock()
        # The reaper first, then the folder with its record: from here on, nothing of the world outlives us.
        self._reaper = Reaper.start(directory)
        account = servers.account
        group = None if account is None else account.gid
        registry.create_folder(directory, os.getpid(), group=group, reaper=self._reaper.pid)
        registry.write_private(directory / SECRETS_FILE, json.dumps(self._secrets, indent=2))
        self._start_clock()

    @property
    def processes(self) -> Mapping[str, ServiceProcess]:
        return dict(self._processes)

    def set_proxies(self, ports: Mapping[str, int]) -> None:
        for name, port in ports.items():
            self._proxies[name] = self._endpoint(self._spec.service(name), port)

    # Starting and checking

    def start(self, service: str) -> None:
        """Starts a service (on its old port if it had one) and waits until it is healthy."""
        with self._options.held("start"):
            self._start(service)

    def _start(self, service: str) -> None:
        spec = self._spec.service(service)
        for attempt in range(1, START_ATTEMPTS + 1):
            process = self._spawn(spec)
            if self._wait_healthy(spec, process):
                self._restore_proxies(service)
                return
            clash = "in use" in process.log_tail(50)
            process.stop()
            if not (clash and attempt < START_ATTEMPTS):
                break
            self._endpoints.pop(service)
        raise ServiceStartError(
            service,
            "it exited" if process.popen.poll() is not None else f"no health after {START_TIMEOUT_SECONDS:.0f}s",
            process.log_tail(),
            hint=f"its whole log is {process.log_path}",
        )

    def running(self, service: str) -> bool:
        """Whether the service's process is alive, healthy or not (a paused one is running)."""
        process = self._processes.get(service)
        return process is not None and process.alive()

    def healthy(self, service: str) -> bool:
        process = self._processes.get(service)
        if process is None or not process.alive():
            return False
        return self._ready(self._spec.service(service), self._endpoints[service])

    def _endpoint(self, spec: ServiceSpec, port: int) -> Endpoint:
        """The service's address at ``port`` (its own or a proxy's), with a URL in its own scheme."""
        return Endpoint(LOOPBACK, port, driver_for(spec.kind).url(LOOPBACK, port, self._secrets))

    def _ready(self, spec: ServiceSpec, endpoint: Endpoint) -> bool:
        return driver_for(spec.kind).ready(spec, endpoint, self._secrets)

    def warm_up(self) -> None:
        """Starts now, ahead of their turn, the processes of services whose driver can make them wait for it (a
        Python service imports what it needs meanwhile); each still starts running only at its turn."""
        for spec in self._spec.services:
            how = driver_for(spec.kind).warm(spec)
            if how is not None and spec.name not in self._processes:
                process = self._launch(spec.name, how, waiting=True)
                with self._record_lock:
                    self._warm[spec.name] = (process, how)
                self._watch(process)

    def _take_warm(self, spec: ServiceSpec, how: Launch) -> ServiceProcess | None:
        """The service's warm process, told to run ``how``; None when it has none alive, or it cannot take it."""
        with self._record_lock:
            process, warm = self._warm.pop(spec.name, (None, None))
        if process is None or warm is None:
            return None
        order = driver_for(spec.kind).order(spec, how, warm)
        if order is None or not process.alive():
            process.stop(grace=0)
            return None
        process.give_order(order)
        return process

    def _spawn(self, spec: ServiceSpec) -> ServiceProcess:
        driver = driver_for(spec.kind)
        if spec.name not in self._endpoints:
            self._endpoints[spec.name] = self._endpoint(spec, free_port())
        settings = self._settings.setdefault(spec.name, self._initial_settings(spec))
        work = self.directory / spec.name
        if spec.name not in self._prepared:
            driver.prepare(spec, work, self._servers, self._secrets, lambda how: self._run_to_end(spec.name, how))
            self._prepared.add(spec.name)
        how = driver.launch(spec, self._endpoints[spec.name].port, settings, self._servers, work)
        process = self._take_warm(spec, how) or self._launch(spec.name, how)
        with self._record_lock:
            self._processes[spec.name] = process
        self._watch(process)
        return process

    def _launch(self, service: str, how: Launch, *, waiting: bool = False) -> ServiceProcess:
        """Starts a process of the world, its tag in its environment: the reaper knows it from its first instruction."""
        env = {**how.env, TAG_VARIABLE: str(self.directory)}
        log = self.log_path(service)
        return ServiceProcess.spawn(service, how.argv, env, log, run_as=how.run_as, stdin=how.stdin, waiting=waiting)

    def _run_to_end(self, service: str, how: Launch) -> Finished:
        """Runs a command of the service's preparation (initdb) as a process of the world, its output in the log."""
        log = self.log_path(service)
        offset = log.stat().st_size if log.exists() else 0
        process = self._launch(service, how)
        with self._record_lock:
            self._preparing[service] = process
        try:
            self._watch(process)
            returncode = process.popen.wait(timeout=PREPARE_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.stop(signal.SIGKILL, grace=0)
            program = Path(how.argv[0]).name
            raise ServiceStartError(
                service, f"{program} did not finish in {PREPARE_TIMEOUT_SECONDS:.0f}s", process.log_tail()
            ) from None
        except BaseException:
            process.stop(signal.SIGKILL, grace=0)
            raise
        finally:
            with self._record_lock:
                self._preparing.pop(service, None)
        with log.open("rb") as written:
            written.seek(offset)
            return Finished(returncode, written.read().decode(errors="replace"))

    def _initial_settings(self, spec: ServiceSpec) -> dict[str, str]:
        """The environment its world file gives it, each address on the world's network made a loopback one."""
        variables = world_variables(
            self._options, self.epoch, self._secrets, clock=str(self.directory / CLOCK_FILE), name=self.name
        )
        configured = local_environment(spec, variables, self._addresses())
        configured.update(self._options.overrides.get(spec.name, {}))
        return driver_for(spec.kind).settings(configured, self._secrets)

    def _addresses(self) -> dict[str, str]:
        """Each ``service:port`` (and ``proxy-server:listen``) of the world's network, as the loopback address it has
        here; what has not started yet has none."""
        found: dict[str, str] = {}
        for service in self._spec.services:
            endpoint = self._endpoints.get(service.name)
            if endpoint is not None and service.port is not None:
                found |= {f"{name}:{service.port}": endpoint.address for name in (service.name, *service.aliases)}
        server = self._spec.proxy_server
        names = (server, *self._spec.service(server).aliases) if server in self._spec.names() else ()
        for proxy in self._spec.proxies:
            endpoint = self._proxies.get(proxy.name)
            if endpoint is not None and proxy.listen is not None:
                found |= {f"{name}:{proxy.listen}": endpoint.address for name in names}
        return found

    def _wait_healthy(self, spec: ServiceSpec, process: ServiceProcess) -> bool:
        endpoint = self._endpoints[spec.name]

        def settled() -> bool:
            return not process.alive() or self._ready(spec, endpoint)

        wait_for(settled, START_TIMEOUT_SECONDS, self._clock)
        return process.alive() and self._ready(spec, endpoint)

    def _restore_proxies(self, service: str) -> None:
        """Toxiproxy keeps its proxies in memory: a restarted one gets the world's proxies back, on their ports."""
        if service != self._spec.proxy_server or not self._proxies:
            return
        known = [proxy for proxy in self._spec.proxies if proxy.name in self._proxies]
        ports = {name: endpoint.port for name, endpoint in self._proxies.items()}
        proxies.create(self._endpoints[service], known, self._endpoints, ports)

    # What a deploy tool or an operator does

    def stop(self, service: str) -> None:
        with self._options.held("stop"):
            self._stop(service)

    def _stop(self, service: str) -> None:
        process = self._processes.get(service)
        if process is not None:
            process.stop(self._stop_signal(service))

    def _stop_signal(self, service: str) -> signal.Signals:
        return driver_for(self._spec.service(service).kind).stop_signal

    def kill(self, service: str) -> None:
        process = self._processes.get(service)
        if process is not None:
            with self._options.held("kill"):
                process.stop(signal.SIGKILL, grace=0)

    def pause(self, service: str) -> None:
        with self._options.held("pause"):
            self._processes[service].send(signal.SIGSTOP)

    def resume(self, service: str) -> None:
        with self._options.held("resume"):
            self._processes[service].send(signal.SIGCONT)

    def restart(self, service: str) -> None:
        with self._options.held("restart"):
            self._stop(service)
            self._start(service)

    def redeploy(self, service: str, changes: Mapping[str, str | None]) -> None:
        """Changes settings (None removes one) and restarts the service with them, like a deploy."""
        apply_changes(self._settings.setdefault(service, self._initial_settings(self._spec.service(service))), changes)
        with self._options.held("redeploy"):
            self._stop(service)
            self._start(service)

    # The world's clock

    @property
    def clock_file(self) -> Path:
        """The file the world's services read its scenario time from (see :mod:`drills.world_clock`)."""
        return self.directory / CLOCK_FILE

    def _start_clock(self) -> None:
        """Before any service starts: followed by the drill's world clock, or left running from the epoch."""
        write_clock_file(self._options.clock, self.clock_file, self.epoch, self._clock.wall())

    # Lifetime

    def _watch(self, process: ServiceProcess) -> None:
        """Tells the reaper of the process and records it in world.json; its tag already made it known to both."""
        started = start_time(process.pid)
        with self._record_lock:
            if started is not None:
                self._reaper.watch(process.pid, started)
            recorded = {name: found.pid for name, found in self._processes.items()}
            recorded |= {f"{name} (preparing)": found.pid for name, found in self._preparing.items()}
            recorded |= {f"{name} (warm)": found.pid for name, (found, _) in self._warm.items()}
            registry.write_record(self.directory, os.getpid(), recorded, reaper=self._reaper.pid)

    def teardown(self) -> None:
        """Stops every process (all at once, then waits), removes the world's files, then lets the reaper go."""
        with self._record_lock:
            unused = [process for process, _ in self._warm.values()]
            self._warm.clear()
        for process in unused:
            process.stop(grace=0)
        for name, process in self._processes.items():
            if process.alive():
                process.send(self._stop_signal(name))
                process.send(signal.SIGCONT)
        for process in self._processes.values():
            process.stop()
        registry.remove_folder(self.directory)
        self._reaper.done()
