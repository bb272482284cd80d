"""The booking API against real Postgres and the real mail fake: a booking made once per request, refusals, and its
confirmation mailed once."""

from __future__ import annotations

from typing import Any

import pytest

from fakes.bookings.customers import SERVICES
from tests.fakes.bookings.bookingsworld import BookingsApp, StartApp
from tests.fakes.kit.appworld import Providers

pytestmark = pytest.mark.anyio

NOW = "2026-01-05T09:00:00+00:00"


def booking(message_id: str | None, **changes: Any) -> dict[str, Any]:
    """Booking 1 as the API shows it, its confirmation taken by the provider as ``message_id`` (None: not yet)."""
    return {
        "id": 1,
        "customer_id": 1,
        "service_id": 1,
        "service": "Haircut",
        "starts_at": "2026-01-12T10:00:00+00:00",
        "created_at": NOW,
        "confirmation": "pending" if message_id is None else "sent",
        "confirmation_message_id": message_id,
        **changes,
    }


async def test_bookings_start_seeds_the_services_and_the_customers_once(start_app: StartApp) -> None:
    async with start_app() as first:
        services = await first.state.db.fetch_all("SELECT name, duration_minutes FROM services ORDER BY id")
    async with start_app(customer_count=9) as again:
        customers = await again.state.db.fetch_all("SELECT id FROM customers")
    assert ([(row["name"], row["duration_minutes"]) for row in services], len(customers)) == (list(SERVICES), 5)


async def test_bookings_create_answers_201_and_mails_the_confirmation(app: BookingsApp, providers: Providers) -> None:
    answer = await app.book("request-1")
    [mail] = providers.mail.messages
    email = await app.state.db.fetch_one("SELECT email FROM customers WHERE id = 1")
    assert (answer.status_code, answer.json()) == (201, booking(mail.id))
    assert (mail.fields["to"], mail.fields["subject"]) == (
        email and email["email"],
        "Booking 1 confirmed: Haircut on 2026-01-12 10:00 UTC",
    )


async def test_bookings_retried_request_answers_the_same_booking_and_mails_nothing_more(
    app: BookingsApp, providers: Providers
) -> None:
    first = await app.book("request-1")
    again = await app.book("request-1")
    assert (again.status_code, again.headers["Idempotent-Replayed"], again.json()) == (200, "true", first.json())
    assert (await app.booked(), len(providers.mail.messages)) == (1, 1)


async def test_bookings_a_service_takes_one_booking_at_a_start(app: BookingsApp) -> None:
    await app.book("request-1", customer_id=1)
    taken = await app.book("request-2", customer_id=2)
    other_service = await app.book("request-3", customer_id=2, service_id=2)
    assert (taken.status_code, taken.json()["error"], other_service.status_code, await app.booked()) == (
        409,
        "slot_taken",
        201,
        2,
    )


@pytest.mark.parametrize(
    ("key", "changes", "status", "error"),
    [
        (None, {}, 400, "idempotency_key_required"),
        ("k" * 201, {}, 400, "idempotency_key_required"),
        ("request-1", {"customer_id": 99}, 404, "unknown_customer"),
        ("request-1", {"service_id": 99}, 404, "unknown_service"),
        ("request-1", {"customer_id": 0}, 400, "invalid_request"),
        ("request-1", {"starts_at": "next monday"}, 400, "invalid_request"),
        ("request-1", {"starts_at": NOW}, 422, "starts_in_the_past"),
    ],
)
async def test_bookings_refuse_a_request_they_cannot_book(
    app: BookingsApp, key: str | None, changes: dict[str, Any], status: int, error: str
) -> None:
    answer = await app.book(key, **changes)
    assert (answer.status_code, answer.json()["error"], await app.booked()) == (status, error, 0)


async def test_bookings_refuse_a_body_that_is_no_booking(app: BookingsApp) -> None:
    headers = {"Idempotency-Key": "request-1", "Content-Type": "application/json"}
    answers = [await app.client.post("/api/v1/bookings", content=body, headers=headers) for body in (b"{", b"[1]")]
    assert [(answer.status_code, answer.json()["error"]) for answer in answers] == [(400, "invalid_request")] * 2


async def test_bookings_read_back_a_booking_or_404(app: BookingsApp, providers: Providers) -> None:
    await app.book("request-1")
    found = await app.client.get("/api/v1/bookings/1")
    missing = await app.client.get("/api/v1/bookings/2")
    assert [(found.status_code, found.json()), (missing.status_code, missing.json())] == [
        (200, booking(providers.mail.messages[0].id)),
        (404, {"error": "unknown_booking"}),
    ]


async def test_bookings_confirmation_the_provider_refused_is_sent_by_the_retry(
    app: BookingsApp, providers: Providers
) -> None:
    await providers.control("mail", "fail", {"status": 503})
    refused = await app.book("request-1")
    await providers.control("mail", "reset")
    retried = await app.book("request-1")
    assert (refused.status_code, refused.json()["confirmation"], retried.json()["confirmation"]) == (
        201,
        "pending",
        "sent",
    )
    assert ([line["error"] for line in app.events("booking_confirmation_failed")], len(providers.mail.messages)) == (
        ["http_503"],
        1,
    )


async def test_bookings_confirmation_sent_but_not_recorded_is_delivered_once_on_the_retry(
    app: BookingsApp, providers: Providers
) -> None:
    """A confirmation the provider took whose record was lost (the pool gave out after the send) goes again under
    the same idempotency key: the provider answers its first message and delivers nothing new."""
    await app.book("request-1")
    await app.state.db.execute("UPDATE bookings SET confirmation_message_id = NULL")
    retried = await app.book("request-1")
    assert (retried.json()["confirmation"], len(providers.mail.messages), providers.mail.sends["replayed"]) == (
        "sent",
        1,
        1,
    )


async def test_bookings_metrics_count_requests_by_outcome(app: BookingsApp) -> None:
    await app.book("request-1")
    await app.book("request-1")
    await app.book(None)
    lines = set((await app.client.get("/metrics")).text.splitlines())
    expected = {
        'drillbit_app_bookings_total{outcome="created"} 1.0',
        'drillbit_app_bookings_total{outcome="replayed"} 1.0',
        'drillbit_app_bookings_total{outcome="refused"} 1.0',
        'drillbit_app_booking_confirmations_total{outcome="sent"} 1.0',
    }
    assert expected - lines == set()
