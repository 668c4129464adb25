"""OAuth part of the fake: registered clients, token pairs with rotation, and the device flow."""
from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
import string
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from integrations.allegro.fake.errors import OAuthError

DEMO_CLIENT_ID = "desk-demo-client"
DEMO_CLIENT_SECRET = "desk-demo-secret"
SCOPES = (
    "allegro:api:orders:read allegro:api:orders:write allegro:api:profile:read allegro:api:disputes "
    "allegro:api:ratings allegro:api:messaging allegro:api:shipments:read allegro:api:shipments:write"
)
ISSUER = "https://allegro.pl/"


@dataclass(slots=True)
class AccessToken:
    """An issued access token; `seller_id` is None for application (client_credentials) tokens."""

    token: str
    seller_id: str | None
    client_id: str
    expires_at: dt.datetime
    revoked: bool = False


@dataclass(slots=True)
class RefreshToken:
    """An issued refresh token and the access token it was issued with."""

    token: str
    seller_id: str
    client_id: str
    expires_at: dt.datetime
    access_token: str
    used_at: dt.datetime | None = None
    revoked: bool = False


@dataclass(slots=True)
class DeviceGrant:
    """One device-flow authorization; `status` is pending, approved or denied."""

    device_code: str
    user_code: str
    client_id: str
    expires_at: dt.datetime
    interval: int
    status: str = "pending"
    seller_id: str | None = None
    last_poll: dt.datetime | None = None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _jwt_like(claims: dict[str, Any]) -> str:
    """Opaque to clients, but shaped like Allegro's JWTs so a curious reader can decode the claims."""
    header = _b64(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
    payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
    return f"{header}.{payload}.{secrets.token_urlsafe(48)}"


class AuthStateMixin:
    """The OAuth part of FakeAllegroState."""

    _lock: threading.RLock
    now: Callable[[], dt.datetime]
    sellers: dict[str, dict[str, Any]]

    def _init_auth(self) -> None:
        self.clients: dict[str, str] = {DEMO_CLIENT_ID: DEMO_CLIENT_SECRET}
        self.access_ttl = 43199
        self.refresh_ttl = 90 * 24 * 3600
        self.refresh_grace_seconds = 60
        self.device_ttl = 600
        self.device_interval = 5
        self.auto_approve_devices = False
        self.device_seller_id: str | None = None
        self._access: dict[str, AccessToken] = {}
        self._refresh: dict[str, RefreshToken] = {}
        self._devices: dict[str, DeviceGrant] = {}

    # -- clients and tokens ------------------------------------------------------------------------

    def register_client(self, client_id: str, client_secret: str) -> None:
        """Allow an application (client id + secret) to use the OAuth endpoints."""
        with self._lock:
            self.clients[client_id] = client_secret

    def check_client(self, client_id: str | None, client_secret: str | None) -> str:
        """Authenticate the application by HTTP Basic credentials, as on every token call."""
        with self._lock:
            known = self.clients.get(client_id or "")
        if known is None or not secrets.compare_digest(known, client_secret or ""):
            raise OAuthError(401, "invalid_client", "Bad client credentials")
        return client_id or ""

    def issue_token(
        self,
        seller_id: str,
        *,
        access_ttl: int | None = None,
        refresh_ttl: int | None = None,
        client_id: str = DEMO_CLIENT_ID,
    ) -> dict[str, Any]:
        """Issue a fresh pair for a seller and return the token endpoint's answer."""
        with self._lock:
            if seller_id not in self.sellers:
                raise KeyError(f"unknown seller {seller_id!r}")
            now = self.now()
            access_ttl = self.access_ttl if access_ttl is None else access_ttl
            refresh_ttl = self.refresh_ttl if refresh_ttl is None else refresh_ttl
            jti = str(uuid.uuid4())
            access = self._new_access(seller_id, client_id, now, access_ttl, jti)
            claims = {"user_name": seller_id, "client_id": client_id, "ati": jti, "jti": str(uuid.uuid4())}
            refresh = _jwt_like({**claims, "exp": int((now + dt.timedelta(seconds=refresh_ttl)).timestamp())})
            self._refresh[refresh] = RefreshToken(
                refresh, seller_id, client_id, now + dt.timedelta(seconds=refresh_ttl), access
            )
            return {
                "access_token": access,
                "token_type": "bearer",
                "refresh_token": refresh,
                "expires_in": access_ttl,
                "scope": SCOPES,
                "allegro_api": True,
                "iss": ISSUER,
                "jti": jti,
            }

    def _new_access(self, seller_id: str | None, client_id: str, now: dt.datetime, ttl: int, jti: str) -> str:
        expires = now + dt.timedelta(seconds=ttl)
        claims = {
            "user_name": seller_id,
            "client_id": client_id,
            "scope": SCOPES.split(),
            "allegro_api": True,
            "iss": ISSUER,
            "exp": int(expires.timestamp()),
            "jti": jti,
        }
        token = _jwt_like(claims)
        self._access[token] = AccessToken(token, seller_id, client_id, expires)
        return token

    def issue_application_token(self, client_id: str) -> dict[str, Any]:
        """client_credentials grant: a token without a user (only public resources accept it)."""
        with self._lock:
            jti = str(uuid.uuid4())
            token = self._new_access(None, client_id, self.now(), self.access_ttl, jti)
        return {
            "access_token": token,
            "token_type": "bearer",
            "expires_in": self.access_ttl,
            "scope": "allegro:api",
            "allegro_api": True,
            "iss": ISSUER,
            "jti": jti,
        }

    def authenticate(self, authorization: str | None) -> AccessToken:
        """Resolve an `Authorization: Bearer ...` header or raise the 401 Allegro would send."""
        scheme, _, token = (authorization or "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise OAuthError(401, "unauthorized", "Full authentication is required to access this resource")
        with self._lock:
            record = self._access.get(token)
            if record is None:
                raise OAuthError(401, "invalid_token", "Cannot convert access token to JSON")
            if record.revoked:
                raise OAuthError(401, "invalid_token", f"Invalid access token: {token}")
            if self.now() >= record.expires_at:
                raise OAuthError(401, "invalid_token", f"Access token expired: {token}")
            return record

    def refresh_token_grant(self, client_id: str, refresh_token: str) -> dict[str, Any]:
        """Rotate: a new pair; the old access token dies, the old refresh token lives a short grace."""
        with self._lock:
            now = self.now()
            record = self._refresh.get(refresh_token)
            grace = dt.timedelta(seconds=self.refresh_grace_seconds)
            if (
                record is None
                or record.revoked
                or record.client_id != client_id
                or now >= record.expires_at
                or (record.used_at is not None and now > record.used_at + grace)
            ):
                raise OAuthError(400, "invalid_grant", f"Invalid refresh token: {refresh_token}")
            if record.used_at is None:
                record.used_at = now
            old_access = self._access.get(record.access_token)
            if old_access is not None:
                old_access.revoked = True
            return self.issue_token(record.seller_id, client_id=client_id)

    def expire_access_tokens(self, seller_id: str | None = None) -> None:
        """Make the access tokens of one seller (or everyone) expired from now on."""
        with self._lock:
            past = self.now() - dt.timedelta(seconds=1)
            for record in self._access.values():
                if seller_id is None or record.seller_id == seller_id:
                    record.expires_at = min(record.expires_at, past)

    def revoke_refresh_tokens(self, seller_id: str | None = None) -> None:
        """Kill the refresh tokens of one seller (or everyone), as a password change does."""
        with self._lock:
            for record in self._refresh.values():
                if seller_id is None or record.seller_id == seller_id:
                    record.revoked = True

    # -- device flow -------------------------------------------------------------------------------

    def start_device_flow(self, client_id: str, base_url: str) -> dict[str, Any]:
        """POST /auth/oauth/device: a device code for the app and a user code for the human."""
        with self._lock:
            grant = DeviceGrant(
                device_code=secrets.token_urlsafe(24),
                user_code="".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(9)),
                client_id=client_id,
                expires_at=self.now() + dt.timedelta(seconds=self.device_ttl),
                interval=self.device_interval,
            )
            self._devices[grant.device_code] = grant
            if self.auto_approve_devices and self.sellers:
                self.approve_device(grant.user_code)
        page = base_url.rstrip("/") + "/skojarz-aplikacje"
        return {
            "device_code": grant.device_code,
            "user_code": grant.user_code,
            "verification_uri": page,
            "verification_uri_complete": f"{page}?code={grant.user_code}",
            "expires_in": self.device_ttl,
            "interval": grant.interval,
        }

    def _grant_by_user_code(self, user_code: str) -> DeviceGrant:
        wanted = user_code.strip().lower()
        for grant in self._devices.values():
            if grant.user_code == wanted:
                return grant
        raise KeyError(f"unknown user code {user_code!r}")

    def device_grant(self, user_code: str) -> DeviceGrant | None:
        """The pending authorization a user code names, for the approval page (None when unknown)."""
        with self._lock:
            try:
                return self._grant_by_user_code(user_code)
            except KeyError:
                return None

    def approve_device(self, user_code: str, seller_id: str | None = None) -> None:
        """The human confirms the user code while logged in as `seller_id` (default: device_seller_id)."""
        with self._lock:
            grant = self._grant_by_user_code(user_code)
            chosen = seller_id or self.device_seller_id or next(iter(self.sellers), None)
            if chosen is None or chosen not in self.sellers:
                raise KeyError(f"unknown seller {chosen!r}")
            grant.status, grant.seller_id = "approved", chosen

    def deny_device(self, user_code: str) -> None:
        """The human refuses the authorization."""
        with self._lock:
            self._grant_by_user_code(user_code).status = "denied"

    def device_code_grant(self, client_id: str, device_code: str) -> dict[str, Any]:
        """One poll of the token endpoint with a device code (RFC 8628 answers)."""
        with self._lock:
            grant = self._devices.get(device_code)
            if grant is None or grant.client_id != client_id:
                raise OAuthError(400, "invalid_request", "Invalid device code")
            now = self.now()
            previous, grant.last_poll = grant.last_poll, now
            if now >= grant.expires_at:
                raise OAuthError(400, "expired_token", "Device code has expired")
            if grant.status == "denied":
                raise OAuthError(400, "access_denied", "User denied the authorization request")
            if grant.status == "approved" and grant.seller_id is not None:
                # a device code is redeemed once; afterwards it is as unknown as a made-up one
                del self._devices[device_code]
                return self.issue_token(grant.seller_id, client_id=client_id)
            if previous is not None and (now - previous).total_seconds() < grant.interval:
                grant.interval += 5
                raise OAuthError(400, "slow_down", "Polling too frequently, slow down")
            raise OAuthError(400, "authorization_pending", "User has not authorized the device code yet.")
