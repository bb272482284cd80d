"""The booking app's tables: its customers, the services they book, and the bookings. ``fakes.kit.db.migrate``
brings a database up to them at start.

A booking is made once per request: its ``idempotency_key`` (the client's ``Idempotency-Key``) is unique, so a
client retrying a request it got no answer to gets the booking it already made. A service takes one booking at a
start time (UNIQUE ``(service_id, starts_at)``). ``confirmation_message_id`` is set once the mail provider took
the booking's confirmation.
"""

from __future__ import annotations

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS customers (
        id bigserial PRIMARY KEY,
        name text NOT NULL,
        email text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS services (
        id bigserial PRIMARY KEY,
        name text NOT NULL UNIQUE,
        duration_minutes integer NOT NULL CHECK (duration_minutes > 0))""",
    """CREATE TABLE IF NOT EXISTS bookings (
        id bigserial PRIMARY KEY,
        customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
        service_id bigint NOT NULL REFERENCES services (id) ON DELETE CASCADE,
        starts_at timestamptz NOT NULL,
        idempotency_key text NOT NULL,
        created_at timestamptz NOT NULL,
        confirmation_message_id text,
        confirmed_at timestamptz,
        CONSTRAINT bookings_once_per_request UNIQUE (idempotency_key),
        CONSTRAINT bookings_one_per_service_and_start UNIQUE (service_id, starts_at))""",
)
