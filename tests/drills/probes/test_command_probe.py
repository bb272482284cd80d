"""Command probes: real programs run with the world's environment and tools."""

from __future__ import annotations

from pathlib import Path

import pytest

from drills.probes import Evaluator, ProbeLimits, ProbeResult, evaluate
from drills.probes.command import missing_programs
from drills.world.binaries import companion, find_redis
from drills.world.context import DrillContext
from tests.drills.probes.probe_world import make_probe


def test_command_probe_runs_argv_with_references_resolved(context: DrillContext) -> None:
    url = context.world.endpoints["app"].url
    probe = make_probe({"kind": "command", "argv": ["echo", "{app.url}/api/v1/health"]})
    assert evaluate(probe, context) == ProbeResult(
        held=True,
        detail=f"exit code 0, output '{url}/api/v1/health'",
        value={"exit_code": 0, "output": f"{url}/api/v1/health\n"},
        output=f"{url}/api/v1/health\n",
    )


def test_command_probe_shell_sees_the_world_environment(context: DrillContext) -> None:
    probe = make_probe({"kind": "command", "shell": 'echo "$APP_URL $PGDATABASE $PGUSER"'})
    assert evaluate(probe, context).output == f"{context.world.endpoints['app'].url} drillbit postgres\n"


def test_command_probe_does_not_pass_on_the_harness_environment(
    context: DrillContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PGHOST", "db.production.example")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "real-cloud-key")
    probe = make_probe({"kind": "command", "shell": 'echo "$PGHOST/${AWS_SECRET_ACCESS_KEY:-none}"'})
    assert evaluate(probe, context).output == f"{context.world.endpoints['postgres'].host}/none\n"


def test_command_probe_can_use_psql_against_the_world(context: DrillContext) -> None:
    probe = make_probe({"kind": "command", "shell": 'psql -At -c "SELECT 6 * 7"', "expect": {"output_contains": "42"}})
    result = evaluate(probe, context)
    assert (result.held, result.output) == (True, "42\n")


def test_command_probe_finds_the_world_s_redis_cli(context: DrillContext) -> None:
    redis_cli = companion(find_redis(), "redis-cli")
    assert evaluate(make_probe({"kind": "command", "shell": "command -v redis-cli"}), context).output == (
        f"{redis_cli}\n"
    )


def test_command_probe_can_use_redis_cli_with_the_world_s_url(context: DrillContext) -> None:
    probe = make_probe({"kind": "command", "shell": 'redis-cli --no-auth-warning -u "$REDIS_URL" PING'})
    assert evaluate(probe, context).output == "PONG\n"


def test_command_probe_says_the_exit_code_and_the_last_output(context: DrillContext) -> None:
    probe = make_probe({"kind": "command", "shell": "echo checking; echo 'db: refused' >&2; exit 3"})
    assert evaluate(probe, context) == ProbeResult(
        held=False,
        detail="exit code: expected 0, got 3; last output 'db: refused'",
        value={"exit_code": 3, "output": "checking\ndb: refused\n"},
        output="checking\ndb: refused\n",
    )


def test_command_probe_checks_what_the_output_contains(context: DrillContext) -> None:
    context.save("tenant", "acme")
    probe = make_probe({"kind": "command", "argv": ["echo", "globex"], "expect": {"output_contains": "{saved.tenant}"}})
    assert evaluate(probe, context).detail == "expected the output to contain 'acme'; last output 'globex'"


def test_command_probe_passes_its_own_env_resolved(context: DrillContext) -> None:
    probe = make_probe(
        {
            "kind": "command",
            "shell": 'test "$TOKEN" = "$ADMIN_API_KEY"',
            "env": {"TOKEN": "{secrets.admin_api_key}"},
        }
    )
    assert evaluate(probe, context).held is True


def test_command_probe_runs_in_the_scenario_directory(context: DrillContext) -> None:
    (context.scenario_dir / "note.txt").write_text("from the scenario\n")
    assert evaluate(make_probe({"kind": "command", "argv": ["cat", "note.txt"]}), context).output == (
        "from the scenario\n"
    )


def test_command_probe_json_output_can_be_read_by_path(context: DrillContext) -> None:
    result = evaluate(make_probe({"kind": "command", "shell": """echo '{"runs": 3}'"""}), context)
    assert result.parsed == {"runs": 3}


def test_command_probe_never_shows_a_secret_in_its_detail(context: DrillContext) -> None:
    result = evaluate(make_probe({"kind": "command", "shell": 'echo "$ADMIN_API_KEY"'}), context)
    assert (result.detail, result.output) == ("exit code 0, output '***'", f"{context.secrets()['admin_api_key']}\n")


def test_command_probe_kills_a_whole_pipeline_at_its_limit(wall_context: DrillContext) -> None:
    # Were the pipeline left running, the probe would wait on its pipe past the test's own timeout and fail it.
    probe = make_probe({"kind": "command", "shell": "echo started; sleep 600 | cat"})
    result = Evaluator(ProbeLimits(command_s=0.3)).evaluate(probe, wall_context)
    assert (result.held, result.detail, result.value) == (
        False,
        "still running after 0.3s, killed; last output 'started'",
        {"exit_code": None, "output": "started\n"},
    )


def test_command_probe_that_cannot_start_does_not_hold(context: DrillContext, tmp_path: Path) -> None:
    missing = str(tmp_path / "no-such-tool")
    assert evaluate(make_probe({"kind": "command", "argv": [missing]}), context) == ProbeResult(
        held=False, detail=f"cannot run '{missing}': [Errno 2] No such file or directory: '{missing}'"
    )


def test_command_probe_names_the_program_a_shell_could_not_find(context: DrillContext) -> None:
    # A pipeline's exit code is its last command's: here the missing one's, 127.
    result = evaluate(make_probe({"kind": "command", "shell": "cat /dev/null | no-such-program-xyz"}), context)
    said = result.output.strip()  # the shell's own words: `sh: 1: no-such-program-xyz: not found` from dash
    assert (result.held, result.detail) == (
        False,
        "exit code: expected 0, got 127: no-such-program-xyz was not found on PATH (drillbit doctor lists what the "
        f"runbooks need); last output {said!r}",
    )


def test_command_probe_names_a_missing_program_whatever_the_exit_code(context: DrillContext) -> None:
    probe = make_probe({"kind": "command", "shell": "bash -c 'no-such-program-xyz; echo carried on; exit 3'"})
    assert evaluate(probe, context).detail == (
        "exit code: expected 0, got 3: no-such-program-xyz was not found on PATH (drillbit doctor lists what the "
        "runbooks need); last output 'carried on'"
    )


def test_command_probe_says_what_127_usually_means_when_no_shell_named_the_program(context: DrillContext) -> None:
    probe = make_probe({"kind": "command", "shell": "exit 127"})
    assert evaluate(probe, context).detail == (
        "exit code: expected 0, got 127 (what a shell answers when it cannot find a program)"
    )


@pytest.mark.parametrize(
    ("output", "names"),
    [
        ("bash: jq: command not found\n", ["jq"]),
        ("bash: line 2: jq: command not found\n", ["jq"]),
        ("/tmp/step.sh: line 7: yq: command not found\n", ["yq"]),
        ("sh: 1: jq: not found\nsh: 3: /opt/tool: not found\n", ["jq", "/opt/tool"]),
        ("zsh: command not found: jq\n", ["jq"]),
        ("sh: 1: jq: not found\nsh: 2: jq: not found\n", ["jq"]),
        ('{"error": "not found"}\ncurl: (22) The requested URL returned error: 404\n', []),
    ],
)
def test_missing_programs_reads_each_shell_s_line(output: str, names: list[str]) -> None:
    assert missing_programs(output) == names
