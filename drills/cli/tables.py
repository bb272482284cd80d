"""How a running world is shown to a person: every service, its address and how to reach it."""

from __future__ import annotations

from rich.table import Table

from drills.world.protocol import World


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
