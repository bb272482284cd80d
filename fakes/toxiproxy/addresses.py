"""Host:port addresses as Go's ``net`` package reads, resolves, binds and prints them.

Toxiproxy reports a proxy's ``listen`` as Go prints the bound address (``localhost:0`` becomes
``127.0.0.1:40123``), compares listen addresses after resolving them, and answers a failed bind with Go's
message (``listen tcp 127.0.0.1:80: bind: address already in use``). A hostname resolves to one address,
IPv4 first, as ``net.Listen`` picks it; a wildcard host listens on every interface, both families.
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import os
import socket
from dataclasses import dataclass

from fakes.toxiproxy.errors import ProxyError


@dataclass(frozen=True)
class TcpAddress:
    """A resolved address: an IP literal (``""`` for every interface) and a port."""

    host: str
    port: int

    def __str__(self) -> str:
        return join_host_port(self.host, str(self.port))


def join_host_port(host: str, port: str) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def split_host_port(address: str) -> tuple[str, str]:
    """Go's ``net.SplitHostPort``, with its messages."""
    colon = address.rfind(":")
    if colon < 0:
        raise ProxyError(f"address {address}: missing port in address")
    skip_open, skip_close = 0, 0
    if address.startswith("["):
        close = address.find("]")
        if close < 0:
            raise ProxyError(f"address {address}: missing ']' in address")
        if close + 1 != colon:
            why = "too many colons" if address[close + 1 : close + 2] == ":" else "missing port"
            raise ProxyError(f"address {address}: {why} in address")
        host, skip_open, skip_close = address[1:close], 1, close + 1
    else:
        host = address[:colon]
        if ":" in host:
            raise ProxyError(f"address {address}: too many colons in address")
    if "[" in address[skip_open:]:
        raise ProxyError(f"address {address}: unexpected '[' in address")
    if "]" in address[skip_close:]:
        raise ProxyError(f"address {address}: unexpected ']' in address")
    return host, address[colon + 1 :]


async def resolve(address: str) -> TcpAddress:
    """Go's ``net.ResolveTCPAddr("tcp", address)``; an empty address is every interface, any port."""
    if address == "":
        return TcpAddress("", 0)
    host, port = split_host_port(address)
    return TcpAddress(await _resolve_host(host, prefer_ipv6="[" in address), _port_number(port))


def _port_number(port: str) -> int:
    if port == "":
        return 0
    if port.lstrip("+-").isdigit():
        number = int(port)
        if not 0 <= number <= 65535:
            raise ProxyError(f"address {port}: invalid port")
        return number
    try:
        return socket.getservbyname(port, "tcp")
    except OSError:
        raise ProxyError(f"lookup tcp/{port}: unknown port") from None


async def _resolve_host(host: str, prefer_ipv6: bool) -> str:
    if host == "":
        return ""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError:
        raise ProxyError(f"lookup {host}: no such host") from None
    wanted = socket.AF_INET6 if prefer_ipv6 else socket.AF_INET
    *_, sockaddr = next((info for info in infos if info[0] == wanted), infos[0])
    return str(sockaddr[0])


async def listen(address: str) -> socket.socket:
    """A listening-ready bound socket for a proxy's listen address, or Go's ``listen tcp ...`` error."""
    try:
        resolved = await resolve(address)
    except ProxyError as error:
        raise ProxyError(f"listen tcp: {error}") from None
    return bind(resolved)


def bind(address: TcpAddress) -> socket.socket:
    """Bind, as Go does: address reuse on, and a wildcard host taking IPv6 and IPv4 on one socket."""
    wildcard = address.host in ("", "0.0.0.0", "::")
    if wildcard and socket.has_ipv6:
        try:
            return _bind(socket.AF_INET6, "::", address.port)
        except _NoIPv6:
            pass
    host = "0.0.0.0" if wildcard else address.host
    return _bind(_family(host), host, address.port)


class _NoIPv6(Exception):
    """This machine has no IPv6; a wildcard listener falls back to IPv4 alone."""


def _bind(family: socket.AddressFamily, host: str, port: int) -> socket.socket:
    try:
        # IPPROTO_TCP, not 0: asyncio turns Nagle off only on sockets that say they are TCP.
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    except OSError as error:
        raise _NoIPv6() if family == socket.AF_INET6 and host == "::" else _bind_error(error, host, port) from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if host == "::":
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        if host == "::" and error.errno in (errno.EAFNOSUPPORT, errno.EADDRNOTAVAIL):
            raise _NoIPv6() from None
        raise _bind_error(error, host, port) from None
    return sock


def _bind_error(error: OSError, host: str, port: int) -> ProxyError:
    reason = os.strerror(error.errno or 0)
    return ProxyError(f"listen tcp {TcpAddress(host, port)}: bind: {reason[:1].lower()}{reason[1:]}")


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def bound_address(sock: socket.socket) -> str:
    """How Go prints a listener's address: ``127.0.0.1:40123``, ``[::]:40123``."""
    host, port = sock.getsockname()[:2]
    return str(TcpAddress(str(host), int(port)))
