"""One socket of a proxied connection (the client's or the upstream's): read by one link, written by the other."""

from __future__ import annotations

import asyncio
import socket
import struct

_LINGER_ZERO = struct.pack("ii", 1, 0)


class Endpoint:
    """A socket's reader and writer; closing it ends reads on it at once, as closing a ``net.Conn`` does."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    def close(self) -> None:
        """Close after what was written is flushed; the link reading this socket sees its end now."""
        self.writer.close()
        self.reader.feed_eof()

    def reset(self) -> None:
        """Close with a TCP reset: linger 0 makes the kernel send RST instead of FIN."""
        sock = self.writer.get_extra_info("socket")
        if sock is not None and sock.fileno() >= 0:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _LINGER_ZERO)
        self.abort()

    def abort(self) -> None:
        """Close now, dropping what was not yet written: the proxy is being disabled or deleted."""
        self.writer.transport.abort()
        self.reader.feed_eof()
