"""A world file's values made concrete: Compose's ``${NAME}`` interpolation, and network addresses mapped.

A world file writes each value once, as Compose reads it. ``${NAME}`` (also ``$NAME``, ``${NAME:-default}``,
``${NAME-default}``, ``${NAME:?message}``, ``${NAME?message}``; ``$$`` is a literal ``$``) takes a world
variable: a secret, the seed, the clock. ``service:port`` names a service, or a proxy on the proxy server, on the
world's network; the docker runtime keeps it, and the local runtime maps it to the loopback address it gave.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

from drills.errors import InputError
from drills.world.spec import ServiceKind, WorldSpec

if TYPE_CHECKING:
    from drills.world.protocol import WorldOptions

_NAME: Final = r"[A-Za-z_][A-Za-z0-9_]*"
_VARIABLE: Final = re.compile(
    rf"\$(?:(?P<dollar>\$)|(?P<bare>{_NAME})|\{{(?P<name>{_NAME})(?:(?P<how>:?[-?])(?P<arg>[^}}]*))?\}})"
)
_LONE_DOLLAR: Final = re.compile(r"\$(?!\$|\{|[A-Za-z_])")


class MissingVariableError(InputError):
    """A value needs a world variable that is not set (``${NAME:?message}``, or ``${NAME}`` with none)."""


def variables_in(text: str) -> list[str]:
    """The world variables ``text`` refers to, in order."""
    return [match["bare"] or match["name"] for match in _VARIABLE.finditer(text) if not match["dollar"]]


def interpolate(text: str, variables: Mapping[str, str], *, strict: bool = True) -> str:
    """``text`` with every ``${NAME}`` filled from ``variables``, as Compose fills it.

    An unset variable is an error when ``strict`` (a world must give every value it writes), else empty, as
    Compose makes it; ``${NAME:?message}`` is an error either way. A ``$`` followed by nothing Compose reads is
    an error too: write ``$$`` for a literal one.
    """
    lone = _LONE_DOLLAR.search(text)
    if lone is not None:
        raise InputError(f"{text!r}: a lone '$' at {lone.start()}; write '$$' for a literal '$'")
    return _VARIABLE.sub(lambda match: _value(match, variables, strict=strict), text)


def _value(match: re.Match[str], variables: Mapping[str, str], *, strict: bool) -> str:
    if match["dollar"]:
        return "$"
    name, how, arg = match["bare"] or match["name"], match["how"] or "", match["arg"] or ""
    value = variables.get(name)
    unset = value is None or (how.startswith(":") and value == "")
    if not unset:
        return str(value)
    if how.endswith("-"):
        return arg
    if how.endswith("?"):
        raise MissingVariableError(f"${{{name}}} is not set: {arg or 'the world file requires it'}")
    if strict:
        raise MissingVariableError(
            f"${{{name}}} is not set", hint="a world variable: a secret the world declares, or DRILLBIT_*"
        )
    return ""


def map_addresses(text: str, addresses: Mapping[str, str]) -> str:
    """``text`` with every ``service:port`` of ``addresses`` replaced by the address it maps to.

    An address is only replaced whole: ``app:8000`` in ``http://app:8000/x``, not in ``myapp:8000`` nor in
    ``app:80001``.
    """
    if not addresses:
        return text
    keys = sorted(addresses, key=len, reverse=True)
    pattern = re.compile(rf"(?<![\w.-])(?:{'|'.join(map(re.escape, keys))})(?![\w])")
    return pattern.sub(lambda match: addresses[match[0]], text)


SERVER_SECRETS: Final = {ServiceKind.POSTGRES: "postgres_password", ServiceKind.REDIS: "redis_password"}
"""The secret each real server is started with, whether or not the world file names it."""


def make_secrets(spec: WorldSpec) -> dict[str, str]:
    """Every secret of the world by its lower-case name, fresh for each world (never from its seed, which anyone
    may know): the same shape, so the same length, whatever they are, for a secret's value never changes what a
    drill does."""
    names = [name.lower() for name in spec.secrets]
    names += [SERVER_SECRETS[service.kind] for service in spec.services if service.kind in SERVER_SECRETS]
    return {name: f"{name.split('_')[0]}-{secrets.token_hex(12)}" for name in dict.fromkeys(names)}


def world_variables(
    options: WorldOptions, epoch: float, world_secrets: Mapping[str, str], *, clock: str, name: str
) -> dict[str, str]:
    """What a world file's ``${NAME}`` may name: each secret (``POSTGRES_PASSWORD``), and the world's own
    ``DRILLBIT_*``: time scale, epoch, clock file (as its services see it), seed, tenants and the world's name."""
    return {
        **{secret.upper(): value for secret, value in world_secrets.items()},
        "DRILLBIT_TIME_SCALE": f"{options.time_scale:g}",
        "DRILLBIT_EPOCH": repr(epoch),
        "DRILLBIT_CLOCK": clock,
        "DRILLBIT_SEED": str(options.seed),
        "DRILLBIT_TENANTS": str(options.tenants),
        "DRILLBIT_WORLD": name,
    }
