"""The errors the toxiproxy API answers with: one type, and its named instances with toxiproxy's messages.

``ApiError`` carries a message and an HTTP status; ``api.error_response`` is the one place that turns any
error into an HTTP response. ``ProxyError`` is a failure without a status of its own (a listen address that
cannot be bound or resolved); toxiproxy answers those 500, with the system's message.
"""

from __future__ import annotations


class ApiError(Exception):
    """An API failure as toxiproxy reports it: ``{"error": message, "status": status}``."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status

    def joined(self, detail: str) -> ApiError:
        """This error with a detail after a colon, as toxiproxy's ``joinError`` writes it."""
        return ApiError(f"{self.message}: {detail}", self.status)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ApiError) and (self.message, self.status) == (other.message, other.status)

    def __hash__(self) -> int:
        return hash((self.message, self.status))

    def __repr__(self) -> str:
        return f"ApiError({self.message!r}, {self.status})"


class ProxyError(Exception):
    """A proxy could not do what was asked (bind or resolve its listen address); the message is the system's."""


BAD_REQUEST_BODY = ApiError("bad request body", 400)
MISSING_FIELD = ApiError("missing required field", 400)
PROXY_NOT_FOUND = ApiError("proxy not found", 404)
PROXY_ALREADY_EXISTS = ApiError("proxy already exists", 409)
INVALID_STREAM = ApiError("stream was invalid, can be either upstream or downstream", 400)
INVALID_TOXIC_TYPE = ApiError("invalid toxic type", 400)
TOXIC_ALREADY_EXISTS = ApiError("toxic already exists", 409)
TOXIC_NOT_FOUND = ApiError("toxic not found", 404)
# Not in toxiproxy, which takes any toxicity and attribute (a negative latency acts as 0, a negative rate
# crashes it) and listens and forwards anywhere; ours refuses them.
INVALID_TOXICITY = ApiError("invalid toxicity", 400)
INVALID_TOXIC_ATTRIBUTE = ApiError("invalid toxic attribute", 400)
ADDRESS_NOT_ALLOWED = ApiError("address not allowed", 400)
