"""The fake third-party providers the app depends on: timetracking (OAuth 2), mail and messaging.

What they share lives here once: injected faults (``faults``), credentials that rotate (``credentials``),
``Idempotency-Key`` replay (``idempotency``), HTTP helpers (``endpoints``) and the common control API (``control``).
"""
