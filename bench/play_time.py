"""How long a play of cron-secret-mismatch takes at the default time scale, when the responder loses no time;
and its times beside the automated runner's, drilled at the same time scale.

A scripted newcomer: takes the page at once, reads the first three hints, applies the fix with `drillbit world`
from a second process, and resolves. What it prints is the harness's share of the ten minutes a newcomer has:
the rest is theirs, for reading and thinking. Then the runner drills the same scenario at the play's time scale,
and both reports' times are printed with their resolution: both are on the world clock, which stands still while
the harness works, so they are comparable (docs/time.md). Usage: python bench/play_time.py [--seed N]
"""

from __future__ import annotations

import argparse
import json
import queue
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WAIT_SECONDS = 600.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=11)
    seed = parser.parse_args().seed
    reports = Path(tempfile.mkdtemp(prefix="play-bench-"))
    command = [sys.executable, "-m", "drills.cli", "play", "cron-secret-mismatch", "--seed", str(seed)]
    command += ["--responder", "bench", "--no-runner", "--report-dir", str(reports)]
    started = time.monotonic()
    play = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in play.stdout or ()], daemon=True).start()
    on_call, line = wait_for(lines, "You are on call: type help")
    world = line.split()[2]  # "The world NAME is up and steady..."
    marks = {"on call": on_call}
    marks["paged"] = wait_for(lines, "PAGE")[0]
    type_lines(play, "ack", "hint", "hint", "hint")
    fix = ["world", "set", "scheduler", "SCHEDULER_SECRET", "--from", "app", "--world", world]
    subprocess.run(
        [sys.executable, "-m", "drills.cli", *fix],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=60,
    )
    type_lines(play, "resolve")
    marks["fixed"] = time.monotonic()
    marks["recovered"] = wait_for(lines, "Recovered")[0]
    play.wait(timeout=WAIT_SECONDS)
    marks["score shown"] = time.monotonic()
    report = json.loads(next(reports.glob("*/report.json")).read_text())
    for name, at in marks.items():
        print(f"{name:<12} {at - started:6.1f} s after the command started")
    print(f"outcome {report['outcome']}, points {report['points']}, passed {report['passed']}")
    print(f"harness's share of a play: {(marks['score shown'] - started) / 60:.1f} min of the 10 min target")
    print(f"play   (scale {report['time_scale']:g}): {times(report)}")
    runner = Path(tempfile.mkdtemp(prefix="play-bench-runner-"))
    scale = f"{report['time_scale']:g}"
    command = [sys.executable, "-m", "drills.cli", "run", "cron-secret-mismatch", "--seed", str(seed)]
    subprocess.run([*command, "--time-scale", scale, "--report-dir", str(runner)], cwd=ROOT, capture_output=True)
    drilled = json.loads(next(runner.glob("*/report.json")).read_text())
    print(f"runner (scale {drilled['time_scale']:g}): {times(drilled)}")


def times(report: dict[str, object]) -> str:
    """The report's three times in scenario time, each with its resolution."""
    metrics = report["metrics"]
    assert isinstance(metrics, dict)
    shown = []
    for metric in ("detect", "acknowledge", "recover"):
        value, plus_minus = metrics[f"time_to_{metric}_scenario_s"], metrics[f"time_to_{metric}_resolution_s"]
        shown.append(f"{metric} " + ("never" if value is None else f"{value:.0f}s ± {plus_minus:.0f}s"))
    return ", ".join(shown)


def wait_for(lines: queue.Queue[str], needle: str) -> tuple[float, str]:
    """When the line holding ``needle`` came, and the line."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        line = lines.get(timeout=deadline - time.monotonic())
        if needle in line:
            return time.monotonic(), line
    raise SystemExit(f"{needle!r} never appeared")


def type_lines(play: subprocess.Popen[str], *typed: str) -> None:
    assert play.stdin is not None
    play.stdin.write("".join(f"{line}\n" for line in typed))
    play.stdin.flush()


if __name__ == "__main__":
    main()
