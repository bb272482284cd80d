"""``drillbit doctor``'s check of the programs the runbooks call: which ones, where, and its verdict."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from drills.cli import doctor
from drills.cli.doctor import Call, console_commands, runbook_programs, shell_programs

ROOT = Path(__file__).parents[3]
RUNBOOK = """\
# Runbook: operations

```sh
curl -fsS "$APP_URL/api/v1/health" | jq .status
```

## Fix

```json
{"not": "a script"}
```

```bash
psql -c "SELECT 1
         FROM pg_stat_activity"
no-such-program-xyz --now && drillbit world status
```
"""


def _console() -> Console:
    return Console(file=io.StringIO(), width=200, color_system=None)


def _runbooks(tmp_path: Path, text: str) -> Path:
    directory = tmp_path / "runbooks"
    directory.mkdir()
    (directory / "ops.md").write_text(text)
    return directory


@pytest.mark.parametrize(
    ("code", "calls"),
    [
        ('curl -fsS "$APP_URL/metrics" | grep "^up"\n', [("curl", 1), ("grep", 1)]),
        ("a && b || c; d & e |& f\n", [("a", 1), ("b", 1), ("c", 1), ("d", 1), ("e", 1), ("f", 1)]),
        ("psql -c \"SELECT 1\n  FROM t WHERE a = 'x | y'\"\ncurl x\n", [("psql", 1), ("curl", 3)]),
        ("curl -X POST x \\\n  -H y \\\n  -d z\njq .\n", [("curl", 1), ("jq", 4)]),
        ("X=1 Y=$(hostname) jq . <in 2>&1 > out\n", [("hostname", 1), ("jq", 1)]),
        ('echo "$(date +%s) `uname`"; cd /tmp; export A=1\n', [("date", 1), ("uname", 1)]),
        ("if curl -s x; then redis-cli ping; else ! grep y z; fi\n", [("curl", 1), ("redis-cli", 1), ("grep", 1)]),
        ('for f in a b; do md5sum "$f"; done | sort\n', [("md5sum", 1), ("sort", 1)]),
        ("(cd /tmp && ls) | wc -l\n", [("ls", 1), ("wc", 1)]),
        ('case "$1" in\n  a) awk 1 ;;\nesac\n', [("awk", 2)]),
        ("cat <<'EOF' | yq\nnot: a command\nEOF\nsed q\n", [("cat", 1), ("yq", 1), ("sed", 4)]),
        ('# curl in a comment\n$TOOL x; "$(command -v psql)" -c 1; echo $((1 + 2))\n', []),
    ],
)
def test_shell_programs_finds_each_command_s_program(code: str, calls: list[tuple[str, int]]) -> None:
    assert shell_programs(code) == [Call(program, line) for program, line in calls]


def test_console_commands_keeps_the_prompted_lines_and_their_continuations() -> None:
    block = '$ curl -s x \\\n    -H y\n{"ok": true}\n$ jq .\n'
    assert console_commands(block) == "curl -s x \\\n    -H y\n\njq .\n"


def test_console_commands_reads_a_block_without_prompts_as_a_script() -> None:
    assert console_commands("curl x\n") == "curl x\n"


def test_runbook_programs_says_where_each_program_is_called(tmp_path: Path) -> None:
    assert runbook_programs(_runbooks(tmp_path, RUNBOOK)) == {
        "curl": ["ops.md:4"],
        "jq": ["ops.md:4"],
        "psql": ["ops.md:14"],
        "no-such-program-xyz": ["ops.md:16"],
        "drillbit": ["ops.md:16"],
    }


def test_doctor_runbook_report_fails_on_a_program_that_does_not_exist(tmp_path: Path) -> None:
    console = _console()

    ok = doctor.runbook_report(console, _runbooks(tmp_path, RUNBOOK))

    cells = [[cell.strip() for cell in line.split("│")[1:-1]] for line in console.file.getvalue().splitlines()]
    rows = {row[0]: (row[1], row[3]) for row in cells if len(row) == 4 and row[0] != "program"}
    assert (ok, rows) == (
        False,
        {
            "curl": ("ok", "ops.md:4"),
            "drillbit": ("ok", "ops.md:16"),
            "jq": ("ok", "ops.md:4"),
            "no-such-program-xyz": ("missing", "ops.md:16"),
            "psql": ("ok", "ops.md:14"),
        },
    )
    assert console.file.getvalue().splitlines()[-1] == (
        "not found on PATH: no-such-program-xyz. Hint: install them; a runbook step that calls one fails with exit "
        "code 127"
    )


def test_doctor_runbook_report_finds_psql_and_drillbit_on_a_step_s_path(tmp_path: Path) -> None:
    console = _console()
    directory = _runbooks(tmp_path, "# Ops\n\n```sh\npsql -c 'select 1'\nredis-cli ping\ndrillbit list\n```\n")

    assert doctor.runbook_report(console, directory) is True


def test_doctor_report_verdict_counts_the_runbooks_programs(tmp_path: Path) -> None:
    directory = _runbooks(tmp_path, "# Ops\n\n```sh\nno-such-program-xyz\n```\n")

    assert doctor.report(_console(), directory) is False


def test_doctor_finds_every_program_the_shipped_runbooks_call() -> None:
    console = _console()

    assert doctor.runbook_report(console, ROOT / "scenarios" / "runbooks") is True, console.file.getvalue()


def test_doctor_runbook_report_without_runbooks_says_so_and_does_not_fail(tmp_path: Path) -> None:
    console = _console()

    assert doctor.runbook_report(console, tmp_path / "nowhere") is True
    assert "no runbooks in" in console.file.getvalue()


def _engine_row(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, reason: str | None) -> tuple[bool, list[str]]:
    monkeypatch.setattr(doctor, "engine_answers", lambda: reason)
    console = _console()
    ok = doctor.report(console, _runbooks(tmp_path, "# Ops\n"))
    cells = next(line for line in console.file.getvalue().splitlines() if "docker engine" in line)
    return ok, [cell.strip() for cell in cells.strip("│ ").split("│")]


def test_doctor_says_a_docker_engine_answers(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert _engine_row(monkeypatch, tmp_path, None) == (
        True,
        ["docker engine", "ok", "answers", "`--runtime docker` can run worlds as containers"],
    )


def test_doctor_says_why_no_docker_engine_answers_and_still_passes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    reason = "no Docker engine answers at unix:///x.sock (no such file or directory): start one"

    assert _engine_row(monkeypatch, tmp_path, reason) == (True, ["docker engine", "none", "-", reason])


def _row_text(console_text: str, what: str) -> str:
    return next(line for line in console_text.splitlines() if what in line)


def test_doctor_says_how_many_postgres_templates_are_made(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(doctor, "engine_answers", lambda: None)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    runbooks = _runbooks(tmp_path, "# Ops\n")
    before, after = _console(), _console()

    doctor.report(before, runbooks)
    (tmp_path / "cache" / "drillbit" / "postgres-templates" / "cluster-0123").mkdir(parents=True)
    (tmp_path / "cache" / "drillbit" / "postgres-templates" / "cluster-0123.partial-ab12").mkdir()
    doctor.report(after, runbooks)

    assert "none yet: the first world makes one" in _row_text(before.file.getvalue(), "postgres templates")
    assert "1 made; each world copies one" in _row_text(after.file.getvalue(), "postgres templates")
