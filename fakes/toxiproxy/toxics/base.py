"""What every toxic is: a frozen set of attributes, and one method that pipes a stream through a stub."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, ClassVar

from fakes.toxiproxy.gostruct import Field, Struct

if TYPE_CHECKING:
    from fakes.toxiproxy.stub import Stub


class Toxic:
    """Changes the data of one direction of a connection. Subclasses are frozen dataclasses whose fields
    are toxiproxy's attributes, in toxiproxy's order, all whole numbers."""

    # Chunks the channel in front of the toxic may hold; latency reads ahead so that delays overlap.
    buffer_size: ClassVar[int] = 1
    # Toxiproxy closes a connection when a toxic that dropped its data is removed from it.
    closes_on_removal: ClassVar[bool] = False
    # The Go type of the attributes, as toxiproxy's decoder names it in errors.
    attribute_type: ClassVar[str] = "int64"

    async def pipe(self, stub: Stub) -> None:
        """Pass the stub's input to its output, changed, until the stream ends; then close the stub."""
        raise NotImplementedError

    @classmethod
    def attributes_struct(cls) -> Struct:
        """The attributes as Go's decoder sees them: ``toxics.LatencyToxic{latency, jitter}``."""
        fields = tuple(Field(field.name, cls.attribute_type) for field in dataclasses.fields(cls))  # type: ignore[arg-type]
        return Struct("toxics", cls.__name__, fields)

    def attributes(self) -> dict[str, int]:
        return {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}  # type: ignore[arg-type]
