from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import get_args

import pytest

from drills.errors import ScenarioError, UnknownScenarioError
from drills.faults.kinds.data import DataFault
from drills.faults.kinds.process import ProcessFault
from drills.language.expect import Capture, Condition, HttpExpect, json_path_steps
from drills.probes.kinds.command import CommandProbe
from drills.probes.kinds.http import HttpProbe
from drills.probes.kinds.redis import RedisProbe
from drills.probes.kinds.sql import SqlProbe
from drills.probes.kinds.tcp import TcpProbe
from drills.scenario.kinds import Fault, Probe
from drills.scenario.loader import (
    WorldNames,
    display_path,
    find_scenario,
    load_all,
    load_scenario,
    runbook_script,
    validate_paths,
)
from drills.scenario.model import Monitor, Scenario, Severity
from drills.scenario.steps import AcknowledgeStep, HttpStep, RedeployStep, RedisStep, ShellStep, SqlStep, Step
from drills.timeline import ObjectiveTargets, ScenarioSummary
from drills.world.settings import SettingSpec
from drills.world.world_file import read_world_file
from drills.world.world_services import WorldFile
from drills.world.worlds import world_spec

HERE = Path(__file__).parent
DOCS = HERE.parents[2] / "docs" / "scenarios.md"
EXAMPLES = HERE / "scenario_examples"
BROKEN = HERE / "broken_scenarios"
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
_REFERENCE = WorldNames.of(world_spec().adding(world_spec("vouchers"), "messaging"))
"""The scheduled-reports world with the messaging provider: the catalog examples below are written against both."""
EXAMPLE_WORLD = replace(
    _REFERENCE,
    settings={
        **_REFERENCE.settings,
        "app": (*_REFERENCE.settings["app"], SettingSpec("REGRESSION_ROUTES"), SettingSpec("JWT_SECRETS", secret=True)),
    },
)
"""Two examples drill an app with more than the reference app has: a release's regression switch, JWT secrets."""
OUTSIDE = "a drill never touches anything outside its world"
AIM_HINT = "aim at the world's own services through references: {app.url}, or {app.host} and {app.port}"
DURATION_HINT = "durations are whole numbers with units d, h, m, s or ms, largest first, e.g. 250ms, 90s, 15m, 1h30m"

