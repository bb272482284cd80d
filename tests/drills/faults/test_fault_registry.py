"""A fault kind is one module's work: its model, its injector and its registration reach inject and FaultSet."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

import pytest
from pydantic import TypeAdapter

from drills.errors import FaultError, TargetRefusedError
from drills.faults import ActiveFault, FaultSet, RevertOutcome, inject
from drills.faults.base import FaultBase
from drills.faults.registry import FAULTS, FaultKind
from drills.world.context import DrillContext
from drills.world.targets import Target, UrlTarget

pytestmark = pytest.mark.world


class FlagFault(FaultBase):
    """Sets a saved value while it is in, and clears it when it is taken out; says it calls ``url`` first."""

    kind: Literal["flag"]
    flag: str
    url: str = "{app.url}/flag"


@dataclass
class Flagged:
    context: DrillContext
    name: str
    undone: list[str] = field(default_factory=list)

    def describe(self) -> str:
        return f"flag {self.name} raised"

    def undo(self) -> None:
        self.context.save(self.name, "down")


def inject_flag(fault: FlagFault, context: DrillContext) -> ActiveFault:
    context.save(fault.flag, "up")
    return ActiveFault(fault, Flagged(context, fault.flag))


def aims_flag(fault: FlagFault, context: DrillContext) -> Sequence[Target]:
    return (UrlTarget(fault.url),)


@pytest.fixture
def flag_kind() -> Iterator[None]:
    FAULTS.register(FaultKind("flag", FlagFault, inject_flag, aims_flag))
    yield
    FAULTS.unregister("flag")


def test_a_registered_kind_goes_in_and_comes_out_with_nothing_else_changed(
    flag_kind: None, context: DrillContext
) -> None:
    fault = TypeAdapter(FAULTS.union()).validate_python({"kind": "flag", "id": "raise-it", "flag": "alarm"})
    faults = FaultSet()
    faults.inject(fault, context)
    raised = context.saved["alarm"]
    outcomes = faults.revert_all()
    assert (raised, context.saved["alarm"], outcomes) == ("up", "down", [RevertOutcome("raise-it", ok=True)])


def test_a_kind_aimed_outside_the_world_is_refused_before_its_injector_runs(
    flag_kind: None, context: DrillContext
) -> None:
    fault = FlagFault(kind="flag", id="raise-it", flag="alarm", url="http://10.1.2.3:8000/flag")
    with pytest.raises(TargetRefusedError) as refused:
        inject(fault, context)
    assert (str(refused.value).splitlines()[0], context.saved) == (
        "http://10.1.2.3:8000/flag is not a service of this world (10.1.2.3 is not a loopback address); "
        "a drill never touches anything outside its world",
        {},
    )


def test_a_fault_of_no_registered_kind_is_refused(context: DrillContext) -> None:
    with pytest.raises(FaultError, match="injecting flag fault 'x' failed: no fault kind 'flag'"):
        inject(FlagFault(kind="flag", id="x", flag="alarm"), context)
