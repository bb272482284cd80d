"""`drillbit play` driven through its standard input, as a person at the terminal would drive it.

Each test runs the real command on a real world at a high time scale; the "person" is this test, typing lines,
reading the terminal's output, and fixing the world with `drillbit world` from a second process.
"""

from __future__ import annotations

import json
import os
import pty
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.world

ROOT = Path(__file__).parents[3]
WAIT_SECONDS = 60.0


class Player:
    """The play command in a subprocess; output lines collected on a thread, so every wait is bounded."""

    def __init__(self, args: list[str], home: Path) -> None:
        self.env = {**os.environ, "COLUMNS": "160", "DRILLBIT_HOME": str(home)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "drills.cli", "play", *args],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=self.env,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for(self, needle: str) -> str:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            self.seen.append(line)
            if needle in line:
                return line
        raise AssertionError(f"{needle!r} never appeared in:\n{''.join(self.seen)}")

    def type(self, *lines: str) -> None:
        assert self.process.stdin is not None
        for line in lines:
            self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def close_input(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()

    def finish(self) -> int:
        code = self.process.wait(timeout=WAIT_SECONDS)
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return code

    def output(self) -> str:
        return "".join(self.seen)

    def drillbit(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Another terminal: a drillbit command against the running world."""
        return subprocess.run(
            [sys.executable, "-m", "drills.cli", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=WAIT_SECONDS,
            check=False,
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.reader.join(timeout=10)
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None and not pipe.closed:
                pipe.close()


@pytest.fixture
def play(drillbit_home: Path, tmp_path: Path) -> Iterator[Any]:
    started: list[Player] = []

    def start(*args: str) -> Player:
        runner = [] if "--runner" in args else ["--no-runner"]
        player = Player([*args, *runner, "--report-dir", str(tmp_path)], drillbit_home)
        started.append(player)
        return player

    yield start
    for player in started:
        player.stop()


def _reports(directory: Path, kind: str) -> list[dict[str, Any]]:
    found = [json.loads(path.read_text()) for path in sorted(directory.glob("*/report.json"))]
    return [report for report in found if report["responder"]["kind"] == kind]


def _report(directory: Path) -> dict[str, Any]:
    [report] = _reports(directory, "person")
    return report


def _events(report: dict[str, Any], kind: str, source: str | None = None) -> list[dict[str, Any]]:
    return [e for e in report["timeline"] if e["kind"] == kind and (source is None or e["source"] == source)]


def _worlds_left(home: Path) -> list[str]:
    root = home / "worlds"
    return sorted(path.name for path in root.iterdir()) if root.exists() else []


def test_a_responder_acks_takes_a_hint_fixes_with_the_deploy_tool_and_resolves(
    play: Any, drillbit_home: Path, tmp_path: Path
) -> None:
    # A day's limit (two and a half wall minutes): a busy machine must not end the play before the fix has held.
    player = play(
        "cron-secret-mismatch",
        "--responder",
        "alice",
        "--seed",
        "7",
        "--time-scale",
        "600",
        "--time-limit",
        "24h",
        "--runner",
    )
    player.wait_for("You are on call: type help")
    player.type("status", "ack")
    player.wait_for("Nothing has paged yet")
    player.wait_for("PAGE")
    player.type("ack", "hint", "note the scheduler's ticks answer 403", "!echo db is on port $PGPORT")
    player.wait_for("hint 1 of 4")
    player.wait_for("db is on port")
    fixed = player.drillbit("world", "set", "scheduler", "SCHEDULER_SECRET", "--from", "app")
    player.type("resolve")
    code = player.finish()
    report = _report(tmp_path)
    typed = [event["message"] for event in _events(report, "command", "responder:alice")]
    deployed = [event["message"] for event in _events(report, "command", "deploy-tool")]
    assert (fixed.returncode, code in (0, 1), report["responder"], report["outcome"]) == (
        0,
        True,
        {"kind": "person", "name": "alice"},
        "recovered",
    ), player.output() + fixed.stderr
    assert typed == [
        "status",
        "ack",
        "ack",
        "hint",
        "note the scheduler's ticks answer 403",
        "!echo db is on port $PGPORT",
        "resolve",
    ]
    assert [len(deployed), "SCHEDULER_SECRET" in deployed[0]] == [1, True]
    assert [e["message"] for e in _events(report, "note", "responder:alice")] == ["the scheduler's ticks answer 403"]
    assert [(e["data"]["hint"], e["data"]["cost"]) for e in _events(report, "hint_taken")] == [
        ("How it is noticed", 10)
    ]
    assert [len(_events(report, "acknowledged")), [r["ok"] for r in report["reverts"]]] == [1, [True]]
    assert "drill over: your score" in player.output()
    assert "against 0 earlier attempt(s) and the automated runner" in player.output()
    assert [r["scenario"]["id"] for r in _reports(tmp_path, "auto")] == ["cron-secret-mismatch"]
    assert _worlds_left(drillbit_home) == []


def test_a_second_attempt_is_compared_with_the_first(play: Any, tmp_path: Path) -> None:
    for seed in ("5", "6"):
        player = play("cron-secret-mismatch", "--responder", "carol", "--seed", seed, "--time-scale", "600")
        player.wait_for("PAGE")
        player.type("ack", "abort")
        player.finish()
    assert "against 1 earlier attempt(s)" in player.output(), player.output()


def test_a_responder_who_gives_up_ends_the_drill_aborted_and_reverted(
    play: Any, drillbit_home: Path, tmp_path: Path
) -> None:
    player = play("cron-secret-mismatch", "--responder", "bob", "--seed", "3", "--time-scale", "600")
    player.wait_for("PAGE")
    player.type("escalate L2 I do not know this system", "abort")
    code = player.finish()
    report = _report(tmp_path)
    escalations = [(e["data"]["level"], e["message"]) for e in _events(report, "escalated")]
    assert (code, report["outcome"], report["points"], escalations) == (
        1,
        "aborted",
        0,
        [("L2", "I do not know this system")],
    ), player.output()
    assert [r["ok"] for r in report["reverts"]] == [True]
    assert "the drill was aborted: the responder gave up" in report["reasons"]
    assert (tmp_path / next(tmp_path.iterdir()).name / "report.md").exists()
    assert _worlds_left(drillbit_home) == []


def test_closed_input_ends_the_play_as_an_abort(play: Any, drillbit_home: Path, tmp_path: Path) -> None:
    player = play("cron-secret-mismatch", "--seed", "1", "--time-scale", "600")
    player.wait_for("You are on call: type help")
    player.close_input()
    code = player.finish()
    report = _report(tmp_path)
    aborted = [e["message"] for e in _events(report, "drill_aborted")]
    assert (code, report["outcome"], aborted, _worlds_left(drillbit_home)) == (
        1,
        "aborted",
        ["the responder's input closed"],
        [],
    ), player.output()


def test_the_time_limit_ends_an_unrecovered_play(play: Any, tmp_path: Path) -> None:
    player = play("cron-secret-mismatch", "--seed", "2", "--time-scale", "600", "--time-limit", "40m")
    player.wait_for("You are on call: type help")
    code = player.finish()
    report = _report(tmp_path)
    limits = [e["message"] for e in _events(report, "recovery_checked") if "time limit" in e["message"]]
    assert (code, report["outcome"], limits) == (
        1,
        "not_recovered",
        ["not recovered within the play's time limit (40m)"],
    ), player.output()


def test_the_briefing_gives_no_spoiler(play: Any) -> None:
    player = play("cron-secret-mismatch", "--seed", "4", "--time-scale", "600")
    player.wait_for("You are on call: type help")
    player.type("abort")
    player.finish()
    briefing = player.output().split("bringing the world up")[0]
    assert [word in briefing for word in ("secret", "scheduler's shared", "403", "cron-secret-mismatch")] == [
        False,
        False,
        False,
        False,
    ]
    assert "drillbit shell" in briefing
    assert "You are on call for the scheduled-reports world (Scheduled-report service" in briefing


def test_a_terminal_gets_a_prompt_and_its_typed_lines(drillbit_home: Path, tmp_path: Path) -> None:
    """Standard input on a pseudo-terminal, as a person at a real terminal has it."""
    controller, terminal = pty.openpty()
    command = [sys.executable, "-m", "drills.cli", "play", "cron-secret-mismatch", "--time-scale", "600"]
    command += ["--seed", "8", "--no-runner", "--report-dir", str(tmp_path)]
    env = {**os.environ, "COLUMNS": "160", "DRILLBIT_HOME": str(drillbit_home)}
    try:
        done = subprocess.Popen(command, cwd=ROOT, stdin=terminal, stdout=subprocess.PIPE, text=True, env=env)
        os.write(controller, b"status\nabort\n")
        output, _ = done.communicate(timeout=WAIT_SECONDS)
    finally:
        os.close(terminal)
        os.close(controller)
    typed = [e["message"] for e in _events(_report(tmp_path), "command")]
    assert (done.returncode, "play> " in output, typed) == (1, True, ["status", "abort"]), output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no-such-scenario"], "no scenario in scenarios has the id 'no-such-scenario'"),
        (["cron-secret-mismatch", "--time-limit", "90"], "--time-limit: '90' has no unit"),
        (["cron-secret-mismatch", "--time-scale", "-1"], "--time-scale must be positive"),
        (["cron-secret-mismatch", "--no-such-option"], "No such option: --no-such-option"),
        ([], "Missing argument"),
    ],
)
def test_bad_play_arguments_are_a_clear_error(args: list[str], message: str, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "drills.cli", "play", *args, "--report-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=WAIT_SECONDS,
        check=False,
    )
    assert (done.returncode, message in done.stderr, "Traceback" in done.stderr) == (2, True, False), done.stderr