# Each broken file has one defect; this is the whole error it must give, after its path.
BROKEN_FILES = {
    "timeout_below_resolution": ":20: response[1].timeout: a timeout of 10s is shorter than the world clock can "
    "resolve at time scale 600: the world's processes notice scenario time in steps of 1m there\n"
    "Hint: give it 1m or more, or a finer time_scale",
    "bad_yaml": ":3: invalid YAML: mapping values are not allowed here",
    "empty": ":1: a scenario is a mapping of fields (id, title, severity, ...), but this file holds nothing",
    "missing_id": ":2: id: required but missing",
    "wrong_severity": ":4: severity: 'P0' is not one of 'P1', 'P2', 'P3' or 'P4'",
    "unknown_fault_kind": ":10: faults[0].kind: unknown kind 'earthquake'\n"
    "Hint: kinds here: config, data, deploy, network, process, provider, traffic",
    "missing_kind": ":8: steady_state[0].kind: required but missing\n"
    "Hint: kinds here: command, http, log, metric, redis, sql, tcp",
    "bad_duration": f":15: monitors[0].for: '1 minute' is not a duration; {DURATION_HINT}",
    "duration_without_unit": f":20: recovery.hold: 300 has no unit (300s? 300m?); {DURATION_HINT}",
    "unknown_field": ":14: monitors[0].fires_wen: unknown field\nHint: did you mean 'fires_when'?",
    "wrong_type": ":7: steady_state: should be a list, not a mapping\n"
    "Hint: write each item on its own line, starting with -",
    "number_for_text": ":10: faults[0].version: YAML reads this as 1.1, not as text\nHint: put it in quotes",
    "bad_reference": ":8: steady_state[0].url: unknown reference {app.uri}: a service offers "
    "{app.host}, {app.port}, {app.url}",
    "unknown_namespace": ":8: steady_state[0].url: unknown reference {ap.url}: 'ap' is not a service or one of "
    "app, mail, postgres, redis, scheduler, timetracking, toxiproxy, saved, secrets, settings, world\n"
    "Hint: did you mean {app.url}?",
    "missing_runbook_anchor": ":6: runbook: runbooks/minimal.md has no section #rollback\n"
    "Hint: one of: #minimal-runbook, #fix",
    "missing_runbook_file": ":6: runbook: runbook file runbooks/missing.md not found\n"
    f"Hint: looked for {BROKEN / 'runbooks' / 'missing.md'}",
    "runbook_block_not_shell": ":18: response[0].block: block 1 of #fix is a 'json' block, not a shell script\n"
    "Hint: mark the block ```bash or ```sh, or pick another block",
    "saved_before_defined": ":18: response[0].url: {saved.tenant} is used before any step saves it: "
    "response[1] saves it, later\nHint: save it in an earlier step",
    "saved_in_steady_state": ":8: steady_state[0].url: {saved.tenant} is used before any step saves it: "
    "this part of the scenario is checked before the response runs\n"
    "Hint: use saved values in response steps, recovery, or final invariants",
    "duplicate_key": ":21: recovery.hold: written twice in one mapping (first at line 20); only the last would count",
    "duplicate_fault_id": ":11: faults[1].id: duplicate fault id 'stop-scheduler': first used at line 10",
    "unknown_service": (
        ":10: faults[0].service: world scheduled-reports has no service named 'schedular'\n"
        "Hint: did you mean 'scheduler'? its services: app, mail, postgres, redis, scheduler, "
        "timetracking, toxiproxy"
    ),
    "unknown_monitor": ":18: response[0].monitor: there is no monitor named 'no-tick'\nHint: did you mean 'no-ticks'?",
    "incident_without_faults": ":2: faults: an incident needs faults (a planned drill says planned: true)",
    "bad_toxic_attribute": ":14: faults[0].attributes: a latency toxic has no attribute 'spread' "
    "(it has: latency, jitter)",
    "two_bodies": ":22: response[0].form: a request has one body: json and form were both given",
    "setting_out_of_range": ":9: world.settings.app.DB_POOL_SIZE: app cannot take DB_POOL_SIZE=0: DB_POOL_SIZE is a "
    "whole number, 1 or more",
    "unknown_hint_section": ":22: hint_cost.fixx: #fix has no hint named 'fixx'\nHint: did you mean 'Fix'?",
    "free_text_hints": ":21: hints: unknown field\nHint: hints are now the sections of the scenario's runbook "
    "entry, shown one at a time; to change what one costs, write hint_cost: {fix: 20}",
    "off_world_http_probe": ":8: steady_state[0].url: http://10.1.2.3:8000/api/v1/health is not a service of this "
    f"world (10.1.2.3 is not a loopback address); {OUTSIDE}\nHint: {AIM_HINT}",
    "off_world_tcp_probe": ":16: monitors[0].probe.host: scheduler.example.com:8080 is not a service of this world "
    f"(scheduler.example.com is not a loopback address); {OUTSIDE}\nHint: {AIM_HINT}",
    # The query, where a key would be, is not shown.
    "off_world_http_step": ":21: response[0].url: https://status.example.com/api/incidents?… is not a service of "
    f"this world (status.example.com is not a loopback address); {OUTSIDE}\nHint: {AIM_HINT}",
    "off_world_traffic": ":16: faults[0].requests[1].url: http://[2001:db8::1]:8000/api/v1/auth/sign-in is not a "
    f"service of this world (2001:db8::1 is not a loopback address); {OUTSIDE}\nHint: {AIM_HINT}",
}

VALID = """\
id: tiny
title: Tiny
severity: P4
description: A scenario with {braces.in} its prose, which is not checked.
runbook: runbooks/minimal.md#fix
steady_state: [{kind: tcp, host: "{app.host}", port: "{app.port}"}]
faults: [{id: stop-app, kind: process, service: app, action: stop}]
monitors: [{name: down, summary: App down, fires_when: fails, probe: {kind: tcp, host: localhost, port: 1}}]
response: []
recovery: {hold: 1m}
"""


