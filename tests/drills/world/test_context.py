"""A drill's context learns the secrets it meets: a value a step saves that is one, and the world's as they are."""

from __future__ import annotations

from pathlib import Path

from drills.clock import SystemClock, TimeScale
from drills.world.context import DrillContext
from tests.drills.deploy.deploy_fake_world import ADMIN_API_KEY, POSTGRES_PASSWORD, SCHEDULER_SECRET, FakeWorld


def _context(world: FakeWorld, tmp_path: Path) -> DrillContext:
    return DrillContext(world, SystemClock(), TimeScale(1.0), 0.0, tmp_path)  # type: ignore[arg-type]


def test_context_save_masks_a_secret_by_its_name_or_because_a_service_holds_it(tmp_path: Path) -> None:
    context = _context(FakeWorld(), tmp_path)
    context.save("new_client_secret", "read-from-the-console")
    context.save("tenant_id", "1234567")
    context.save("copied", "stale-secret")  # the scheduler's SCHEDULER_SECRET, saved under a plain name
    assert (context.masks.values(), context.saved["tenant_id"]) == (
        ["read-from-the-console", "stale-secret"],
        "1234567",
    )


def test_context_learns_the_worlds_secrets_as_its_settings_are_now(tmp_path: Path) -> None:
    world = FakeWorld()
    context = _context(world, tmp_path)
    context.learn_world_secrets()
    before = context.masks.values()
    world.redeploy("app", {"ADMIN_API_KEY": "set-by-the-responder"})
    context.learn_world_secrets()
    assert before == sorted([ADMIN_API_KEY, POSTGRES_PASSWORD, SCHEDULER_SECRET, "stale-secret"])
    assert context.masks.values() == sorted([*before, "set-by-the-responder"])


def test_context_learns_the_secrets_among_settings_a_service_is_about_to_get(tmp_path: Path) -> None:
    context = _context(FakeWorld(), tmp_path)
    context.learn_settings("app", {"ADMIN_API_KEY": "about-to-be-set", "DB_POOL_SIZE": "123456", "MAIL_FROM": None})
    context.learn_settings("app-staging", {"SIGNING_TOKEN": "of-a-service-not-declared"})
    assert context.masks.values() == ["about-to-be-set", "of-a-service-not-declared"]
