"""HTTP plumbing shared by the API client and the OAuth client.

`send` turns `requests` exceptions into our transport errors, deciding whether the request may have
reached Allegro. `Requester` adds what every API call needs: headers, bearer token, one refresh on
401 invalid_token, retries of idempotent requests with capped, jittered backoff, and (given a
`RequestGate`) a turn from a request budget before each request, paused by every 429.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, NewConnectionError

from integrations.allegro._redact import log_exchange, redact
from integrations.allegro.errors import (
    AllegroConnectionError,
    AllegroOutcomeUnknown,
    AllegroResponseError,
    AllegroTransportError,
    RateLimited,
    ServerError,
    error_for,
    parse_error_body,
)

PUBLIC_V1 = "application/vnd.allegro.public.v1+json"
BETA_V1 = "application/vnd.allegro.beta.v1+json"
# Allegro serves these paths only in the beta representation; a public.v1 Accept gets 406.
_BETA_PREFIXES = ("/sale/issues",)
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})

Timeout = float | tuple[float, float]
Params = Sequence[tuple[str, str]]


class TokenSource(Protocol):
    """What the requester needs from the token manager."""

    def access_token(self) -> str:
        """A token to send now."""
        ...

    def refresh_after_unauthorized(self, stale_access_token: str) -> str:
        """A replacement for a token Allegro has just refused."""
        ...


class RequestGate(Protocol):
    """A budget of requests shared by everybody who talks to Allegro with one application's id."""

    def acquire(self) -> None:
        """Block until one more request may be sent."""
        ...

    def pause(self, seconds: float | None) -> None:
        """Allegro answered 429: nobody sends for `seconds` (None: Allegro did not say how long)."""
        ...


def json_object(response: requests.Response) -> Mapping[str, Any]:
    """The answer's JSON object; AllegroResponseError when it is not JSON or not an object."""
    try:
        body = response.json()
    except ValueError as exc:
        where = f"{response.request.method} {redact(response.url)}"
        raise AllegroResponseError(f"{where}: answer is not JSON") from exc
    if not isinstance(body, dict):
        raise AllegroResponseError(
            f"{response.request.method} {redact(response.url)}: answer is not a JSON object"
        )
    return body


def media_type_for(path: str) -> str:
    """The vendor media type an endpoint speaks, used for both Accept and Content-Type."""
    return BETA_V1 if path.startswith(_BETA_PREFIXES) else PUBLIC_V1


def new_session(pool_maxsize: int = 20) -> requests.Session:
    """A Session whose connection pool fits a worker with a few threads."""
    session = requests.Session()
    # requests' own retries stay off: only we know which requests are safe to send twice
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=pool_maxsize, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def send(
    session: requests.Session, method: str, url: str, *, timeout: Timeout, **kwargs: Any
) -> requests.Response:
    """One HTTP exchange; transport failures become AllegroConnectionError or AllegroOutcomeUnknown."""
    # requests' own messages carry the full URL, query (a refresh token, a device code) included
    url_text = redact(url)
    try:
        response = session.request(method, url, timeout=timeout, **kwargs)
    except requests.exceptions.ConnectTimeout:
        raise AllegroConnectionError(f"{method} {url_text}: connect timeout") from None
    except requests.exceptions.ConnectionError as exc:
        reason = redact(str(exc))
        if _never_sent(exc):
            raise AllegroConnectionError(f"{method} {url_text}: cannot connect ({reason})") from None
        raise AllegroOutcomeUnknown(f"{method} {url_text}: connection lost ({reason})") from None
    except (
        requests.exceptions.Timeout,
        requests.exceptions.ChunkedEncodingError,
        requests.exceptions.ContentDecodingError,
    ) as exc:
        raise AllegroOutcomeUnknown(f"{method} {url_text}: no complete answer ({redact(str(exc))})") from None
    log_exchange(method, url, response.status_code)
    return response


def _never_sent(exc: requests.exceptions.ConnectionError) -> bool:
    """True when the failure happened while opening the connection, before any byte of the request."""
    if isinstance(exc, requests.exceptions.SSLError | requests.exceptions.ProxyError):
        return True
    cause = exc.args[0] if exc.args else None
    if isinstance(cause, MaxRetryError):
        cause = cause.reason
    # NewConnectionError covers refused connections and DNS failures
    return isinstance(cause, NewConnectionError | ConnectTimeoutError)


@dataclass(slots=True)
class _Call:
    method: str
    url: str
    params: Params
    headers: dict[str, str]
    data: bytes | None
    refreshed: bool = False