def _write(directory: Path, name: str, text: str) -> Path:
    (directory / "runbooks").mkdir(exist_ok=True)
    (directory / "runbooks" / "minimal.md").write_text("## Fix\n\n```bash\necho fixed\n```\n")
    path = directory / name
    path.write_text(text)
    return path


def _kinds(union: object) -> set[str]:
    members = get_args(get_args(union)[0])
    return {get_args(member.model_fields["kind"].annotation)[0] for member in members}


def _probes(scenario: Scenario) -> list[Probe]:
    waits = [step.probe for step in scenario.response if step.kind == "wait_until"]
    monitors = [monitor.probe for monitor in scenario.monitors]
    invariants = [invariant.probe for invariant in scenario.invariants]
    return [*scenario.steady_state, *monitors, *scenario.recovery.checks, *invariants, *waits]


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda path: path.stem)
def test_load_scenario_reads_every_example(path: Path) -> None:
    assert load_scenario(path, world=EXAMPLE_WORLD).id == path.stem


def test_load_all_reads_every_example_in_file_order() -> None:
    assert [scenario.id for scenario in load_all(EXAMPLES, world=EXAMPLE_WORLD)] == [
        path.stem for path in EXAMPLE_FILES
    ]


def test_examples_use_every_fault_probe_and_step_kind() -> None:
    scenarios = load_all(EXAMPLES, world=EXAMPLE_WORLD)
    used = {
        "faults": {fault.kind for scenario in scenarios for fault in scenario.faults},
        "probes": {probe.kind for scenario in scenarios for probe in _probes(scenario)},
        "steps": {step.kind for scenario in scenarios for step in scenario.response},
    }
    assert used == {"faults": _kinds(Fault), "probes": _kinds(Probe), "steps": _kinds(Step)}


def test_load_scenario_builds_typed_faults_monitors_and_steps() -> None:
    scenario = load_scenario(EXAMPLES / "redis-down.yaml")
    assert (scenario.severity, scenario.faults, scenario.monitors, scenario.response) == (
        Severity.P2,
        (ProcessFault(id="stop-redis", kind="process", service="redis", action="stop"),),
        (
            Monitor.model_validate(
                {
                    "name": "cache-unreachable",
                    "summary": "Redis does not accept connections",
                    "fires_when": "fails",
                    "for": "30s",
                    "interval": "10s",
                    "probe": TcpProbe(kind="tcp", host="{redis.host}", port="{redis.port}"),
                }
            ),
        ),
        (
            AcknowledgeStep(kind="acknowledge", monitor="cache-unreachable"),
            RedeployStep(kind="redeploy", service="redis"),
            RedisStep.model_validate(
                {
                    "kind": "redis",
                    "name": "the blacklist is readable again",
                    "command": ["SCARD", "token:blacklist"],
                    "expect": {"reply": {"ge": 0}},
                    "save": {"blacklisted": "$"},
                }
            ),
        ),
    )


def test_load_scenario_fills_in_defaults() -> None:
    scenario = load_scenario(EXAMPLES / "redis-down.yaml")
    assert (scenario.steady_state[0], scenario.recovery.interval, scenario.world.time_scale) == (
        RedisProbe.model_validate({"kind": "redis", "command": ["PING"], "expect": {"reply": "PONG"}}),
        timedelta(seconds=10),
        1.0,
    )


def test_load_scenario_finds_the_runbook_from_the_scenario_directory() -> None:
    scenario = load_scenario(EXAMPLES / "redis-down.yaml")
    assert (scenario.runbook.path, scenario.runbook.anchor) == (EXAMPLES / "runbooks" / "platform.md", "redis-down")


def test_runbook_script_reads_the_code_block_a_step_names() -> None:
    scenario = load_scenario(EXAMPLES / "db-pool-exhausted.yaml")
    step = scenario.response[1]
    assert isinstance(step, ShellStep)
    assert runbook_script(scenario, step) == (
        'psql "$DATABASE_URL" -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity '
        "WHERE state = 'idle in transaction'\"\n"
    )


def test_load_scenario_does_not_check_braces_in_prose(tmp_path: Path) -> None:
    scenario = load_scenario(_write(tmp_path, "tiny.yaml", VALID))
    assert scenario.description == "A scenario with {braces.in} its prose, which is not checked."


