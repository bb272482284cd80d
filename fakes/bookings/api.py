"""The booking API a customer's client calls: book a service at a time, read a booking back."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from fakes.bookings.bookings import BookingRefused, book, booking_view, check_key, confirm, parse_booking
from fakes.bookings.state import AppState, app_state


async def create_booking_endpoint(request: Request) -> Response:
    """``POST /api/v1/bookings`` with an ``Idempotency-Key``: 201 with the booking it made, 200 with the same booking
    when the key was used before (``Idempotent-Replayed: true``); refusals as ``{"error", "detail"}``."""
    state = app_state(request)
    try:
        key = check_key(request.headers.get("idempotency-key"))
        wanted = parse_booking(await request.body(), state.clock.now_datetime())
        booking_id, made = await book(state, wanted, key)
    except BookingRefused as refused:
        return _refused(state, refused)
    await confirm(state, booking_id)
    state.metrics.bookings.labels("created" if made else "replayed").inc()
    if made:
        state.log.emit("booking_created", booking_id=booking_id, customer_id=wanted.customer_id)
    headers = {} if made else {"Idempotent-Replayed": "true"}
    return JSONResponse(await booking_view(state, booking_id), status_code=201 if made else 200, headers=headers)


def _refused(state: AppState, refused: BookingRefused) -> Response:
    state.metrics.bookings.labels("refused").inc()
    state.log.emit("booking_refused", error=refused.code)
    return JSONResponse({"error": refused.code, "detail": str(refused)}, status_code=refused.status)


async def booking_endpoint(request: Request) -> Response:
    """``GET /api/v1/bookings/{id}``: the booking, or 404 ``unknown_booking``."""
    found = await booking_view(app_state(request), request.path_params["booking_id"])
    if found is None:
        return JSONResponse({"error": "unknown_booking"}, status_code=404)
    return JSONResponse(found)
