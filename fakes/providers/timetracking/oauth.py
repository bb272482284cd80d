"""The OAuth 2 authorization server (RFC 6749) of the time-tracking provider, for its one client: the app.

Authorization codes live 10 scenario minutes and work once. Refresh tokens rotate: each refresh answers a new
pair and the old refresh token stops working. Revoking an account's grant ends all of its tokens.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from fakes.kit.clock import ScaledClock, iso
from fakes.providers.credentials import Credential, random_secret

CODE_TTL = 600.0
DEFAULT_SCOPE = "timesheets:read"
TOKEN_OUTCOMES = ("issued", "invalid_client", "invalid_grant", "invalid_request", "unsupported_grant_type")


class OAuthError(Exception):
    """An RFC 6749 error answer: an HTTP status, an error code and a description."""

    def __init__(self, status: int, code: str, description: str) -> None:
        super().__init__(f"{code}: {description}")
        self.status = status
        self.code = code
        self.description = description


@dataclass
class Grant:
    """An account's consent to the app, from one authorization; revoking it ends every token it issued."""

    account: str
    scope: str
    authorized_at: float
    revoked: bool = False
    tokens_issued: int = 0


@dataclass(frozen=True)
class Code:
    """An authorization code: who approved, for what, and until when it can be exchanged."""

    account: str
    scope: str
    redirect_uri: str | None
    expires_at: float


@dataclass(frozen=True)
class Token:
    """An access or refresh token: the grant it speaks for and when it expires (scenario time)."""

    grant: Grant
    expires_at: float


@dataclass
class OAuthServer:
    """Codes, grants and tokens, the client's current secret, and how token requests ended."""

    client_id: str
    secret: Credential
    clock: ScaledClock
    rng: random.Random
    access_ttl: float
    refresh_ttl: float
    codes: dict[str, Code] = field(default_factory=dict)
    grants: dict[str, Grant] = field(default_factory=dict)
    history: list[Grant] = field(default_factory=list)
    access_tokens: dict[str, Token] = field(default_factory=dict)
    refresh_tokens: dict[str, Token] = field(default_factory=dict)
    token_requests: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TOKEN_OUTCOMES, 0))

    def authorize(self, client_id: str, account: str, redirect_uri: str | None, scope: str | None) -> str:
        """The account owner approves at once; answers a code for the token endpoint."""
        if client_id != self.client_id:
            raise OAuthError(400, "invalid_request", f"unknown client_id {client_id!r}")
        code = random_secret(self.rng, "code_")
        expires_at = self.clock.now() + CODE_TTL
        self.codes[code] = Code(account, scope or DEFAULT_SCOPE, redirect_uri, expires_at)
        return code

    def authenticate(self, client_id: str | None, client_secret: str | None) -> None:
        if client_id != self.client_id or self.secret.check(client_secret) != "valid":
            raise OAuthError(401, "invalid_client", "client authentication failed")

    def exchange_code(self, code: str, redirect_uri: str | None) -> dict[str, object]:
        found = self.codes.pop(code, None)
        if found is None or found.expires_at <= self.clock.now():
            raise OAuthError(400, "invalid_grant", "the authorization code is unknown, used or expired")
        if found.redirect_uri != redirect_uri:
            raise OAuthError(400, "invalid_grant", "redirect_uri does not match the authorization request")
        grant = Grant(found.account, found.scope, self.clock.now())
        self.grants[found.account] = grant
        self.history.append(grant)
        return self._issue(grant)

    def refresh(self, refresh_token: str) -> dict[str, object]:
        token = self.refresh_tokens.pop(refresh_token, None)
        if token is None or token.expires_at <= self.clock.now():
            raise OAuthError(400, "invalid_grant", "the refresh token is unknown, already used or expired")
        if token.grant.revoked:
            raise OAuthError(400, "invalid_grant", "the grant was revoked")
        return self._issue(token.grant)

    def check_access(self, access_token: str | None) -> Grant:
        """The grant an access token speaks for; ``invalid_token`` when unknown, expired or revoked."""
        token = self.access_tokens.get(access_token or "")
        if token is None:
            raise OAuthError(401, "invalid_token", "the access token is unknown")
        if token.expires_at <= self.clock.now():
            raise OAuthError(401, "invalid_token", "the access token expired")
        if token.grant.revoked:
            raise OAuthError(401, "invalid_token", "the grant was revoked")
        return token.grant

    def revoke(self, account: str) -> bool:
        """Revoke every grant of the account (the app must be authorized again); False when it has none."""
        grants = [grant for grant in self.history if grant.account == account]
        for grant in grants:
            grant.revoked = True
        return bool(grants)

    def count(self, outcome: str) -> None:
        self.token_requests[outcome] = self.token_requests.get(outcome, 0) + 1

    def view(self) -> dict[str, object]:
        return {
            "client_id": self.client_id,
            "client_secret": self.secret.current,
            "accounts": [grant_view(grant) for _, grant in sorted(self.grants.items())],
            "token_requests": dict(self.token_requests),
        }

    def _issue(self, grant: Grant) -> dict[str, object]:
        now = self.clock.now()
        access, refresh = random_secret(self.rng, "at_"), random_secret(self.rng, "rt_")
        self.access_tokens[access] = Token(grant, now + self.access_ttl)
        self.refresh_tokens[refresh] = Token(grant, now + self.refresh_ttl)
        grant.tokens_issued += 1
        return {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": round(self.access_ttl),
            "refresh_token": refresh,
            "scope": grant.scope,
        }


def grant_view(grant: Grant) -> dict[str, object]:
    return {
        "account": grant.account,
        "grant": "revoked" if grant.revoked else "active",
        "scope": grant.scope,
        "authorized_at": iso(grant.authorized_at),
        "tokens_issued": grant.tokens_issued,
    }
