"""How a running world is shown to a person: every service, its address and how to reach it."""

from __future__ import annotations

from rich.table import Table

from drills.world.protocol import World


def connection_env(world: World) -> dict[str, str]:
    """The variables a person (or a runbook's shell block) uses to reach the world."""
    endpoints = world.endpoints
    env: dict[str, str] = {}
    if "postgres" in endpoints:
        postgres = endpoints["postgres"]
        env.update(
            DATABASE_URL=postgres.url,
            PGHOST=postgres.host,
            PGPORT=str(postgres.port),
            PGUSER="postgres",
            PGDATABASE="drillbit",
            PGPASSWORD=world.secrets["postgres_password"],
        )
    if "redis" in endpoints:
        env["REDIS_URL"] = endpoints["redis"].url
    if "admin_api_key" in world.secrets:
        env["ADMIN_API_KEY"] = world.secrets["admin_api_key"]
    for name, endpoint in endpoints.items():
        if name not in ("postgres", "redis"):
            env[f"{name.upper()}_URL"] = endpoint.url
    return env


def world_table(world: World, health: dict[str, bool]) -> Table:
    table = Table(title=f"world {world.name}", show_lines=False)
    for column in ("service", "status", "address", "reach it at", "through proxy"):
        table.add_column(column)
    for service in world.spec.services:
        endpoint = world.endpoints.get(service.name)
        proxy = world.proxies.get(service.name)
        table.add_row(
            service.name,
            "[green]healthy[/]" if health.get(service.name) else "[red]unhealthy[/]",
            endpoint.address if endpoint else "-",
            endpoint.url if endpoint else "-",
            proxy.address if proxy else "",
        )
    return table