@pytest.mark.parametrize(("name", "expected"), BROKEN_FILES.items(), ids=list(BROKEN_FILES))
def test_load_scenario_reports_the_defect_with_its_line(name: str, expected: str) -> None:
    path = BROKEN / f"{name}.yaml"
    with pytest.raises(ScenarioError, match=f"^{re.escape(str(path))}:") as caught:
        load_scenario(path)
    assert str(caught.value) == f"{path}{expected}"


def test_broken_scenarios_each_have_a_test() -> None:
    assert sorted(path.stem for path in BROKEN.glob("*.yaml")) == sorted(BROKEN_FILES)


def test_load_scenario_reports_the_first_problem_and_counts_the_others(tmp_path: Path) -> None:
    path = _write(tmp_path, "two.yaml", VALID.replace("severity: P4", "severity: P9").replace("1m", "1 min"))
    with pytest.raises(ScenarioError, match="severity") as caught:
        load_scenario(path)
    assert (caught.value.line, str(caught.value)) == (
        3,
        f"{path}:3: severity: 'P9' is not one of 'P1', 'P2', 'P3' or 'P4'\n"
        "Hint: 1 more problem(s): `drillbit validate` lists every one",
    )


def test_validate_paths_reports_every_problem_of_every_file(tmp_path: Path) -> None:
    many = VALID.replace("severity: P4", "severity: P9").replace("1m", "1 min").replace("{app.port}", "{app.pot}")
    paths = [_write(tmp_path, "a.yaml", many), _write(tmp_path, "b.yaml", VALID.replace("id: tiny", "id: Tiny"))]
    assert [(Path(error.path).name, error.line) for error in validate_paths(paths)] == [
        ("a.yaml", 3),
        ("a.yaml", 6),
        ("a.yaml", 10),
        ("b.yaml", 1),
    ]


def test_validate_paths_reads_a_directory_one_problem_per_broken_file() -> None:
    errors = validate_paths([BROKEN])
    assert sorted(Path(error.path).stem for error in errors) == sorted(BROKEN_FILES)


AIMED = """\
id: aimed
title: Aimed
severity: P4
description: Hosts written in every place a probe, a step or a request can name one.
runbook: runbooks/minimal.md#fix
steady_state:
  - {kind: http, url: "http://localhost:{app.port}/api/v1/health"}
  - {kind: tcp, host: "{app.host}", port: "{app.port}"}
faults:
  - {id: load, kind: traffic, count: 1, every: 1s, requests: [{url: "http://{app.host}:{app.port}/"}]}
monitors:
  - {name: slow, summary: Slow, probe: {kind: http, url: "http://[::1]:8000/"}}
response:
  - {kind: shell, shell: curl "$STATUS", env: {STATUS: "http://10.9.9.9/"}}
  - {kind: http, url: "{app.url}/api/v1/health"}
  - kind: wait_until
    probe: {kind: http, url: "http://10.0.0.1/ready"}
recovery:
  hold: 1m
  checks:
    - {kind: metric, url: "http://metrics.example.com/metrics", metric: up, expect: {value: 1}}
invariants:
  - {name: db, probe: {kind: tcp, host: 10.1.2.3, port: "{postgres.port}"}}
"""


def test_validate_refuses_only_written_hosts_that_are_not_loopback(tmp_path: Path) -> None:
    # A host a reference gives is checked when the drill runs; a program's environment is not a target.
    errors = validate_paths([_write(tmp_path, "aimed.yaml", AIMED)])
    refused = [str(error).split(": ", 1)[1].split(" is not ")[0] for error in errors]
    assert [(error.line, what) for error, what in zip(errors, refused, strict=True)] == [
        (17, "response[2].probe.url: http://10.0.0.1/ready"),
        (21, "recovery.checks[0].url: http://metrics.example.com/metrics"),
        (23, "invariants[0].probe.host: 10.1.2.3:{postgres.port}"),
    ]


