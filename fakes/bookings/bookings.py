"""Bookings: made once per request, checked against their customer and service, and confirmed by mail.

A booking request reads its customer and its service and inserts the booking under the request's idempotency key,
in one transaction on one pooled connection (a lock on ``customers`` keeps that connection waiting). A key seen
before answers the booking it made; a service already booked at that start is refused. Once the booking is
committed its confirmation is mailed under an idempotency key of the booking's own, so a retried request re-sends
a confirmation the provider never took, and the provider delivers it at most once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg.errors import UniqueViolation
from psycopg.rows import DictRow

from fakes.bookings.state import AppState
from fakes.kit.clock import parse_time
from fakes.kit.db import Connection
from fakes.kit.providers import ProviderError

MAX_IDEMPOTENCY_KEY = 200
SLOT_CONSTRAINT = "bookings_one_per_service_and_start"

_CUSTOMER = "SELECT id, name, email FROM customers WHERE id = %s"
_SERVICE = "SELECT id, name FROM services WHERE id = %s"
_INSERT = """
INSERT INTO bookings (customer_id, service_id, starts_at, idempotency_key, created_at)
VALUES (%(customer_id)s, %(service_id)s, %(starts_at)s, %(key)s, %(now)s)
ON CONFLICT ON CONSTRAINT bookings_once_per_request DO NOTHING
RETURNING id
"""
_BY_KEY = "SELECT id FROM bookings WHERE idempotency_key = %s"
_UNCONFIRMED = """
SELECT b.id, b.starts_at, c.name AS customer, c.email, s.name AS service
FROM bookings b JOIN customers c ON c.id = b.customer_id JOIN services s ON s.id = b.service_id
WHERE b.id = %s AND b.confirmation_message_id IS NULL
"""
_CONFIRMED = "UPDATE bookings SET confirmation_message_id = %s, confirmed_at = %s WHERE id = %s"
_VIEW = """
SELECT b.id, b.customer_id, b.service_id, s.name AS service, b.starts_at, b.created_at, b.confirmation_message_id
FROM bookings b JOIN services s ON s.id = b.service_id WHERE b.id = %s
"""


class BookingRefused(Exception):
    """A request the app does not book; ``code`` and ``status`` are its answer, the message its detail."""

    def __init__(self, code: str, status: int, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.status = status


@dataclass(frozen=True)
class BookingRequest:
    """``POST /api/v1/bookings`` ``{"customer_id", "service_id", "starts_at"}``, checked."""

    customer_id: int
    service_id: int
    starts_at: datetime


def _invalid(detail: str) -> BookingRefused:
    return BookingRefused("invalid_request", 400, detail)


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def parse_booking(raw: bytes, now: datetime) -> BookingRequest:
    """The request in ``raw``, or ``BookingRefused``: malformed (400), or a start not after ``now`` (422)."""
    try:
        payload = json.loads(raw or b"null")
    except ValueError:
        raise _invalid("the body is not valid JSON") from None
    if not isinstance(payload, dict):
        raise _invalid('expected {"customer_id", "service_id", "starts_at"}')
    customer_id, service_id = payload.get("customer_id"), payload.get("service_id")
    if not _whole(customer_id) or not _whole(service_id):
        raise _invalid("customer_id and service_id must be whole numbers above 0")
    starts_at = parse_time(payload.get("starts_at"))
    if starts_at is None:
        raise _invalid("starts_at must be an ISO 8601 time")
    if starts_at <= now:
        raise BookingRefused("starts_in_the_past", 422, f"starts_at {starts_at.isoformat()} is not after now")
    return BookingRequest(payload["customer_id"], payload["service_id"], starts_at)


def check_key(key: str | None) -> str:
    """The request's ``Idempotency-Key``: every booking request carries one, so that a retry books nothing more."""
    if key is None or not 1 <= len(key) <= MAX_IDEMPOTENCY_KEY:
        raise BookingRefused(
            "idempotency_key_required", 400, f"an Idempotency-Key header of 1 to {MAX_IDEMPOTENCY_KEY} characters"
        )
    return key


async def book(state: AppState, request: BookingRequest, key: str) -> tuple[int, bool]:
    """The booking ``key`` made, and whether this call made it (False: a retry of an earlier request)."""
    params = {**vars(request), "key": key, "now": state.clock.now_datetime()}
    try:
        async with state.db.connection() as conn, conn.transaction():
            await _check_subjects(conn, request)
            inserted = await _one(conn, _INSERT, params)
            made = inserted or await _one(conn, _BY_KEY, (key,))
    except UniqueViolation as violation:
        if violation.diag.constraint_name != SLOT_CONSTRAINT:
            raise
        raise BookingRefused("slot_taken", 409, f"service {request.service_id} is booked at that time") from None
    if made is None:
        raise RuntimeError(f"no booking under the idempotency key {key!r} after inserting it")
    return made["id"], inserted is not None


async def _one(conn: Connection, query: str, params: Any) -> DictRow | None:
    cursor = await conn.execute(query, params)
    return await cursor.fetchone()


async def _check_subjects(conn: Connection, request: BookingRequest) -> None:
    """Refuse (404) a booking of a customer or a service that does not exist."""
    for query, name, subject in (
        (_CUSTOMER, "customer", request.customer_id),
        (_SERVICE, "service", request.service_id),
    ):
        if await _one(conn, query, (subject,)) is None:
            raise BookingRefused(f"unknown_{name}", 404, f"there is no {name} {subject}")


async def confirm(state: AppState, booking_id: int) -> None:
    """Mail the booking's confirmation unless the provider already took it; a failure leaves it for a retry."""
    row = await state.db.fetch_one(_UNCONFIRMED, (booking_id,))
    if row is None:
        return
    subject = f"Booking {booking_id} confirmed: {row['service']} on {row['starts_at']:%Y-%m-%d %H:%M} UTC"
    text = f"Hello {row['customer']},\n\nyour {row['service']} is booked for {row['starts_at'].isoformat()}."
    try:
        sent = await state.mail.send(row["email"], subject, text, f"booking-{booking_id}-confirmation")
    except ProviderError as error:
        state.metrics.confirmations.labels("failed").inc()
        state.log.emit("booking_confirmation_failed", booking_id=booking_id, error=error.code)
        return
    await state.db.execute(_CONFIRMED, (sent.id, state.clock.now_datetime(), booking_id))
    state.metrics.confirmations.labels("sent").inc()
    state.log.emit("booking_confirmed", booking_id=booking_id, message_id=sent.id, duplicate=sent.duplicate)


async def booking_view(state: AppState, booking_id: int) -> dict[str, Any] | None:
    row = await state.db.fetch_one(_VIEW, (booking_id,))
    if row is None:
        return None
    return {
        "id": row["id"],
        "customer_id": row["customer_id"],
        "service_id": row["service_id"],
        "service": row["service"],
        "starts_at": row["starts_at"].isoformat(),
        "created_at": row["created_at"].isoformat(),
        "confirmation": "pending" if row["confirmation_message_id"] is None else "sent",
        "confirmation_message_id": row["confirmation_message_id"],
    }
