"""What every toxic is: a frozen set of attributes, and one method that pipes a stream through a stub; and what
a toxic sees of that stub."""

from __future__ import annotations

import dataclasses
from random import Random
from typing import ClassVar, Protocol

from fakes.toxiproxy.channel import Chunk
from fakes.toxiproxy.gostruct import Field, Struct


class ToxicStub(Protocol):
    """What a toxic sees of the stub that runs it (:class:`fakes.toxiproxy.stub.Stub`): where it reads, writes,
    sleeps and closes, for one direction of one connection."""

    @property
    def random(self) -> Random:
        """Where the toxic draws its chances from (a jitter, a slice's size)."""
        ...

    @property
    def sent_bytes(self) -> int:
        """How many bytes went on through the output so far."""
        ...

    async def receive(self) -> Chunk | None:
        """The next chunk, or ``None`` once the stream has ended (and every time after)."""
        ...

    async def send(self, chunk: Chunk) -> None:
        """Pass a chunk on: the chunk held, or its next part."""
        ...

    def close(self, reset: bool = False) -> None:
        """End the output stream; with ``reset`` as a TCP reset."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` (forever for infinity); an interruption cancels the wait."""
        ...

    async def sleep_until(self, when: float) -> None:
        """Wait until ``when`` on the event loop's clock, the one a chunk's timestamp is read on."""
        ...


class Toxic:
    """Changes the data of one direction of a connection. Subclasses are frozen dataclasses whose fields
    are toxiproxy's attributes, in toxiproxy's order, all whole numbers."""

    # Chunks the channel in front of the toxic may hold; latency reads ahead so that delays overlap.
    buffer_size: ClassVar[int] = 1
    # Toxiproxy closes a connection when a toxic that dropped its data is removed from it.
    closes_on_removal: ClassVar[bool] = False
    # The Go type of the attributes, as toxiproxy's decoder names it in errors.
    attribute_type: ClassVar[str] = "int64"

    async def pipe(self, stub: ToxicStub) -> None:
        """Pass the stub's input to its output, changed, until the stream ends; then close the stub."""
        raise NotImplementedError

    @classmethod
    def attributes_struct(cls) -> Struct:
        """The attributes as Go's decoder sees them: ``toxics.LatencyToxic{latency, jitter}``."""
        fields = tuple(Field(field.name, cls.attribute_type) for field in dataclasses.fields(cls))  # type: ignore[arg-type]
        return Struct("toxics", cls.__name__, fields)

    def attributes(self) -> dict[str, int]:
        return {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}  # type: ignore[arg-type]
