"""HTTP under every carrier adapter: one place that turns transport trouble into the error tree.

The rule that keeps a parcel from being ordered twice: a write whose answer did not arrive (read
timeout, connection reset after the request went out, a 5xx the carrier may have produced after
committing) is OutcomeUnknown; only a failure that certainly happened before the carrier saw the
request (connection refused, connect timeout) is CarrierUnavailable. Reads are retried a few times;
writes never are here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import requests

from integrations.carriers.errors import (
    CarrierAuthError,
    CarrierError,
    CarrierRateLimited,
    CarrierUnavailable,
    OutcomeUnknown,
)

DEFAULT_TIMEOUT = (5.0, 30.0)  # connect, read
READ_ATTEMPTS = 3
READ_BACKOFF = 0.2  # seconds, doubled per attempt


def retry_after_of(response: requests.Response) -> float | None:
    """Seconds from a Retry-After header given in seconds (dates are rare here and ignored)."""
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def transport_error(exc: requests.RequestException, *, carrier: str, write: bool) -> CarrierError:
    """The error tree's reading of a requests exception."""
    if isinstance(exc, requests.ConnectTimeout):
        return CarrierUnavailable(f"connect timeout: {exc}", carrier=carrier)
    if isinstance(exc, requests.ConnectionError) and not isinstance(exc, requests.ReadTimeout):
        text = str(exc)
        refused = "refused" in text.lower() or "Failed to establish" in text or "NameResolution" in text
        if refused or not write:
            return CarrierUnavailable(f"connection failed: {exc}", carrier=carrier)
        return OutcomeUnknown(f"connection lost after sending: {exc}", carrier=carrier)
    if write:
        return OutcomeUnknown(f"no answer: {exc}", carrier=carrier)
    return CarrierUnavailable(f"no answer: {exc}", carrier=carrier)


def status_error(response: requests.Response, *, carrier: str, write: bool) -> CarrierError | None:
    """The transport-level errors every carrier shares (auth, rate limit, 5xx); None for the rest,
    which the adapter reads in its own dialect."""
    status = response.status_code
    body = response.text[:2000]
    if status in (401, 403):
        return CarrierAuthError(f"HTTP {status}", carrier=carrier, raw=body)
    if status == 429:
        return CarrierRateLimited(
            "rate limited", carrier=carrier, retry_after=retry_after_of(response), raw=body
        )
    if status == 503 and not write:
        return CarrierUnavailable("HTTP 503", carrier=carrier, raw=body)
    if status >= 500:
        if write:
            return OutcomeUnknown(f"HTTP {status} after sending", carrier=carrier, raw=body)
        return CarrierUnavailable(f"HTTP {status}", carrier=carrier, raw=body)
    return None


def call(
    send: Callable[[], requests.Response],
    *,
    carrier: str,
    write: bool,
    sleep: Callable[[float], None] = time.sleep,
) -> requests.Response:
    """Run `send` (one HTTP request); reads are retried on CarrierUnavailable, writes never.

    Returns the response when it is not a shared transport error; the adapter then reads 2xx/4xx.
    """
    attempts = 1 if write else READ_ATTEMPTS
    for attempt in range(1, attempts + 1):
        try:
            response = send()
        except requests.RequestException as exc:
            error: CarrierError = transport_error(exc, carrier=carrier, write=write)
        else:
            found = status_error(response, carrier=carrier, write=write)
            if found is None:
                return response
            error = found
        if not isinstance(error, CarrierUnavailable) or attempt == attempts:
            raise error
        sleep(READ_BACKOFF * 2 ** (attempt - 1))
    raise AssertionError("unreachable")  # pragma: no cover


def session_with(headers: dict[str, str] | None = None, auth: Any = None) -> requests.Session:
    """A pooled session with default headers (and HTTP Basic auth where the carrier uses it)."""
    session = requests.Session()
    if headers:
        session.headers.update(headers)
    if auth is not None:
        session.auth = auth
    return session
