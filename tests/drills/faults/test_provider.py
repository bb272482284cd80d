"""Provider faults: a fake told to misbehave through its control API, and told to stop again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from drills.errors import FaultError, TargetRefusedError
from drills.faults import RevertOutcome, inject
from drills.runtimes.local.world import LocalWorld
from drills.scenario.kinds import Fault
from drills.world.context import DrillContext

pytestmark = pytest.mark.world

MakeFault = Callable[..., Fault]
SendMail = Callable[[str], int]


def _faults_view(world: LocalWorld) -> Any:
    return httpx.get(f"{world.endpoints['mail'].url}/_control/state", timeout=5).json()["faults"]["rate_limit"]


def test_provider_fault_rate_limits_until_reverted(
    send_mail: SendMail, world: LocalWorld, context: DrillContext, make_fault: MakeFault
) -> None:
    fault = make_fault(
        id="mail-429", kind="provider", service="mail", action="rate-limit", body={"retry_after_seconds": 30}
    )
    key = world.secrets["mail_api_key"]
    active = inject(fault, context)
    during = (send_mail(key), _faults_view(world)["retry_after_seconds"])
    active.revert()
    assert (during, send_mail(key), _faults_view(world)) == ((429, 30.0), 202, None)


def test_provider_fault_reverts_with_its_own_action_and_resolved_body(
    send_mail: SendMail, world: LocalWorld, context: DrillContext, make_fault: MakeFault
) -> None:
    fault = make_fault(
        id="mail-rotated",
        kind="provider",
        service="mail",
        action="rotate-credential",
        body={"api_key": "mk_rotated_by_the_provider"},
        revert={"action": "rotate-credential", "body": {"api_key": "{secrets.mail_api_key}"}},
    )
    key = world.secrets["mail_api_key"]
    active = inject(fault, context)
    during = (send_mail(key), send_mail("mk_rotated_by_the_provider"))
    active.revert()
    assert (during, send_mail(key)) == ((401, 202), 202)


def test_provider_fault_teaches_the_drill_every_credential_it_hands_over_or_gets_back(
    world: LocalWorld, context: DrillContext, make_fault: MakeFault
) -> None:
    given = make_fault(
        id="rotated",
        kind="provider",
        service="timetracking",
        action="rotate-client-secret",
        body={"client_secret": "rotated-by-the-provider-2f9c"},
        revert={"action": "rotate-client-secret", "body": {"client_secret": "{secrets.timetracking_client_secret}"}},
    )
    made_up = make_fault(
        id="mail-rotated",
        kind="provider",
        service="mail",
        action="rotate-credential",
        revert={"action": "rotate-credential", "body": {"api_key": "{secrets.mail_api_key}"}},
    )
    active = [inject(given, context), inject(made_up, context)]
    made_up_key = httpx.get(f"{world.endpoints['mail'].url}/_control/state", timeout=5).json()["api_key"]
    learnt = context.masks.values()
    for fault in active:
        fault.revert()
    put_back = [world.secrets["timetracking_client_secret"], world.secrets["mail_api_key"]]
    assert learnt == sorted(["rotated-by-the-provider-2f9c", made_up_key])
    assert context.masks.values() == sorted([*learnt, *put_back])


def test_provider_fault_refused_names_the_service_action_and_status(
    context: DrillContext, make_fault: MakeFault
) -> None:
    fault = make_fault(id="mail-fails", kind="provider", service="mail", action="fail", body={"status": 200})
    with pytest.raises(FaultError) as failed:
        inject(fault, context)
    assert str(failed.value) == (
        "injecting provider fault 'mail-fails' failed: mail's control action fail answered 422: "
        '{"error":"invalid_fault","error_description":"status must be an HTTP error status (400-599), not 200"}\n'
        "Hint: the control API of each fake is in docs/world.md"
    )


def test_provider_fault_revert_is_fine_after_a_responder_reset_and_then_a_no_op(
    world: LocalWorld, context: DrillContext, make_fault: MakeFault
) -> None:
    fault = make_fault(
        id="mail-429", kind="provider", service="mail", action="rate-limit", body={"retry_after_seconds": 5}
    )
    active = inject(fault, context)
    httpx.post(f"{world.endpoints['mail'].url}/_control/reset", timeout=5)
    assert (active.try_revert(), active.try_revert(), active.reverted) == (
        RevertOutcome("mail-429", ok=True),
        None,
        True,
    )


def test_provider_fault_revert_that_fails_raises_and_may_be_tried_again(
    world: LocalWorld, context: DrillContext, make_fault: MakeFault
) -> None:
    fault = make_fault(
        id="mail-429",
        kind="provider",
        service="mail",
        action="rate-limit",
        body={"retry_after_seconds": 5},
        revert={"action": "no-such-action"},
    )
    active = inject(fault, context)
    message = "reverting fault 'mail-429' failed: mail's control action no-such-action answered 404: Not Found"
    with pytest.raises(FaultError) as failed:
        active.revert()
    again = active.try_revert()
    assert (str(failed.value).splitlines()[0], again, active.reverted) == (
        message,
        RevertOutcome("mail-429", ok=False, error=f"{message}\nHint: the control API of each fake is in docs/world.md"),
        False,
    )


def test_provider_fault_describes_numbers_but_never_text(context: DrillContext, make_fault: MakeFault) -> None:
    fault = make_fault(
        id="mail-rotated",
        kind="provider",
        service="mail",
        action="rotate-credential",
        body={"api_key": "mk_secret_value"},
        revert={"action": "rotate-credential", "body": {"api_key": "{secrets.mail_api_key}"}},
    )
    active = inject(fault, context)
    try:
        assert active.describe() == "mail: rotate-credential (api_key)"
    finally:
        active.revert()


def test_provider_fault_on_a_service_outside_the_world_is_refused(context: DrillContext, make_fault: MakeFault) -> None:
    fault = make_fault(id="billing", kind="provider", service="billing", action="fail", body={"status": 503})
    with pytest.raises(TargetRefusedError, match="'billing' is not a service of this world"):
        inject(fault, context)