SETTINGS = """\
id: settings
title: Settings
severity: P4
description: Settings set and unset on services, written out or given by references.
runbook: runbooks/minimal.md#fix
steady_state: [{kind: tcp, host: "{app.host}", port: "{app.port}"}]
world:
  settings:
    app: {DB_POOL_SIZ: 3, DB_POOL_TIMEOUT: "{settings.app.HTTP_TIMEOUT}", TENANT_COUNT: 5}
    postgres: {MAX_CONNECTIONS: 10}
  extra_services:
    scheduler-staging: {copy_of: scheduler, settings: {TICK_INTERVAL: "0", APP_URL: "{app.url}"}}
faults:
  - {id: stale, kind: config, service: scheduler, settings: {SCHEDULER_SECRET: ""}, unset: [CATCHUP]}
  - {id: release, kind: deploy, service: scheduler, version: "2.0"}
  - {id: release-app, kind: deploy, version: "2.0", settings: {HTTP_TIMEOUT: "-2"}}
monitors: [{name: down, summary: App down, fires_when: fails, probe: {kind: tcp, host: localhost, port: 1}}]
response:
  - {kind: redeploy, service: scheduler, settings: {CATCH_UP: "sometimes"}, unset: [TICK_INTERVAL, TICKS]}
recovery: {hold: 1m}
"""


def test_validate_refuses_settings_a_service_does_not_read_or_take(tmp_path: Path) -> None:
    errors = validate_paths([_write(tmp_path, "settings.yaml", SETTINGS)])
    assert [(error.line, str(error).split(": ", 1)[1].splitlines()[0]) for error in errors] == [
        (9, "world.settings.app.DB_POOL_SIZ: app does not read DB_POOL_SIZ"),
        (10, "world.settings.postgres.MAX_CONNECTIONS: postgres does not read MAX_CONNECTIONS"),
        (
            12,
            "world.extra_services.scheduler-staging.settings.TICK_INTERVAL: scheduler-staging cannot take "
            "TICK_INTERVAL=0: TICK_INTERVAL is a whole number, 1 or more",
        ),
        (
            14,
            "faults[0].settings.SCHEDULER_SECRET: scheduler cannot take SCHEDULER_SECRET: SCHEDULER_SECRET is text, "
            "not empty",
        ),
        (14, "faults[0].unset[0]: scheduler does not read CATCHUP"),
        (15, "faults[1].version: scheduler does not read APP_VERSION, which a version sets"),
        (16, "faults[2].settings.HTTP_TIMEOUT: app cannot take HTTP_TIMEOUT=-2: HTTP_TIMEOUT is a number, above 0"),
        (
            19,
            "response[0].settings.CATCH_UP: scheduler cannot take CATCH_UP=sometimes: CATCH_UP is true or false "
            "(or 1/0, yes/no, on/off)",
        ),
        (19, "response[0].unset[1]: scheduler does not read TICKS"),
    ]
    hints = [error.hint for error in errors]
    assert (hints[0].split("? ")[0], hints[1], hints[4].split("? ")[0]) == (  # type: ignore[union-attr]
        "did you mean 'DB_POOL_SIZE'",
        "postgres reads no setting",
        "did you mean 'CATCH_UP'",
    )


