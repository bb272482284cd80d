"""Issue 4's figures: each scenario's drill wall time (median of runs), `drillbit ci` for all of them, and
detection accuracy on a drill whose true detection moment is known. Loopback only; bounded in time.

    .venv/bin/python bench/drill_times.py [--runs 3] [--detection-runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from drills.engine.responder import AutoResponder
from drills.engine.runner import Drill, DrillResult, DrillSettings
from drills.runtimes.local.runtime import LocalRuntime
from drills.scenario.loader import load_all, load_scenario
from drills.scenario.model import Scenario

ROOT = Path(__file__).parents[1]
DETECTION = ROOT / "bench" / "scenarios" / "detection.yaml"


def drill(scenario: Scenario, reports: Path) -> tuple[float, DrillResult]:
    started = time.monotonic()
    result = Drill(scenario, DrillSettings(report_dir=reports), LocalRuntime()).run(AutoResponder)
    return time.monotonic() - started, result


def scenario_times(runs: int, reports: Path) -> None:
    for scenario in load_all(ROOT / "scenarios"):
        walls, verdicts = [], []
        for _ in range(runs):
            wall, result = drill(scenario, reports)
            walls.append(wall)
            verdicts.append("passed" if result.score.passed else result.score.outcome)
        print(
            f"{scenario.id:<28} median {statistics.median(walls):5.1f} s wall  "
            f"(runs: {', '.join(f'{w:.1f}' for w in walls)}; {', '.join(verdicts)})"
        )


def ci_time(reports: Path) -> None:
    started = time.monotonic()
    command = [sys.executable, "-m", "drills.cli", "ci", "--junit", str(reports / "junit.xml")]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, timeout=600, check=False)
    print(f"`drillbit ci`, every scenario:   {time.monotonic() - started:5.1f} s wall (exit {done.returncode})")


def detection_accuracy(runs: int, reports: Path) -> None:
    scenario = load_scenario(DETECTION)
    interval = scenario.monitors[0].interval.total_seconds() / scenario.world.time_scale
    errors = []
    for _ in range(runs):
        _, result = drill(scenario, reports)
        detected = result.score.metrics.time_to_detect_s
        if detected is None:
            raise SystemExit("the detection drill never detected its fault")
        errors.append(detected)
    bound = interval + 0.050
    worst = max(errors)
    verdict = "within" if worst <= bound else "OUTSIDE"
    print(
        f"detection accuracy: measured time to detect {min(errors) * 1000:.0f}-{worst * 1000:.0f} ms after a fault "
        f"whose true detection moment is 0 ms; bound one interval + 50 ms = {bound * 1000:.0f} ms: {verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--detection-runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="drillbit-bench-") as folder:
        reports = Path(folder)
        scenario_times(args.runs, reports)
        ci_time(reports)
        detection_accuracy(args.detection_runs, reports)


if __name__ == "__main__":
    main()
