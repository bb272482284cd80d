"""The deploy tool's actions on a world in memory: what they change, how they say it, and what they refuse."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from drills.deploy import actions
from drills.deploy.results import Backup, ServiceStatus, Settings
from drills.errors import DrillbitError, InputError, RedeployFailedError, ServiceStartError, UnknownNameError
from drills.world.settings import SettingSpec
from drills.world.spec import HealthCheck, HealthKind, ServiceKind, ServiceSpec, WorldSpec
from drills.world.worlds import world_spec
from tests.drills.deploy.deploy_fake_world import (
    ADMIN_API_KEY,
    DATABASE_URL,
    POSTGRES_PASSWORD,
    SCHEDULER_SECRET,
    FakeWorld,
)

SERVICES = "postgres, redis, toxiproxy, timetracking, mail, app, scheduler"
APP_SETTINGS = "ADMIN_API_KEY, DATABASE_URL, DB_POOL_SIZE, SCHEDULER_SECRET"
SETTING_NAME_HINT = "a setting name is capitals, digits and _, like DB_POOL_SIZE"


def test_show_settings_masks_secret_looking_keys_and_passwords_inside_other_values() -> None:
    assert actions.show_settings(FakeWorld(), "app") == Settings(
        "app",
        {
            "ADMIN_API_KEY": "***",
            "DATABASE_URL": "postgresql://postgres:***@127.0.0.1:5432/drillbit",
            "DB_POOL_SIZE": "3",
            "SCHEDULER_SECRET": "***",
        },
        revealed=False,
    )


def test_show_settings_reveal_gives_every_value() -> None:
    world = FakeWorld()
    assert actions.show_settings(world, "app", reveal=True) == Settings("app", world.configured["app"], revealed=True)


def test_status_names_every_service_with_credentials_masked() -> None:
    found = {service.name: service for service in actions.status(FakeWorld())}
    assert list(found) == SERVICES.split(", ")
    assert found["postgres"] == ServiceStatus(
        "postgres", True, True, "postgresql://postgres:***@127.0.0.1:5432/drillbit", "127.0.0.1:6432"
    )
    assert found["scheduler"] == ServiceStatus("scheduler", False, False, "", "")


def test_set_settings_copies_another_services_setting_and_redeploys() -> None:
    world = FakeWorld()
    change = actions.set_settings(world, "scheduler", {}, copy_from="app", copy_keys=["SCHEDULER_SECRET"])
    assert (change.action, world.redeploys) == ("world set scheduler SCHEDULER_SECRET (from app)", [])
    assert change() == "world set scheduler SCHEDULER_SECRET (from app): redeployed"
    assert world.redeploys == [("scheduler", {"SCHEDULER_SECRET": SCHEDULER_SECRET})]
    assert world.settings("scheduler")["SCHEDULER_SECRET"] == SCHEDULER_SECRET


def test_set_settings_says_values_but_never_a_secret() -> None:
    world = FakeWorld()
    values = {
        "DB_POOL_SIZE": "10",
        "ADMIN_API_KEY": "a-brand-new-key",
        "DATABASE_URL": f"postgresql://postgres:{POSTGRES_PASSWORD}@127.0.0.1:7000/drillbit",
    }
    line = actions.set_settings(world, "app", values)()
    assert line == (
        "world set app DB_POOL_SIZE=10 ADMIN_API_KEY=*** "
        "DATABASE_URL=postgresql://postgres:***@127.0.0.1:7000/drillbit: redeployed"
    )
    assert world.redeploys == [("app", values)]


def test_unset_settings_removes_them_and_redeploys() -> None:
    world = FakeWorld()
    line = actions.unset_settings(world, "app", ["DB_POOL_SIZE"])()
    assert line == "world unset app DB_POOL_SIZE: redeployed"
    assert world.redeploys == [("app", {"DB_POOL_SIZE": None})]
    assert world.settings("app") == {
        "ADMIN_API_KEY": ADMIN_API_KEY,
        "DATABASE_URL": DATABASE_URL,
        "SCHEDULER_SECRET": SCHEDULER_SECRET,
    }


APP_READS = ", ".join(world_spec().service("app").setting_names())
STARTS_NOT = ServiceStartError("app", "it exited", "app: DB_POOL_SIZE must be above 0", hint="its whole log is app.log")


@pytest.mark.parametrize(
    ("service", "values", "message"),
    [
        ("app", {"DB_POOL_SIZE": "-1"}, "app cannot take DB_POOL_SIZE=-1: DB_POOL_SIZE is a whole number, 1 or more"),
        ("app", {"DB_POOL_SIZE": "abc"}, "app cannot take DB_POOL_SIZE=abc: DB_POOL_SIZE is a whole number, 1 or more"),
        ("app", {"DB_POOL_TIMEOUT": "0"}, "app cannot take DB_POOL_TIMEOUT=0: DB_POOL_TIMEOUT is a number, above 0"),
        ("app", {"ADMIN_API_KEY": ""}, "app cannot take ADMIN_API_KEY=***: ADMIN_API_KEY is text, not empty"),
        (
            "scheduler",
            {"CATCH_UP": "maybe", "APP_URL": "localhost:8000"},
            "scheduler cannot take CATCH_UP=maybe: CATCH_UP is true or false (or 1/0, yes/no, on/off); "
            "scheduler cannot take APP_URL=localhost:8000: APP_URL is a URL like scheme://host:port/path, not empty",
        ),
    ],
    ids=["negative", "not-a-number", "not-above-zero", "empty-secret", "flag-and-url"],
)
def test_set_settings_refuses_a_value_the_service_does_not_take_before_anything_stops(
    service: str, values: dict[str, str], message: str
) -> None:
    world = FakeWorld()
    with pytest.raises(InputError) as refused:
        actions.set_settings(world, service, values)
    assert (type(refused.value), str(refused.value), world.redeploys) == (
        InputError,
        f"{message}\nHint: nothing was changed",
        [],
    )


def test_set_settings_refuses_a_setting_the_service_does_not_read_unless_forced() -> None:
    world = FakeWorld()
    with pytest.raises(UnknownNameError) as refused:
        actions.set_settings(world, "app", {"DB_POOL_SIZ": "3", "DRILL_NOTE": "x"})
    forced = actions.set_settings(world, "app", {"DRILL_NOTE": "x"}, force=True)()
    assert str(refused.value) == (
        "app does not read DB_POOL_SIZ, DRILL_NOTE\n"
        f"Hint: did you mean 'DB_POOL_SIZE'? app reads {APP_READS}; --force sets it anyway"
    )
    assert (forced, world.redeploys) == ("world set app DRILL_NOTE=x: redeployed", [("app", {"DRILL_NOTE": "x"})])


def test_set_settings_on_a_service_that_reads_nothing_says_so() -> None:
    with pytest.raises(UnknownNameError) as refused:
        actions.set_settings(FakeWorld(), "postgres", {"MAX_CONNECTIONS": "10"})
    assert str(refused.value) == (
        "postgres does not read MAX_CONNECTIONS\nHint: postgres reads no setting; --force sets it anyway"
    )


def test_unset_settings_keeps_a_setting_the_service_cannot_start_without_unless_forced() -> None:
    world = FakeWorld()
    with pytest.raises(InputError) as refused:
        actions.unset_settings(world, "app", ["DB_POOL_SIZE", "ADMIN_API_KEY"])
    assert (str(refused.value), world.redeploys) == (
        "app cannot start without ADMIN_API_KEY\n"
        "Hint: set another value with `drillbit world set`, or --force unsets it anyway",
        [],
    )
    actions.unset_settings(world, "app", ["ADMIN_API_KEY"], force=True)()
    assert world.redeploys == [("app", {"ADMIN_API_KEY": None})]


def test_a_redeploy_that_does_not_start_is_rolled_back_to_the_last_good_settings() -> None:
    world = FakeWorld(failures=[STARTS_NOT])
    change = actions.set_settings(world, "app", {"DB_POOL_SIZE": "7", "MAIL_FROM": "ops@drillbit.test"})
    with pytest.raises(RedeployFailedError) as failed:
        change()
    assert str(failed.value) == (
        "service 'app' did not start: it exited\n"
        "rolled back: app runs again with its last good settings\n"
        "--- last lines of app's log ---\n"
        "app: DB_POOL_SIZE must be above 0\n"
        "Hint: its whole log is app.log"
    )
    assert world.redeploys == [
        ("app", {"DB_POOL_SIZE": "7", "MAIL_FROM": "ops@drillbit.test"}),
        ("app", {"DB_POOL_SIZE": "3", "MAIL_FROM": None}),
    ]
    assert world.settings("app")["DB_POOL_SIZE"] == "3"
    assert "MAIL_FROM" not in world.settings("app")


def test_a_redeploy_whose_rollback_does_not_start_either_says_so() -> None:
    world = FakeWorld(fail_with=STARTS_NOT)
    with pytest.raises(RedeployFailedError) as failed:
        actions.unset_settings(world, "app", ["DB_POOL_SIZE"])()
    assert (failed.value.failure, failed.value.rollback, len(world.redeploys)) == (
        "service 'app' did not start: it exited",
        "rollback failed: service 'app' did not start: it exited",
        2,
    )


def test_a_redeploy_of_a_service_that_was_not_healthy_is_not_rolled_back() -> None:
    # A fault may have started it with bad settings: they are the responder's to fix, not the deploy tool's.
    world = FakeWorld(failures=[ServiceStartError("scheduler", "it exited")])
    with pytest.raises(RedeployFailedError) as failed:
        actions.set_settings(world, "scheduler", {"TICK_INTERVAL": "60"})()
    assert (failed.value.rollback, world.redeploys) == (
        "not rolled back: scheduler was not healthy before this change either, so it has no last good settings",
        [("scheduler", {"TICK_INTERVAL": "60"})],
    )


def test_show_settings_masks_a_declared_secret_whatever_its_name() -> None:
    signing = SettingSpec("SIGNING_MATERIAL", secret=True)
    spec = WorldSpec(
        services=(ServiceSpec("app", ServiceKind.PYTHON, HealthCheck(HealthKind.HTTP), settings=(signing,)),)
    )
    world = FakeWorld(spec=spec, configured={"app": {"SIGNING_MATERIAL": "very-private", "OTHER": "plain"}})
    assert actions.show_settings(world, "app").values == {"OTHER": "plain", "SIGNING_MATERIAL": "***"}


def test_restart_restarts_the_service() -> None:
    world = FakeWorld()
    assert (actions.restart(world, "app")(), world.restarts) == ("world restart app: restarted", ["app"])


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (
            lambda world: actions.set_settings(world, "schedular", {"A": "1"}),
            UnknownNameError("world world-fake has no service 'schedular'", hint=f"its services are: {SERVICES}"),
        ),
        (
            lambda world: actions.show_settings(world, "nope"),
            UnknownNameError("world world-fake has no service 'nope'", hint=f"its services are: {SERVICES}"),
        ),
        (
            lambda world: actions.set_settings(world, "scheduler", {}, copy_from="app", copy_keys=["SECRET"]),
            UnknownNameError("service 'app' has no setting SECRET", hint=f"its settings are: {APP_SETTINGS}"),
        ),
        (
            lambda world: actions.set_settings(world, "scheduler", {}, copy_from="appp", copy_keys=["SECRET"]),
            UnknownNameError("world world-fake has no service 'appp'", hint=f"its services are: {SERVICES}"),
        ),
        (
            lambda world: actions.unset_settings(world, "app", ["POOL", "DB_POOL_SIZE"]),
            UnknownNameError("service 'app' has no setting POOL", hint=f"its settings are: {APP_SETTINGS}"),
        ),
        (
            lambda world: actions.set_settings(world, "scheduler", {}, copy_keys=["SCHEDULER_SECRET"]),
            InputError(
                "no value given for SCHEDULER_SECRET",
                hint="write KEY=VALUE, or copy KEY from another service's settings with --from SERVICE",
            ),
        ),
        (
            lambda world: actions.set_settings(world, "app", {"DB-POOL": "3"}),
            InputError("'DB-POOL' is not a setting name", hint=SETTING_NAME_HINT),
        ),
        (
            lambda world: actions.set_settings(world, "app", {"db_pool_size": "3"}),
            InputError("'db_pool_size' is not a setting name", hint=SETTING_NAME_HINT),
        ),
        (
            lambda world: actions.set_settings(world, "app", {}),
            InputError("nothing to set", hint="name at least one KEY=VALUE (or KEY with --from SERVICE)"),
        ),
        (
            lambda world: actions.restart(world, "postgre"),
            UnknownNameError("world world-fake has no service 'postgre'", hint=f"its services are: {SERVICES}"),
        ),
    ],
)
def test_a_refused_action_says_what_exists_and_changes_nothing(
    make: Callable[[FakeWorld], object], error: DrillbitError
) -> None:
    world = FakeWorld()
    with pytest.raises(DrillbitError) as refused:
        make(world)
    assert (type(refused.value), str(refused.value)) == (type(error), str(error))
    assert (world.redeploys, world.restarts) == ([], [])


def test_backup_name_is_the_utc_time_to_the_second() -> None:
    moment = datetime(2026, 11, 23, 11, 15, 0, 250_000, tzinfo=timezone(timedelta(hours=1)))
    assert actions.backup_name(moment) == "20261123T101500Z"


@pytest.mark.parametrize("name", ["../etc", "a/b", ".hidden", "", "-rf", "x" * 101, "two words"])
def test_backup_refuses_a_name_that_is_not_a_plain_file_name(name: str, tmp_path: Path) -> None:
    with pytest.raises(InputError) as refused:
        actions.backup(FakeWorld(), tmp_path, name)
    assert str(refused.value) == (
        f"{name!r} is not a backup name\nHint: a backup name is letters, digits, '.', '_' and '-', starting with "
        "a letter or a digit, at most 100 characters"
    )


def _backup_file(directory: Path, name: str, minutes: int) -> None:
    path = directory / "backups" / f"{name}.dump"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(b"x" * minutes)
    moment = datetime(2026, 11, 23, 10, minutes, tzinfo=UTC).timestamp()
    os.utime(path, (moment, moment))


def test_list_backups_oldest_first(tmp_path: Path) -> None:
    _backup_file(tmp_path, "zeta", 1)
    _backup_file(tmp_path, "alpha", 2)
    assert actions.list_backups(tmp_path) == [
        Backup("zeta", str(tmp_path / "backups/zeta.dump"), 1, "2026-11-23T10:01:00+00:00"),
        Backup("alpha", str(tmp_path / "backups/alpha.dump"), 2, "2026-11-23T10:02:00+00:00"),
    ]


def test_backup_refuses_a_name_already_taken(tmp_path: Path) -> None:
    _backup_file(tmp_path, "before", 1)
    with pytest.raises(InputError) as refused:
        actions.backup(FakeWorld(), tmp_path, "before")
    assert str(refused.value) == "a backup named 'before' already exists\nHint: pick another name with --name NAME"


def test_restore_of_an_unknown_backup_names_the_backups_there_are(tmp_path: Path) -> None:
    _backup_file(tmp_path, "before", 1)
    _backup_file(tmp_path, "after", 2)
    with pytest.raises(UnknownNameError) as refused:
        actions.restore(FakeWorld(), tmp_path, "during")
    assert str(refused.value) == "world world-fake has no backup 'during'\nHint: its backups are: before, after"


def test_restore_without_any_backup_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(UnknownNameError) as refused:
        actions.restore(FakeWorld(), tmp_path, "during")
    assert str(refused.value) == (
        "world world-fake has no backup 'during'\nHint: make one with `drillbit world backup`"
    )