def test_validate_paths_reports_a_path_that_does_not_exist(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    assert [str(error) for error in validate_paths([missing])] == [f"{missing}: no such file or directory"]


def test_validate_paths_finds_nothing_wrong_with_the_examples() -> None:
    assert validate_paths([EXAMPLES], world=EXAMPLE_WORLD) == []


def test_load_all_refuses_two_scenarios_with_one_id() -> None:
    first, second = BROKEN / "duplicate_ids" / "first.yaml", BROKEN / "duplicate_ids" / "second.yaml"
    with pytest.raises(ScenarioError, match="already used") as caught:
        load_all(BROKEN / "duplicate_ids")
    assert str(caught.value) == (
        f"{second}:2: id: scenario id 'duplicated' is already used by {first}:2\nHint: give each its own id"
    )


def test_find_scenario_reads_only_the_file_with_that_id(tmp_path: Path) -> None:
    _write(tmp_path, "broken.yaml", "id: broken\ntitle: [")
    _write(tmp_path, "tiny.yaml", VALID)
    assert find_scenario(tmp_path, "tiny").title == "Tiny"


def test_find_scenario_suggests_the_closest_id() -> None:
    with pytest.raises(UnknownScenarioError, match="has the id") as caught:
        find_scenario(EXAMPLES, "redis-dwn")
    assert str(caught.value) == f"no scenario in {EXAMPLES} has the id 'redis-dwn'\nHint: did you mean redis-down?"


def test_find_scenario_refuses_an_id_two_files_share() -> None:
    with pytest.raises(ScenarioError, match="already used"):
        find_scenario(BROKEN / "duplicate_ids", "duplicated")


def test_condition_shorthand_means_equals() -> None:
    assert Condition.model_validate(200).operators() == {"eq": 200}


def test_condition_keeps_every_operator_written() -> None:
    assert Condition.model_validate({"gt": 0, "lt": 10, "in": [1, 2]}).operators() == {
        "gt": 0,
        "lt": 10,
        "in": (1, 2),
    }


def test_http_expect_accepts_any_status_below_400_by_default() -> None:
    assert HttpExpect().status.operators() == {"lt": 400}


@pytest.mark.parametrize(
    ("path", "steps"),
    [
        ("$", ()),
        ("$.checks.db.status", ("checks", "db", "status")),
        ("$.entries[0].id", ("entries", 0, "id")),
        ("$[-1]", (-1,)),
        ("$[\"odd key\"]['x']", ("odd key", "x")),
    ],
)
def test_json_path_steps_reads_keys_and_indexes(path: str, steps: tuple[str | int, ...]) -> None:
    assert json_path_steps(path) == steps


def test_capture_tells_a_json_path_from_a_regular_expression() -> None:
    assert [Capture.model_validate(text).kind for text in ("$.token", "token=(\\w+)")] == ["json_path", "regex"]


@pytest.mark.parametrize(
    ("action", "revert"), [("stop", "start"), ("kill", "start"), ("pause", "resume"), ("restart", None)]
)
def test_process_fault_knows_its_revert_action(action: str, revert: str | None) -> None:
    fault = ProcessFault.model_validate({"id": "f", "kind": "process", "service": "app", "action": action})
    assert fault.revert_action == revert


def test_display_path_writes_keys_and_indexes_as_a_reader_would() -> None:
    assert display_path(("steady_state", 0, "expect", "json", "$.status")) == 'steady_state[0].expect.json["$.status"]'


def test_http_probe_refuses_a_model_built_with_two_bodies() -> None:
    with pytest.raises(ValueError, match="a request has one body: body and json were both given"):
        HttpProbe.model_validate({"kind": "http", "url": "x", "body": "a", "json": {}})


def test_docs_full_example_loads(tmp_path: Path) -> None:
    example = re.search(r"```yaml\n(# scenarios/oauth-refresh-failing.yaml\n.*?)```", DOCS.read_text(), re.DOTALL)
    assert example is not None
    (tmp_path / "runbooks").mkdir()
    runbook = "## oauth-refresh-failing\n### Rotate the client secret\n```bash\ncurl -X POST x\n```\n"
    (tmp_path / "runbooks" / "reports.md").write_text(runbook)
    path = tmp_path / "oauth-refresh-failing.yaml"
    path.write_text(example.group(1))
    assert [step.kind for step in load_scenario(path).response] == ["acknowledge", "http", "shell", "http"]


def test_scenario_summary_is_what_a_drill_record_keeps() -> None:
    scenario = load_scenario(EXAMPLES / "oauth-refresh-failing.yaml")
    assert scenario.summary() == ScenarioSummary(
        id="oauth-refresh-failing",
        title="OAuth token refresh fails after the provider rotated the client secret",
        severity=Severity.P2,
        runbook="runbooks/reports.md#oauth-refresh-failing",
        description="One tenant's reports stop because its access token can no longer be refreshed.",
        impact="One tenant's scheduled reports were not sent for the length of the incident.",
        objectives=ObjectiveTargets(time_to_detect_s=900.0, time_to_recover_s=7200.0),
        invariants=("other tenants unaffected", "no report sent twice"),
        monitors=("token-refresh-failed", "refresh-errors-in-log"),
        response=(
            "step 1 (acknowledge)",
            "read the current secret from the provider's dashboard",
            "rotate the secret in the app",
            "reconnect the tenant",
            "step 5 (wait_until)",
        ),
        recovery_hold_s=900.0,
        root_cause="The provider rotated the client secret; the app kept the old one.",
    )


def test_scenario_monitor_severity_defaults_to_the_scenarios() -> None:
    scenario = load_scenario(EXAMPLES / "oauth-refresh-failing.yaml")
    assert [scenario.monitor_severity(monitor) for monitor in scenario.monitors] == [Severity.P2, Severity.P3]


def test_data_fault_runs_a_redis_command_and_its_revert() -> None:
    fault = DataFault.model_validate(
        {
            "id": "revoke",
            "kind": "data",
            "redis": ["SADD", "token:blacklist", 7],
            "revert_redis": ["SREM", "token:blacklist", 7],
        }
    )
    assert (fault.sql, fault.redis, fault.revert_redis) == (
        None,
        ("SADD", "token:blacklist", "7"),
        ("SREM", "token:blacklist", "7"),
    )


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({}, "a data fault runs sql or a redis command, one of the two"),
        ({"sql": "SELECT 1", "redis": ["PING"]}, "a data fault runs sql or a redis command, one of the two"),
        ({"redis": ["PING"], "hold_open": True}, "hold_open goes with sql, not with a redis command"),
    ],
)
def test_data_fault_refuses_a_mix_of_sql_and_redis(fields: dict[str, object], problem: str) -> None:
    with pytest.raises(ValueError, match=re.escape(problem)):
        DataFault.model_validate({"id": "f", "kind": "data", **fields})


