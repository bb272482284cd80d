"""Issue 11's figure: does `drillbit ci` give the same verdict every time, quiet and with a busy core beside it?

Runs `drillbit ci` (the shipped scenarios, their own time scales and objectives) `--quiet` times, then `--busy`
times with a process spinning on one core. Prints every run's verdicts, then for each scenario and metric the
spread of its scenario times across runs beside the resolution each run reported: the figure is stable when
every run is green and every spread stays within its resolution.

    .venv/bin/python bench/verdict_stability.py [--quiet 20] [--busy 10] [--jobs 1]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DRILLBIT = Path(sys.executable).with_name("drillbit")
METRICS = ("time_to_detect", "time_to_acknowledge", "time_to_recover")
RUN_TIMEOUT_SECONDS = 1800


def spin(stop: multiprocessing.synchronize.Event) -> None:  # type: ignore[name-defined]
    """A busy core: what a neighbour's build does to a shared CI machine."""
    while not stop.is_set():
        sum(range(10_000))


def one_ci(jobs: int) -> tuple[bool, list[dict[str, object]], float]:
    """Whether `drillbit ci` exited 0, every report it wrote, and how long it took."""
    with tempfile.TemporaryDirectory(prefix="drillbit-stability-") as folder:
        started = time.perf_counter()
        done = subprocess.run(
            [str(DRILLBIT), "ci", "--jobs", str(jobs), "--report-dir", folder, "--junit", f"{folder}/junit.xml"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT_SECONDS,
            check=False,
        )
        took = time.perf_counter() - started
        reports = [json.loads(path.read_text()) for path in sorted(Path(folder).glob("*/report.json"))]
    return done.returncode == 0, reports, took


def runs(count: int, jobs: int, busy: bool) -> list[tuple[bool, list[dict[str, object]], float]]:
    stop = multiprocessing.Event()
    spinner = multiprocessing.Process(target=spin, args=(stop,), daemon=True) if busy else None
    if spinner is not None:
        spinner.start()
    try:
        results = []
        for index in range(count):
            green, reports, took = one_ci(jobs)
            verdicts = ", ".join(f"{r['scenario']['id']}={'pass' if r['passed'] else 'FAIL'}" for r in reports)  # type: ignore[index]
            state = "green" if green else "RED"
            print(f"{'busy' if busy else 'quiet'} run {index + 1}: {state} in {took:.0f}s: {verdicts}")
            results.append((green, reports, took))
        return results
    finally:
        stop.set()
        if spinner is not None:
            spinner.join(5)


def spreads(results: list[tuple[bool, list[dict[str, object]], float]]) -> None:
    times: dict[tuple[str, str], list[float]] = defaultdict(list)
    widest: dict[tuple[str, str], float] = defaultdict(float)
    for _, reports, _ in results:
        for report in reports:
            scenario = report["scenario"]["id"]  # type: ignore[index]
            metrics = report["metrics"]
            for metric in METRICS:
                value = metrics[f"{metric}_scenario_s"]  # type: ignore[index]
                resolution = metrics[f"{metric}_resolution_s"]  # type: ignore[index]
                if value is not None:
                    times[(scenario, metric)].append(float(value))
                    widest[(scenario, metric)] = max(widest[(scenario, metric)], float(resolution or 0.0))
    for (scenario, metric), values in sorted(times.items()):
        spread = max(values) - min(values)
        # Two runs each within ± r of the truth can differ by up to 2r.
        verdict = "within" if spread <= 2 * widest[(scenario, metric)] else "OUTSIDE"
        print(
            f"{scenario:<24} {metric:<20} {min(values):8.0f}s .. {max(values):8.0f}s  spread {spread:6.0f}s  "
            f"resolution ± {widest[(scenario, metric)]:.0f}s  {verdict}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quiet", type=int, default=20)
    parser.add_argument("--busy", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=1)
    options = parser.parse_args()
    results = runs(options.quiet, options.jobs, busy=False) + runs(options.busy, options.jobs, busy=True)
    green = sum(1 for ok, _, _ in results if ok)
    print(
        f"green: {green} of {len(results)} runs; median run {sorted(t for _, _, t in results)[len(results) // 2]:.0f}s"
    )
    spreads(results)


if __name__ == "__main__":
    main()
