"""The toxics, by the type name the API uses; one module each, one ``pipe`` method each."""

from __future__ import annotations

from fakes.toxiproxy.toxics.bandwidth import BandwidthToxic
from fakes.toxiproxy.toxics.base import Toxic
from fakes.toxiproxy.toxics.latency import LatencyToxic
from fakes.toxiproxy.toxics.limit_data import LimitDataToxic
from fakes.toxiproxy.toxics.noop import NoopToxic
from fakes.toxiproxy.toxics.reset_peer import ResetPeerToxic
from fakes.toxiproxy.toxics.slicer import SlicerToxic
from fakes.toxiproxy.toxics.slow_close import SlowCloseToxic
from fakes.toxiproxy.toxics.timeout import TimeoutToxic

TOXIC_TYPES: dict[str, type[Toxic]] = {
    "bandwidth": BandwidthToxic,
    "latency": LatencyToxic,
    "limit_data": LimitDataToxic,
    "noop": NoopToxic,
    "reset_peer": ResetPeerToxic,
    "slicer": SlicerToxic,
    "slow_close": SlowCloseToxic,
    "timeout": TimeoutToxic,
}

__all__ = [
    "TOXIC_TYPES",
    "BandwidthToxic",
    "LatencyToxic",
    "LimitDataToxic",
    "NoopToxic",
    "ResetPeerToxic",
    "SlicerToxic",
    "SlowCloseToxic",
    "Toxic",
]
