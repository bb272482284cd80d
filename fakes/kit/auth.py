"""Who may call an admin endpoint: the one who presents the app's admin key; and comparing secrets in constant time.

Admin endpoints take ``Authorization: Bearer <ADMIN_API_KEY>``; HTTP Basic with the key as the password is
accepted too, so a browser can open an admin page (it prompts on the 401). An app deployed without an admin key
answers every admin request 401.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hmac
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from fakes.kit.state import kit_state

Endpoint = Callable[[Request], Awaitable[Response]]


def secrets_match(given: str | None, expected: str) -> bool:
    if given is None:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def presented_admin_key(authorization: str | None) -> str | None:
    """The key in a ``Bearer`` or ``Basic`` authorization header, or None."""
    scheme, _, credential = (authorization or "").partition(" ")
    if scheme.lower() == "bearer":
        return credential.strip()
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(credential.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None
        return decoded.partition(":")[2]
    return None


def admin_only(endpoint: Endpoint) -> Endpoint:
    """Answer 401 unless the request carries the admin key."""

    @functools.wraps(endpoint)
    async def guarded(request: Request) -> Response:
        expected = kit_state(request).settings.admin_api_key
        if expected is None or not secrets_match(presented_admin_key(request.headers.get("authorization")), expected):
            return JSONResponse(
                {"error": "unauthorized"},
                status_code=401,
                headers={"WWW-Authenticate": 'Bearer realm="drillbit-admin", Basic realm="drillbit-admin"'},
            )
        return await endpoint(request)

    return guarded
