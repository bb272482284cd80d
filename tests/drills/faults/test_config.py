"""Config faults: a service redeployed with changed or missing settings, and redeployed back."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from drills.faults import RevertOutcome, inject
from drills.runtimes.local.world import LocalWorld
from drills.scenario.kinds import Fault
from drills.world.context import DrillContext

pytestmark = pytest.mark.world

MakeFault = Callable[..., Fault]
SendMail = Callable[[str], int]


def test_config_fault_changed_secret_is_refused_until_reverted(
    send_mail: SendMail, world: LocalWorld, context: DrillContext, make_fault: MakeFault
) -> None:
    original = dict(world.settings("mail"))
    fault = make_fault(id="mail-key", kind="config", service="mail", settings={"MAIL_API_KEY": "mk_typo"})
    active = inject(fault, context)
    during = (send_mail(world.secrets["mail_api_key"]), send_mail("mk_typo"))
    active.revert()
    assert (during, send_mail(world.secrets["mail_api_key"]), dict(world.settings("mail"))) == (
        (401, 202),
        202,
        original,
    )


def test_config_fault_revert_removes_added_settings_and_restores_unset_ones(
    world: LocalWorld, context: DrillContext, make_fault: MakeFault
) -> None:
    original = dict(world.settings("mail"))
    fault = make_fault(
        id="mail-reconfigured", kind="config", service="mail", settings={"EXTRA_FLAG": "1"}, unset=["DRILLBIT_SEED"]
    )
    active = inject(fault, context)
    during = dict(world.settings("mail"))
    active.revert()
    changed = {key: during.get(key) for key in ("EXTRA_FLAG", "DRILLBIT_SEED")}
    assert (changed, dict(world.settings("mail"))) == ({"EXTRA_FLAG": "1", "DRILLBIT_SEED": None}, original)


def test_config_fault_resolves_references_in_settings(
    send_mail: SendMail, world: LocalWorld, context: DrillContext, make_fault: MakeFault
) -> None:
    fault = make_fault(
        id="mail-key", kind="config", service="mail", settings={"MAIL_API_KEY": "{secrets.admin_api_key}"}
    )
    active = inject(fault, context)
    during = send_mail(world.secrets["admin_api_key"])
    active.revert()
    assert (during, active.describe()) == (202, "mail redeployed with MAIL_API_KEY changed")


def test_config_fault_service_that_does_not_come_up_is_started_by_revert(
    world: LocalWorld, context: DrillContext, make_fault: MakeFault
) -> None:
    active = inject(make_fault(id="mail-broken", kind="config", service="mail", unset=["MAIL_API_KEY"]), context)
    during = (world.healthy("mail"), active.describe())
    active.revert()
    assert (during, world.healthy("mail")) == (
        (False, "mail redeployed with MAIL_API_KEY unset; it did not come up: service 'mail' did not start: it exited"),
        True,
    )


def test_config_fault_revert_after_a_responder_redeployed_does_nothing(
    world: LocalWorld, context: DrillContext, make_fault: MakeFault
) -> None:
    key = world.secrets["mail_api_key"]
    active = inject(make_fault(id="mail-key", kind="config", service="mail", settings={"MAIL_API_KEY": "x"}), context)
    world.redeploy("mail", {"MAIL_API_KEY": key})
    fixed_by_responder = world.processes["mail"].pid
    outcome = active.try_revert()
    assert (outcome, world.processes["mail"].pid) == (RevertOutcome("mail-key", ok=True), fixed_by_responder)


def test_config_fault_teaches_the_drill_the_secrets_it_puts_in(
    world: LocalWorld, context: DrillContext, make_fault: MakeFault
) -> None:
    fault = make_fault(
        id="mail-key", kind="config", service="mail", settings={"MAIL_API_KEY": "mk_stale_credential", "EXTRA": "plain"}
    )
    active = inject(fault, context)
    learnt = context.masks.values()
    active.revert()
    assert learnt == ["mk_stale_credential"]
