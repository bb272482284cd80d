"""Putting one fault into the world now: each kind to the module that knows how, every failure named alike."""

from __future__ import annotations

from drills.errors import DrillbitError, FaultError, TargetRefusedError
from drills.faults.active import ActiveFault
from drills.faults.data import inject_data
from drills.faults.network import inject_network
from drills.faults.process import inject_process
from drills.faults.provider import inject_provider
from drills.faults.settings import inject_config, inject_deploy
from drills.faults.traffic import inject_traffic
from drills.scenario.faults import (
    ConfigFault,
    DataFault,
    DeployFault,
    Fault,
    NetworkFault,
    ProcessFault,
    ProviderFault,
    TrafficFault,
)
from drills.world.context import DrillContext


def inject(fault: Fault, context: DrillContext) -> ActiveFault:
    """Injects ``fault`` at once (its ``after`` and ``duration`` are the caller's, see :mod:`drills.faults`).

    Raises :class:`TargetRefusedError` when it aims outside the world, :class:`FaultError` when it could not be
    put in; a fault that fails halfway takes out what it had already done before raising.
    """
    try:
        return _inject(fault, context)
    except TargetRefusedError:
        raise
    except DrillbitError as error:
        raise FaultError(f"{_failed(fault)}: {error.message}", hint=error.hint) from error
    except Exception as error:
        raise FaultError(f"{_failed(fault)}: {type(error).__name__}: {error}") from error


def _inject(fault: Fault, context: DrillContext) -> ActiveFault:
    match fault:
        case NetworkFault():
            return inject_network(fault, context)
        case ProcessFault():
            return inject_process(fault, context)
        case ConfigFault():
            return inject_config(fault, context)
        case ProviderFault():
            return inject_provider(fault, context)
        case DataFault():
            return inject_data(fault, context)
        case DeployFault():
            return inject_deploy(fault, context)
        case TrafficFault():
            return inject_traffic(fault, context)


def _failed(fault: Fault) -> str:
    return f"injecting {fault.kind} fault {fault.id!r} failed"