def test_http_step_reads_as_the_probe_with_its_request_and_expectation() -> None:
    step = load_scenario(EXAMPLES / "oauth-refresh-failing.yaml").response[3]
    assert isinstance(step, HttpStep)
    assert step.as_probe() == HttpProbe.model_validate(
        {
            "kind": "http",
            "method": "POST",
            "url": "{app.url}/api/v1/admin/tenants/1/reconnect",
            "headers": {"Authorization": "Bearer {secrets.admin_api_key}"},
            "expect": {"status": 200},
        }
    )


def test_shell_step_from_the_runbook_reads_as_a_command_probe_of_its_block() -> None:
    scenario = load_scenario(EXAMPLES / "db-pool-exhausted.yaml")
    step = scenario.response[1]
    assert isinstance(step, ShellStep)
    assert step.as_probe(runbook_script(scenario, step)) == CommandProbe.model_validate(
        {"kind": "command", "shell": runbook_script(scenario, step), "env": {"DATABASE_URL": "{postgres.url}"}}
    )


def test_shell_step_from_the_runbook_needs_the_blocks_code() -> None:
    step = load_scenario(EXAMPLES / "db-pool-exhausted.yaml").response[1]
    assert isinstance(step, ShellStep)
    with pytest.raises(ValueError, match="this step's script is a runbook block: pass its code"):
        step.as_probe()


def test_sql_and_redis_steps_read_as_their_probes() -> None:
    pool, redis = load_scenario(EXAMPLES / "db-pool-exhausted.yaml"), load_scenario(EXAMPLES / "redis-down.yaml")
    sql_step, redis_step = pool.response[2], redis.response[2]
    assert isinstance(sql_step, SqlStep)
    assert isinstance(redis_step, RedisStep)
    assert (sql_step.as_probe(), redis_step.as_probe()) == (
        SqlProbe.model_validate(
            {
                "kind": "sql",
                "query": "SELECT count(*) FROM pg_stat_activity WHERE state = 'idle in transaction'",
                "expect": {"scalar": 0},
            }
        ),
        RedisProbe.model_validate(
            {"kind": "redis", "command": ["SCARD", "token:blacklist"], "expect": {"reply": {"ge": 0}}}
        ),
    )


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("response: []", "response: [1]", ":9: response[0]: should be a mapping of fields, not 1"),
        ("recovery: {hold: 1m}", "recovery: [1m]", ":10: recovery: should be a mapping of fields, not a list"),
        (
            "title: Tiny",
            "title: 2026-01-01",
            ":2: title: YAML reads this as the date 2026-01-01, not as text\nHint: put it in quotes",
        ),
    ],
)
def test_load_scenario_words_a_wrong_type_as_yaml_says_it(tmp_path: Path, old: str, new: str, expected: str) -> None:
    path = _write(tmp_path, "tiny.yaml", VALID.replace(old, new))
    with pytest.raises(ScenarioError, match=re.escape(str(path))) as caught:
        load_scenario(path)
    assert str(caught.value) == f"{path}{expected}"


