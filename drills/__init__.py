"""drillbit's engine: worlds, runtimes, scenarios, faults, probes, the runner, scoring and reports.

The public API is the names in ``__all__``; everything else is private to its module. A name is imported when
it is first used, so importing ``drills`` (or running one ``drillbit`` command) loads only what it needs, and
has no side effects::

    from drills import DrillSettings, load_scenario, run_drill

    result = run_drill(load_scenario("scenarios/cron-secret-mismatch.yaml"), DrillSettings(seed=7))
    print(result.score.outcome, result.score.passed, result.score.reasons)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from drills.engine.responder import AutoResponder
    from drills.engine.runner import Drill, DrillResult, DrillSettings, run_drill
    from drills.errors import DrillbitError, InputError, ScenarioError
    from drills.reports import read_report
    from drills.runtimes.local.runtime import LocalRuntime
    from drills.scenario.loader import load_all, load_scenario, validate_paths
    from drills.scenario.model import Scenario
    from drills.scoring.score import Score, score
    from drills.timeline import DrillRecord
    from drills.world.spec import WorldSpec
    from drills.world.worlds import world_spec

_HOMES: Final = {
    "AutoResponder": "drills.engine.responder",
    "Drill": "drills.engine.runner",
    "DrillRecord": "drills.timeline",
    "DrillResult": "drills.engine.runner",
    "DrillSettings": "drills.engine.runner",
    "DrillbitError": "drills.errors",
    "InputError": "drills.errors",
    "LocalRuntime": "drills.runtimes.local.runtime",
    "Scenario": "drills.scenario.model",
    "ScenarioError": "drills.errors",
    "Score": "drills.scoring.score",
    "WorldSpec": "drills.world.spec",
    "load_all": "drills.scenario.loader",
    "load_scenario": "drills.scenario.loader",
    "read_report": "drills.reports",
    "world_spec": "drills.world.worlds",
    "run_drill": "drills.engine.runner",
    "score": "drills.scoring.score",
    "validate_paths": "drills.scenario.loader",
}

__all__ = [
    "AutoResponder",
    "Drill",
    "DrillRecord",
    "DrillResult",
    "DrillSettings",
    "DrillbitError",
    "InputError",
    "LocalRuntime",
    "Scenario",
    "ScenarioError",
    "Score",
    "WorldSpec",
    "load_all",
    "load_scenario",
    "read_report",
    "run_drill",
    "score",
    "validate_paths",
    "world_spec",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'drills' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
