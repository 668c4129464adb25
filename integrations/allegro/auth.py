"""OAuth for Allegro: the device flow, token refresh, and a manager that rotates tokens safely.

Allegro invalidates the previous pair on every refresh (the used refresh token survives only a
short grace period), so a new pair must be stored durably before anyone uses it, and refreshes of
one account must be serialised across threads and processes. `TokenStore.locked()` provides that.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

import requests

from integrations.allegro._http import RequestGate, new_session, send
from integrations.allegro.errors import (
    AccessDenied,
    AllegroResponseError,
    AuthError,
    AuthExpired,
    AuthorizationPending,
    DeviceCodeExpired,
    DeviceFlowError,
    InvalidClient,
    SlowDown,
    error_for,
)

DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
DEFAULT_REFRESH_LIFETIME = dt.timedelta(days=90)
DEFAULT_SKEW = dt.timedelta(seconds=60)
SLOW_DOWN_STEP = 5  # seconds added to the polling interval on slow_down (RFC 8628 section 3.5)


def utcnow() -> dt.datetime:
    """The current time, tz-aware UTC (the default clock everywhere in this package)."""
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class TokenPair:
    """An access token with the refresh token that replaces it; times are UTC."""

    access_token: str
    refresh_token: str | None
    access_expires_at: dt.datetime
    refresh_expires_at: dt.datetime | None = None
    scope: str | None = None

    def __post_init__(self) -> None:
        # stores on SQLite hand back naive datetimes; they are UTC, and comparisons need tz-aware ones
        for name in ("access_expires_at", "refresh_expires_at"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                object.__setattr__(self, name, value.replace(tzinfo=dt.UTC))

    @classmethod
    def from_response(cls, body: Mapping[str, Any], now: dt.datetime) -> TokenPair:
        """Build from a token endpoint answer received at `now`."""
        access = body.get("access_token")
        expires_in = body.get("expires_in")
        if not isinstance(access, str) or not isinstance(expires_in, int | float):
            raise AllegroResponseError("token response without access_token/expires_in")
        refresh = body.get("refresh_token") if isinstance(body.get("refresh_token"), str) else None
        refresh_in = body.get("refresh_expires_in", body.get("refresh_token_expires_in"))
        refresh_life = DEFAULT_REFRESH_LIFETIME
        if isinstance(refresh_in, int | float):
            refresh_life = dt.timedelta(seconds=refresh_in)
        return cls(
            access_token=access,
            refresh_token=refresh,
            access_expires_at=now + dt.timedelta(seconds=expires_in),
            refresh_expires_at=now + refresh_life if refresh else None,
            scope=body.get("scope") if isinstance(body.get("scope"), str) else None,
        )

    def expired(self, now: dt.datetime, skew: dt.timedelta = DEFAULT_SKEW) -> bool:
        """True when the access token is expired or will be within `skew`."""
        return self.access_expires_at - skew <= now

    def refresh_expired(self, now: dt.datetime) -> bool:
        """True when the refresh token is known to be past its lifetime (or absent)."""
        if not self.refresh_token:
            return True
        return self.refresh_expires_at is not None and self.refresh_expires_at <= now


@dataclass(frozen=True, slots=True)
class DeviceCode:
    """Answer of POST /auth/oauth/device: show `user_code`/`verification_uri_complete` to the user."""

    device_code: str
    user_code: str
    verification_uri: str
    verification_uri_complete: str | None
    expires_in: int
    interval: int


class OAuthClient:
    """Client of Allegro's OAuth endpoints (on the web host, not the api. host)."""

    def __init__(
        self,
        auth_url: str,
        client_id: str,
        client_secret: str,
        *,
        session: requests.Session | None = None,
        timeout: float | tuple[float, float] = 30.0,
        clock: Callable[[], dt.datetime] = utcnow,
        gate: RequestGate | None = None,
    ) -> None:
        self.auth_url = auth_url.rstrip("/")
        # token calls take turns from the same budget as the API's: a refresh storm of hundreds of
        # accounts must not push the application over its share
        self._gate = gate
        self._credentials = (client_id, client_secret)
        self._owns_session = session is None
        self._session = session or new_session(pool_maxsize=4)
        self._timeout = timeout
        self._clock = clock

    def close(self) -> None:
        """Release pooled connections (only when the session was created here)."""
        if self._owns_session:
            self._session.close()

    def start_device_flow(self) -> DeviceCode:
        """POST /auth/oauth/device: get a device code and the code the user types in."""
        body = self._post("/auth/oauth/device", data={"client_id": self._credentials[0]}, device=True)
        try:
            return DeviceCode(
                device_code=str(body["device_code"]),
                user_code=str(body["user_code"]),
                verification_uri=str(body["verification_uri"]),
                verification_uri_complete=body.get("verification_uri_complete"),
                expires_in=int(body["expires_in"]),
                interval=int(body.get("interval") or 5),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise AllegroResponseError(f"device code response lacks {exc}") from exc

    def poll_device_token(self, device_code: str) -> TokenPair:
        """POST /auth/oauth/token?grant_type=...device_code: one poll; raises while not approved."""
        params = {"grant_type": DEVICE_CODE_GRANT, "device_code": device_code}
        body = self._post("/auth/oauth/token", params=params, device=True)
        return TokenPair.from_response(body, self._clock())

    def wait_for_device_token(
        self,
        code: DeviceCode,
        *,
        sleep: Callable[[float], None] = time.sleep,
        on_wait: Callable[[float], None] | None = None,
    ) -> TokenPair:
        """Poll POST /auth/oauth/token until approved, honouring `interval` and slow_down.

        `on_wait(seconds)` is called before each pause, e.g. to print progress.
        Raises DeviceCodeExpired when the code's lifetime runs out, AccessDenied when refused.
        """
        interval = max(code.interval, 1)
        deadline = self._clock() + dt.timedelta(seconds=code.expires_in)
        waited = 0.0
        # both the clock and the sum of pauses count, so an injected sleep still terminates
        while waited + interval <= code.expires_in and self._clock() < deadline:
            if on_wait is not None:
                on_wait(interval)
            sleep(interval)
            waited += interval
            try:
                return self.poll_device_token(code.device_code)
            except AuthorizationPending:
                continue
            except SlowDown:
                interval += SLOW_DOWN_STEP
        raise DeviceCodeExpired("expired_token", "the device code expired before the user approved it")

    def refresh(self, refresh_token: str) -> TokenPair:
        """POST /auth/oauth/token?grant_type=refresh_token: a NEW pair; the old one stops working."""
        params = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        return TokenPair.from_response(self._post("/auth/oauth/token", params=params), self._clock())

    def _post(
        self,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
        device: bool = False,
    ) -> Mapping[str, Any]:
        if self._gate is not None:
            self._gate.acquire()
        response = send(
            self._session,
            "POST",
            self.auth_url + path,
            timeout=self._timeout,
            params=params,
            data=data,
            auth=self._credentials,
            headers={"Accept": "application/json"},
        )
        body = _json_object(response)
        if response.status_code >= 400:
            raise _oauth_error(response, body, device=device)
        return body


def _json_object(response: requests.Response) -> Mapping[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


_DEVICE_ERRORS: dict[str, type[DeviceFlowError]] = {
    "authorization_pending": AuthorizationPending,
    "slow_down": SlowDown,
    "expired_token": DeviceCodeExpired,
    "access_denied": AccessDenied,
}


def _oauth_error(response: requests.Response, body: Mapping[str, Any], *, device: bool) -> Exception:
    status = response.status_code
    error = body.get("error") if isinstance(body.get("error"), str) else None
    description = body.get("error_description") if isinstance(body.get("error_description"), str) else None
    if status >= 500 or status == 429 or (error is None and status not in (400, 401)):
        return error_for(status, response.content, response.headers)
    if device and error in _DEVICE_ERRORS:
        return _DEVICE_ERRORS[error](error, description, status)
    if error == "invalid_client" or status == 401:
        return InvalidClient(error, description, status)
    if error == "invalid_grant":
        # a dead device code is a flow problem; a dead refresh token means reconnecting the account
        cls = DeviceCodeExpired if device else AuthExpired
        return cls(error, description, status)
    return DeviceFlowError(error, description, status) if device else AuthError(error, description, status)


class TokenStore(Protocol):
    """Where one account's token pair lives (the desk keeps it in its database)."""

    def load(self) -> TokenPair | None:
        """The current pair, or None when the account was never connected."""

    def save(self, pair: TokenPair) -> None:
        """Persist durably BEFORE the pair is used: each refresh invalidates the previous pair."""

    def locked(self) -> AbstractContextManager[None]:
        """Serialise refreshes of this account across threads and processes."""


class MemoryTokenStore:
    """A TokenStore in memory, for the CLI and tests; safe across threads of one process."""

    def __init__(self, pair: TokenPair | None = None) -> None:
        self._pair = pair
        self._lock = threading.RLock()
        self.saves: list[TokenPair] = []

    def load(self) -> TokenPair | None:
        """The stored pair."""
        return self._pair

    def save(self, pair: TokenPair) -> None:
        """Replace the stored pair (and remember it in `saves`)."""
        self._pair = pair
        self.saves.append(pair)

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store's lock."""
        with self._lock:
            yield


class TokenManager:
    """Hands out a valid access token for one account, refreshing it at most once per need."""

    def __init__(
        self,
        store: TokenStore,
        oauth: OAuthClient | None,
        *,
        clock: Callable[[], dt.datetime] = utcnow,
        skew: dt.timedelta = DEFAULT_SKEW,
    ) -> None:
        self.store = store
        self._oauth = oauth
        self._clock = clock
        self._skew = skew

    def access_token(self) -> str:
        """A usable access token, refreshed proactively near expiry; AuthExpired if there is none."""
        pair = self.store.load()
        if pair is not None and not pair.expired(self._clock(), self._skew):
            return pair.access_token
        with self.store.locked():
            pair = self.store.load()  # another worker may have refreshed while we waited
            if pair is not None and not pair.expired(self._clock(), self._skew):
                return pair.access_token
            return self._refresh(pair).access_token

    def refresh_after_unauthorized(self, stale_access_token: str) -> str:
        """After a 401 for `stale_access_token`: adopt a pair rotated elsewhere, else refresh once."""
        with self.store.locked():
            pair = self.store.load()
            if (
                pair is not None
                and pair.access_token != stale_access_token
                and not pair.expired(self._clock(), self._skew)
            ):
                return pair.access_token
            return self._refresh(pair).access_token

    def _refresh(self, pair: TokenPair | None) -> TokenPair:
        now = self._clock()
        refresh_token = pair.refresh_token if pair is not None else None
        if pair is None or refresh_token is None or self._oauth is None or pair.refresh_expired(now):
            raise AuthExpired("no_refresh_token", "no usable refresh token: connect the account again")
        new = self._oauth.refresh(refresh_token)
        self.store.save(new)
        return new
