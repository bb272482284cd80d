"""The booking app: its booking routes over the kit's, and its first start's seeding of customers and services."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Route

from fakes.bookings import api
from fakes.bookings.config import settings_from_env
from fakes.bookings.customers import seed_customers
from fakes.bookings.schema import SCHEMA
from fakes.bookings.state import AppState, build_state
from fakes.kit import app

ROUTES = [
    Route("/api/v1/bookings", api.create_booking_endpoint, methods=["POST"]),
    Route("/api/v1/bookings/{booking_id:int}", api.booking_endpoint, methods=["GET"]),
]


def create_app(state: AppState) -> Starlette:
    return app.create_app(state, ROUTES, SCHEMA, start)


app_from_env = app.from_env(settings_from_env, build_state, create_app)
"""The app as ``python -m fakes.bookings`` serves it, configured from its environment."""


async def start(state: AppState) -> None:
    settings = state.settings
    seeded = await seed_customers(state.db, settings.customer_count, settings.seed, state.clock.now_datetime())
    state.log.emit("customers_seeded", count=seeded)