class Requester:
    """Sends API calls with auth, headers, one token refresh and safe retries; counts what it sent."""

    def __init__(
        self,
        api_url: str,
        tokens: TokenSource,
        *,
        session: requests.Session,
        timeout: Timeout,
        max_retries: int,
        backoff_base: float,
        backoff_cap: float,
        sleep: Callable[[float], None],
        accept_language: str,
        user_agent: str,
        gate: RequestGate | None = None,
    ) -> None:
        if max_retries < 0 or backoff_base < 0 or backoff_cap < 0:
            raise ValueError("max_retries, backoff_base and backoff_cap must not be negative")
        self.api_url = api_url.rstrip("/")
        self.session = session
        self.request_count = 0
        self._tokens = tokens
        self._timeout = timeout
        self._max_retries = max_retries
        self._base = backoff_base
        self._cap = backoff_cap
        self._sleep = sleep
        self._language = accept_language
        self._user_agent = user_agent
        self._gate = gate
        self._random = random.Random()

    def call(
        self,
        method: str,
        path: str,
        *,
        params: Params = (),
        body: Mapping[str, Any] | None = None,
        accept_language: str | None = None,
        retry: bool | None = None,
        media_type: str | None = None,
    ) -> requests.Response:
        """Send `method path` and return the 2xx response, or raise the matching AllegroError.

        `retry` defaults to "idempotent methods only"; writes that an outbox confirms before any
        retry pass False so that nothing is ever sent twice behind its back. `media_type` (Accept,
        and Content-Type of a body) defaults to the one the path speaks (`media_type_for`); paths
        that serve several versions (e.g. `/messaging`) pass the one they want.
        """
        retry = method in IDEMPOTENT_METHODS if retry is None else retry
        call = _Call(
            method=method,
            url=self.api_url + path,
            params=params,
            headers=self._headers(media_type or media_type_for(path), body is not None, accept_language),
            data=None if body is None else json.dumps(body, ensure_ascii=False).encode(),
        )
        return self._with_retries(call, retry)

    def call_binary(
        self,
        method: str,
        url: str,
        *,
        accept: str,
        retry: bool,
        data: bytes | None = None,
        content_type: str | None = None,
    ) -> requests.Response:
        """A call with a binary body or answer (attachment upload and download) to an absolute URL.

        Token refresh, error mapping, retries and the request count work as in `call`.
        """
        headers = self._headers(accept, data is not None, None)
        headers["Accept"] = accept
        if content_type is not None:
            headers["Content-Type"] = content_type
        return self._with_retries(_Call(method=method, url=url, params=(), headers=headers, data=data), retry)

    def _with_retries(self, call: _Call, retry: bool) -> requests.Response:
        attempt = 0
        while True:
            try:
                return self._authorized(call)
            except (AllegroTransportError, RateLimited, ServerError) as exc:
                limited = isinstance(exc, RateLimited) and self._gate is not None
                if limited:
                    self._gate.pause(exc.retry_after)  # every worker of the application waits
                if not retry or attempt >= self._max_retries:
                    raise
                if not limited:  # with a gate the next turn from it does the waiting
                    self._sleep(self.backoff(attempt, exc))
                attempt += 1

    def backoff(self, attempt: int, exc: Exception) -> float:
        """Seconds to wait before retry number `attempt` (0-based); Retry-After wins, always capped."""
        if isinstance(exc, RateLimited) and exc.retry_after is not None:
            return min(exc.retry_after, self._cap)
        ceiling = min(self._cap, self._base * 2**attempt)
        # jitter keeps workers that failed together from retrying together
        return self._random.uniform(ceiling / 2, ceiling)

    def _authorized(self, call: _Call) -> requests.Response:
        token = self._tokens.access_token()
        response = self._send(call, token)
        if response.status_code == 401 and not call.refreshed and _invalid_token(response):
            call.refreshed = True  # at most one refresh per call, retries included
            token = self._tokens.refresh_after_unauthorized(token)
            response = self._send(call, token)
        if response.status_code >= 400:
            raise error_for(response.status_code, response.content, response.headers)
        return response

    def _send(self, call: _Call, token: str) -> requests.Response:
        headers = {**call.headers, "Authorization": f"Bearer {token}"}
        if self._gate is not None:
            self._gate.acquire()
        try:
            response = send(
                self.session,
                call.method,
                call.url,
                timeout=self._timeout,
                params=list(call.params),
                headers=headers,
                data=call.data,
            )
        except AllegroConnectionError:
            raise  # nothing left this machine: not counted as sent
        except AllegroOutcomeUnknown:
            self.request_count += 1
            raise
        self.request_count += 1
        return response

    def _headers(self, media: str, has_body: bool, accept_language: str | None) -> dict[str, str]:
        headers = {
            "Accept": media,
            "Accept-Language": accept_language or self._language,
            "User-Agent": self._user_agent,
        }
        if has_body:
            headers["Content-Type"] = media
        return headers


def _invalid_token(response: requests.Response) -> bool:
    return any(detail.code == "invalid_token" for detail in parse_error_body(response.content))
