"""The customer portal's back-end as a real process: the kit's endpoints on its own database and Redis, and a
refusal to start without them."""

from __future__ import annotations

import pytest

from tests.fakes.kit.app_processes import KIT_ENDPOINTS, kit_endpoints, kit_settings, misconfigured

pytestmark = pytest.mark.world


def test_portal_process_answers_health_readiness_metrics_and_control(world_urls: dict[str, str]) -> None:
    assert kit_endpoints("fakes.portal", kit_settings(world_urls)) == KIT_ENDPOINTS


def test_portal_process_without_its_database_exits_2_naming_it() -> None:
    refused = (2, "fakes.portal: environment variable DATABASE_URL is not set")
    assert misconfigured("fakes.portal", {"REDIS_URL": "redis://127.0.0.1:9/0"}) == refused
