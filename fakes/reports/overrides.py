"""Secrets changed at run time (admin "rotate secret"), persisted so they survive a restart.

Which value wins at start: the persisted one, as long as the app is deployed with the same value it had when
the admin rotated; a redeploy with a different value in the environment is the newer decision, so the
environment wins and the stale override is dropped. The database keeps only a digest of the deployed value.
"""

from __future__ import annotations

import hashlib

from fakes.reports.state import AppState

TIMETRACKING_CLIENT_SECRET = "timetracking_client_secret"


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


async def rotate_timetracking_secret(state: AppState, new_secret: str) -> None:
    """Use ``new_secret`` from now on, and after a restart with the same deployment."""
    await state.db.execute(
        """INSERT INTO app_config (key, value, deployed_digest, updated_at)
           VALUES (%(key)s, %(value)s, %(digest)s, %(now)s)
           ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, deployed_digest = EXCLUDED.deployed_digest,
               updated_at = EXCLUDED.updated_at""",
        {
            "key": TIMETRACKING_CLIENT_SECRET,
            "value": new_secret,
            "digest": _digest(state.settings.timetracking_client_secret),
            "now": state.clock.now_datetime(),
        },
    )
    state.credentials.timetracking_client_secret = new_secret
    state.log.emit("provider_secret_rotated", provider="timetracking")


async def apply_persisted_overrides(state: AppState) -> None:
    """At start: take a persisted secret over the deployed one unless the deployment changed since."""
    row = await state.db.fetch_one(
        "SELECT value, deployed_digest FROM app_config WHERE key = %s", (TIMETRACKING_CLIENT_SECRET,)
    )
    if row is None:
        return
    if row["deployed_digest"] == _digest(state.settings.timetracking_client_secret):
        state.credentials.timetracking_client_secret = row["value"]
        state.log.emit("provider_secret_override_applied", provider="timetracking")
        return
    await state.db.execute("DELETE FROM app_config WHERE key = %s", (TIMETRACKING_CLIENT_SECRET,))
    state.log.emit("provider_secret_override_dropped", provider="timetracking", reason="redeployed")