def test_load_all_refuses_a_directory_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="is not a directory") as caught:
        load_all(tmp_path / "nowhere")
    assert str(caught.value) == f"{tmp_path / 'nowhere'}: is not a directory of scenario files"


def test_validate_paths_takes_paths_from_a_generator() -> None:
    errors = validate_paths(path for path in [BROKEN / "missing_id.yaml", BROKEN / "empty.yaml"])
    assert [(Path(error.path).name, error.line) for error in errors] == [("missing_id.yaml", 2), ("empty.yaml", 1)]


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        (
            '{kind: shell, runbook: "#fixx"}',
            ":9: response[0].runbook: runbooks/minimal.md has no section #fixx\nHint: did you mean #fix?",
        ),
        (
            '{kind: shell, runbook: "runbooks/other.md#fix"}',
            ":9: response[0].runbook: runbook file "
            "runbooks/other.md not found\nHint: looked for {directory}/runbooks/other.md",
        ),
        (
            '{kind: shell, runbook: "#fix", block: 2}',
            ":9: response[0].block: section #fix has 1 code block(s): "
            "there is no block 2\nHint: blocks are counted from 1, sub-sections included",
        ),
    ],
)
def test_load_scenario_checks_a_shell_steps_runbook_block(tmp_path: Path, step: str, expected: str) -> None:
    path = _write(tmp_path, "tiny.yaml", VALID.replace("response: []", f"response: [{step}]"))
    with pytest.raises(ScenarioError, match=re.escape(str(path))) as caught:
        load_scenario(path)
    assert str(caught.value) == f"{path}{expected}".replace("{directory}", str(tmp_path))


TWO_WORLDS = """\
x-drillbit:
  version: 1
  worlds: {shop: {}, blog: {}}
services:
  db:
    image: postgres:16-alpine
    expose: ["5432"]
    x-drillbit: {run: postgres}
  shop:
    build: .
    profiles: [shop]
    expose: ["8000"]
    x-drillbit:
      name: app
      run: {module: fakes.reports}
      settings:
        CART_SIZE: {type: int, min: 1}
  search:
    build: .
    profiles: [blog]
    expose: ["8000"]
    x-drillbit: {run: {module: fakes.portal}}
"""


def _two_worlds(tmp_path: Path) -> WorldFile:
    path = tmp_path / "worlds.yml"
    path.write_text(TWO_WORLDS)
    return read_world_file(path)


def test_a_scenario_is_checked_against_the_world_it_names(tmp_path: Path) -> None:
    worlds = _two_worlds(tmp_path)
    blog = VALID.replace("stop-app, kind: process, service: app", "stop-search, kind: process, service: search")
    path = _write(tmp_path, "blog.yaml", blog + "world:\n  product: blog\n  settings:\n    app: {CART_SIZE: '3'}\n")

    found = validate_paths([path], worlds=worlds)

    unknown = "'app' is not a service or one of db, search, saved, secrets, settings, world"
    assert [error.message.split(": ", 1)[1] for error in found] == [
        f"steady_state[0].host: unknown reference {{app.host}}: {unknown}",
        f"steady_state[0].port: unknown reference {{app.port}}: {unknown}",
        "world.settings.app: world blog has no service named 'app'",
    ]
    path.write_text(VALID + "world:\n  product: shop\n  settings:\n    app: {CART_SIZE: '3'}\n")
    assert validate_paths([path], worlds=worlds) == []
    assert load_scenario(path, worlds=worlds).world.product == "shop"


def test_a_scenario_naming_a_world_the_file_lacks_says_which_it_has(tmp_path: Path) -> None:
    worlds = _two_worlds(tmp_path)
    path = _write(tmp_path, "nowhere.yaml", VALID + "world:\n  product: shops\n")

    [error] = validate_paths([path], worlds=worlds)

    assert error.line == VALID.count("\n") + 2
    assert error.message.endswith(f"world.product: {worlds.path} has no world 'shops'; did you mean 'shop'?")
    assert error.hint == "its worlds are: shop, blog"
