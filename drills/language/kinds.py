"""A family of kinds that register themselves, as Toxiproxy's toxics do: probes and faults each have one.

Every module of the family's package (``drills.probes.kinds``, ``drills.faults.kinds``) registers its kind
when it is imported; the registry imports them all the first time it is asked, so nothing else lists the kinds.
A scenario validates the family's parts with :meth:`KindRegistry.union`, the discriminated union of their
models, told apart by ``kind``.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from functools import reduce
from operator import or_
from typing import Annotated, Any, Generic, Protocol, TypeVar

from pydantic import BaseModel, Field


class Kind(Protocol):
    """What a registry keeps of a kind: its name in a scenario (``kind: tcp``) and its model."""

    @property
    def name(self) -> str: ...

    @property
    def model(self) -> type[BaseModel]: ...


K = TypeVar("K", bound=Kind)


class KindRegistry(Generic[K]):
    """The kinds of one family, by name, in alphabetical order whatever order their modules were imported in."""

    def __init__(self, family: str, package: str) -> None:
        self._family = family
        self._package = package
        self._kinds: dict[str, K] = {}
        self._lock = threading.RLock()
        self._discovered = False

    def register(self, kind: K) -> K:
        """Makes ``kind`` one a scenario can use; a name registered twice is a mistake, not an override."""
        with self._lock:
            known = self._kinds.get(kind.name)
            if known is not None and known != kind:
                raise ValueError(f"{self._family} kind {kind.name!r} is registered twice")
            self._kinds[kind.name] = kind
        return kind

    def unregister(self, name: str) -> None:
        """Takes a kind out again (a test's own kind, once the test is done)."""
        with self._lock:
            self._kinds.pop(name, None)

    def kinds(self) -> dict[str, K]:
        """Every kind, by name: each module of the family's package is imported first."""
        self._discover()
        with self._lock:
            return dict(sorted(self._kinds.items()))

    def get(self, name: str) -> K:
        kinds = self.kinds()
        if name not in kinds:
            raise KeyError(f"no {self._family} kind {name!r}; the kinds are: {', '.join(kinds)}")
        return kinds[name]

    def union(self) -> Any:
        """``Annotated[A | B | ..., Field(discriminator="kind")]`` over every kind's model."""
        models = [kind.model for kind in self.kinds().values()]
        return Annotated[reduce(or_, models), Field(discriminator="kind")]

    def _discover(self) -> None:
        with self._lock:
            if self._discovered:
                return
            self._discovered = True
            package = importlib.import_module(self._package)
            for module in sorted(info.name for info in pkgutil.iter_modules(package.__path__)):
                importlib.import_module(f"{self._package}.{module}")
