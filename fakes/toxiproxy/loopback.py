"""Which addresses a proxy may listen on and forward to: loopback only, unless the server allows remote ones.

A world's proxies carry traffic between services on one machine. A proxy re-aimed at another host, or
listening on every interface, would carry that traffic (secrets and all) off the machine, and anyone who can
reach the API could make one. So a listen or upstream address must be a loopback literal (127.0.0.0/8, ::1)
or ``localhost``. Host names are never looked up here: what a name resolves to can change after the check.
An address that is not ``host:port`` at all is left to the listen or the dial to refuse, as toxiproxy does.
"""

from __future__ import annotations

import ipaddress

from fakes.toxiproxy import errors
from fakes.toxiproxy.addresses import split_host_port
from fakes.toxiproxy.errors import ProxyError
from fakes.toxiproxy.proxy_input import ProxyInput

_HINT = "(127.0.0.0/8, ::1 or localhost); start the server with --allow-remote to allow it"


def is_loopback(host: str) -> bool:
    """A literal loopback IP (an IPv4-mapped one too) or ``localhost``; any other name is not."""
    if host.lower() == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
    return (mapped or address).is_loopback


def check(proxy: ProxyInput, where: str = "") -> None:
    """Raise ``ADDRESS_NOT_ALLOWED`` unless the proxy's listen and upstream stay on loopback.

    ``where`` places the proxy in a populate (`` at proxy 2``), as toxiproxy's missing-field errors do.
    """
    for field, address in (("listen", proxy.listen), ("upstream", proxy.upstream)):
        if _leaves_the_machine(address):
            shown = address or "(every interface)"
            raise errors.ADDRESS_NOT_ALLOWED.joined(f"{field} {shown}{where} is not loopback {_HINT}")


def _leaves_the_machine(address: str) -> bool:
    if address == "":
        return True  # an empty listen address is every interface, any port
    try:
        host, _ = split_host_port(address)
    except ProxyError:
        return False  # not an address: nothing can listen on it or dial it
    return not is_loopback(host)
