"""A probe kind is one module's work: its model, its reader and its registration reach evaluate and the union."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

import pytest
from pydantic import TypeAdapter

from drills.probes import ProbeResult, evaluate
from drills.probes.registry import PROBES, ProbeBase, ProbeKind, Reading, aims_at_nothing
from drills.world.context import DrillContext


class EchoProbe(ProbeBase):
    """Holds when its text, references resolved, is not empty."""

    kind: Literal["echo"]
    text: str


def read_echo(probe: EchoProbe, reading: Reading) -> ProbeResult:
    text = probe.text  # rendered at the edge: the reader never resolves a reference itself
    return ProbeResult(held=bool(text), detail=f"echo {text}", value=text)


@pytest.fixture
def echo() -> Iterator[None]:
    PROBES.register(ProbeKind("echo", EchoProbe, read_echo, aims_at_nothing))
    yield
    PROBES.unregister("echo")


def test_a_registered_kind_is_validated_and_read_with_nothing_else_changed(echo: None, context: DrillContext) -> None:
    probe = TypeAdapter(PROBES.union()).validate_python({"kind": "echo", "text": "{postgres.host}"})
    assert evaluate(probe, context) == ProbeResult(held=True, detail="echo 127.0.0.1", value="127.0.0.1")


def test_a_probe_of_no_registered_kind_is_refused(context: DrillContext) -> None:
    with pytest.raises(Exception, match="no way to evaluate a probe of kind 'echo'"):
        evaluate(EchoProbe(kind="echo", text="x"), context)
