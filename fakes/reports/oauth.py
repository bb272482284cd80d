"""Each tenant's OAuth connection to the time-tracking provider: connecting, refreshing, and its recorded state.

A connection is ``pending`` (never got a token pair), ``connected``, or ``disconnected`` (the provider refused
the grant: only a reconnect helps). Its token state is ``ok``, ``expired`` (derived: the access token's time is
up and no refresh has happened yet) or ``error`` (the last refresh or exchange failed; ``last_error`` says why).
A failed refresh opens one ``token_refresh_failed`` notification per incident; a good refresh closes it.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fakes.kit.providers import ProviderError
from fakes.reports.schema import NOTIFICATIONS, TOKEN_REFRESH_FAILED
from fakes.reports.state import AppState
from fakes.reports.tenants import Tenant, pending_tenants
from fakes.reports.timetracking import TokenGrant

REFRESH_MARGIN_SCENARIO_SECONDS = 60.0
REFRESH_MARGIN_WALL_SECONDS = 5.0
CONNECT_CONCURRENCY = 32
KNOWN_OUTCOMES = re.compile(r"ok|invalid_client|invalid_grant|timeout|unreachable|rate_limited|http_\d{3}")


class TokenUnavailable(Exception):
    """No usable access token for a tenant; ``code`` is why (a provider error code, or ``disconnected``)."""

    def __init__(self, tenant_id: int, code: str) -> None:
        super().__init__(f"tenant {tenant_id}: no access token ({code})")
        self.tenant_id = tenant_id
        self.code = code


@dataclass(frozen=True)
class Connection:
    tenant_id: int
    status: str
    token_state: str
    access_token: str | None
    refresh_token: str | None
    expires_at: datetime | None
    last_error: str | None


def effective_token_state(stored: str, expires_at: datetime | None, now: datetime) -> str:
    """``error`` wins; otherwise a token whose time is up reads ``expired`` until it is refreshed."""
    if stored == "error":
        return "error"
    return "ok" if expires_at is not None and expires_at > now else "expired"


async def load_connection(state: AppState, tenant_id: int) -> Connection | None:
    row = await state.db.fetch_one(
        """SELECT tenant_id, status, token_state, access_token, refresh_token, expires_at, last_error
           FROM connections WHERE tenant_id = %s""",
        (tenant_id,),
    )
    return None if row is None else Connection(**row)


async def connect(state: AppState, tenant: Tenant, only_if_pending: bool = False) -> None:
    """Authorize and exchange the code for a fresh token pair (what an admin's "reconnect" does).

    ``only_if_pending`` skips a tenant that got its token pair meanwhile (a tick connected it first).
    """
    async with state.tenant_lock(tenant.id):
        if only_if_pending:
            current = await load_connection(state, tenant.id)
            if current is not None and current.status != "pending":
                return
        await _connect_locked(state, tenant)


async def access_token(
    state: AppState, tenant: Tenant, force_refresh: bool = False, known: Connection | None = None
) -> str:
    """A usable access token, refreshed first when expired or about to expire; raises ``TokenUnavailable``.

    ``known`` is the connection as the caller read it moments ago: when its token is still good, no lock and no
    query are needed (a token refreshed meanwhile leaves the old access token valid until it expires).
    """
    if known is not None and known.status == "connected" and not force_refresh:
        usable = _usable(state, known)
        if usable is not None:
            return usable
    async with state.tenant_lock(tenant.id):
        current = await load_connection(state, tenant.id)
        if current is None or current.status == "pending":
            try:
                await _connect_locked(state, tenant)
            except ProviderError as error:
                raise TokenUnavailable(tenant.id, error.code) from error
            current = await load_connection(state, tenant.id)
        if current is None or current.status != "connected" or not current.refresh_token:
            raise TokenUnavailable(tenant.id, (current and current.last_error) or "disconnected")
        usable = _usable(state, current)
        if usable is not None and not force_refresh:
            return usable
        # Near its expiry the old token still works if the refresh fails; a token the provider refused does not.
        fallback = None if force_refresh else _usable(state, current, margin=0.0)
        return await _refresh_locked(state, tenant, current.refresh_token, fallback)


def _usable(state: AppState, current: Connection, margin: float | None = None) -> str | None:
    """The stored access token if it stays valid past ``margin`` scenario seconds (default: the refresh margin)."""
    if current.access_token is None or current.expires_at is None:
        return None
    if margin is None:
        margin = REFRESH_MARGIN_SCENARIO_SECONDS + REFRESH_MARGIN_WALL_SECONDS * state.clock.scale
    if current.expires_at - timedelta(seconds=margin) <= state.clock.now_datetime():
        return None
    return current.access_token


async def _connect_locked(state: AppState, tenant: Tenant) -> None:
    try:
        code = await state.timetracking.authorize(tenant.account)
        grant = await state.timetracking.exchange_code(code)
    except ProviderError as error:
        await _record_failure(state, tenant.id, error.code, disconnect=False)
        state.log.emit("tenant_connect_failed", tenant_id=tenant.id, error=error.code, status=error.status)
        raise
    await _store_grant(state, tenant.id, grant)
    state.log.emit("tenant_connected", tenant_id=tenant.id, account=tenant.account)


async def _refresh_locked(state: AppState, tenant: Tenant, refresh_token: str, fallback: str | None) -> str:
    try:
        grant = await state.timetracking.refresh(refresh_token)
    except ProviderError as error:
        await _refresh_failed(state, tenant, error)
        if fallback is not None:
            return fallback
        raise TokenUnavailable(tenant.id, error.code) from error
    await _store_grant(state, tenant.id, grant)
    state.metrics.token_refreshes.labels("ok").inc()
    return grant.access_token


async def _refresh_failed(state: AppState, tenant: Tenant, error: ProviderError) -> None:
    state.metrics.token_refreshes.labels(_outcome(error.code)).inc()
    await _record_failure(state, tenant.id, error.code, disconnect=error.code == "invalid_grant")
    state.log.emit("token_refresh_failed", tenant_id=tenant.id, error=error.code, status=error.status)
    message = f"refreshing the access token of tenant {tenant.id} ({tenant.account}) failed: {error.code}"
    await NOTIFICATIONS.notify(state, TOKEN_REFRESH_FAILED, tenant.id, message)


def _outcome(code: str) -> str:
    return code if KNOWN_OUTCOMES.fullmatch(code) else "other"


async def _store_grant(state: AppState, tenant_id: int, grant: TokenGrant) -> None:
    now = state.clock.now_datetime()
    params: dict[str, Any] = {
        "tenant_id": tenant_id,
        "access_token": grant.access_token,
        "refresh_token": grant.refresh_token,
        "expires_at": now + timedelta(seconds=grant.expires_in),
        "now": now,
    }
    await state.db.execute(
        """UPDATE connections SET status = 'connected', token_state = 'ok', access_token = %(access_token)s,
               refresh_token = %(refresh_token)s, expires_at = %(expires_at)s, last_error = NULL,
               last_refresh_at = %(now)s, updated_at = %(now)s
           WHERE tenant_id = %(tenant_id)s""",
        params,
    )
    await NOTIFICATIONS.resolve(state, TOKEN_REFRESH_FAILED, tenant_id)


async def _record_failure(state: AppState, tenant_id: int, code: str, disconnect: bool) -> None:
    await state.db.execute(
        """UPDATE connections SET token_state = 'error', last_error = %(code)s, updated_at = %(now)s,
               status = CASE WHEN %(disconnect)s THEN 'disconnected' ELSE status END
           WHERE tenant_id = %(tenant_id)s""",
        {"tenant_id": tenant_id, "code": code, "disconnect": disconnect, "now": state.clock.now_datetime()},
    )


async def connect_pending(state: AppState) -> int:
    """Connect every pending tenant, a few at a time; stops early when the provider cannot be reached."""
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
    unreachable = asyncio.Event()
    connected = 0

    async def one(tenant: Tenant) -> None:
        nonlocal connected
        async with gate:
            if unreachable.is_set():
                return
            try:
                await connect(state, tenant, only_if_pending=True)
                connected += 1
            except ProviderError as error:
                if error.transport:
                    unreachable.set()

    tenants = await pending_tenants(state.db)
    await asyncio.gather(*(one(tenant) for tenant in tenants))
    state.log.emit("tenants_connected", connected=connected, pending=len(tenants) - connected)
    return connected
