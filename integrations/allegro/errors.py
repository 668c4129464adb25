"""The Allegro error tree and the one function that maps an HTTP answer onto it.

AllegroError
├── AllegroTransportError
│   ├── AllegroConnectionError   the request was certainly not sent (safe to send again)
│   └── AllegroOutcomeUnknown    the request may have reached Allegro (re-read before sending again)
├── AllegroHTTPError             Allegro answered with a 4xx/5xx (one subclass per status we act on)
├── AllegroResponseError         a 2xx answer we cannot read (not JSON, required field missing)
│   └── UnreadableRecord         one record of it cannot be read, or is not the one asked for
└── AuthError                    OAuth token endpoint refused us
    ├── AuthExpired              the refresh token is dead: the account must be connected again
    ├── InvalidClient            client id/secret rejected
    └── DeviceFlowError          AuthorizationPending, SlowDown, DeviceCodeExpired, AccessDenied
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from integrations.allegro._redact import redact

if TYPE_CHECKING:
    from integrations.allegro.models import RejectedRecord


class AllegroError(Exception):
    """Base of every error raised by the Allegro integration."""


class AllegroTransportError(AllegroError):
    """No usable HTTP answer arrived (connection, TLS or timeout trouble)."""


class AllegroConnectionError(AllegroTransportError):
    """The request was certainly not sent (connection refused, connect timeout, DNS failure)."""


class AllegroOutcomeUnknown(AllegroTransportError):
    """The request may have reached Allegro (read timeout, connection dropped after sending)."""


class AllegroResponseError(AllegroError):
    """A successful answer that does not have the shape the spec promises."""


class UnreadableRecord(AllegroResponseError):
    """A single-record answer that cannot be read, or that is another record than the one asked
    for; `record` (a models.RejectedRecord) keeps its raw JSON for quarantine."""

    def __init__(self, record: RejectedRecord) -> None:
        self.record = record
        super().__init__(f"{record.kind} {record.allegro_id or '?'}: {record.error}")


@dataclass(frozen=True, slots=True)
class ApiErrorDetail:
    """One entry of Allegro's `{"errors": [...]}` body (or an OAuth `{"error": ...}` body)."""

    code: str | None
    message: str | None
    details: str | None = None
    path: str | None = None
    user_message: str | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)


class AllegroHTTPError(AllegroError):
    """Allegro answered with an error status; `errors` holds the parsed body entries."""

    def __init__(self, status: int, errors: tuple[ApiErrorDetail, ...] = (), trace_id: str | None = None):
        self.status = status
        self.errors = errors
        self.trace_id = trace_id
        super().__init__(self._summary())

    @property
    def code(self) -> str | None:
        """The first error code, e.g. VALIDATION_ERROR or invalid_token."""
        return next((e.code for e in self.errors if e.code), None)

    @property
    def user_message(self) -> str | None:
        """The first localized userMessage, falling back to the developer message."""
        found = next((e.user_message for e in self.errors if e.user_message), None)
        return found or next((e.message for e in self.errors if e.message), None)

    def _summary(self) -> str:
        first = self.errors[0] if self.errors else None
        text = f"HTTP {self.status}"
        if first is not None:
            text += f" {first.code or ''}: {first.message or first.user_message or ''}".rstrip(": ")
        if self.trace_id:
            text += f" (trace-id {self.trace_id})"
        return text


class BadRequest(AllegroHTTPError):
    """400: a missing or illegal value."""


class Unauthorized(AllegroHTTPError):
    """401: the access token is missing, expired or from the wrong environment."""


class Forbidden(AllegroHTTPError):
    """403: the token lacks the scope or the user context."""


class NotFound(AllegroHTTPError):
    """404: unknown resource, or one that belongs to another seller."""


class NotAcceptable(AllegroHTTPError):
    """406: the Accept media type does not match the endpoint."""


class Conflict(AllegroHTTPError):
    """409: outdated revision or a limit on the resource (e.g. waybill used too often)."""


class UnsupportedMediaType(AllegroHTTPError):
    """415: the Content-Type does not match the endpoint."""


class ValidationFailed(AllegroHTTPError):
    """422: the request is well-formed but its data is rejected."""


class RateLimited(AllegroHTTPError):
    """429: too many requests; `retry_after` is the server's hint in seconds, if any."""

    def __init__(
        self,
        status: int,
        errors: tuple[ApiErrorDetail, ...] = (),
        trace_id: str | None = None,
        retry_after: float | None = None,
    ):
        self.retry_after = retry_after
        super().__init__(status, errors, trace_id)


class ServerError(AllegroHTTPError):
    """5xx: Allegro failed; idempotent requests may be retried."""


class AuthError(AllegroError):
    """The OAuth endpoint refused a request; `error` is the OAuth error code."""

    def __init__(self, error: str | None, description: str | None = None, status: int | None = None):
        self.error = error
        self.description = description
        self.status = status
        super().__init__(f"{error or 'oauth error'}: {description or ''}".rstrip(": "))


class AuthExpired(AuthError):
    """The refresh token is dead (invalid_grant) or absent: the account needs reconnection."""


class InvalidClient(AuthError):
    """The client id or secret was rejected."""


class DeviceFlowError(AuthError):
    """The device-authorization flow did not (yet) produce a token."""


class AuthorizationPending(DeviceFlowError):
    """The user has not approved the device code yet; poll again after `interval`."""


class SlowDown(DeviceFlowError):
    """Polling too fast; add 5 seconds to the interval."""


class DeviceCodeExpired(DeviceFlowError):
    """The device code expired before approval; start the flow again."""


class AccessDenied(DeviceFlowError):
    """The user refused the authorization."""


_BY_STATUS: dict[int, type[AllegroHTTPError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    406: NotAcceptable,
    409: Conflict,
    415: UnsupportedMediaType,
    422: ValidationFailed,
    429: RateLimited,
}


def error_for(
    status: int, body: bytes | str | None, headers: Mapping[str, str] | None = None
) -> AllegroHTTPError:
    """Build the exception for an error answer: class by status, details from the body, trace-id."""
    headers = headers or {}
    errors = parse_error_body(body)
    trace_id = _header(headers, "trace-id")
    if status == 429:
        retry_after = parse_retry_after(_header(headers, "Retry-After"))
        return RateLimited(status, errors, trace_id, retry_after=retry_after)
    cls = ServerError if status >= 500 else _BY_STATUS.get(status, AllegroHTTPError)
    return cls(status, errors, trace_id)


def parse_error_body(body: bytes | str | None) -> tuple[ApiErrorDetail, ...]:
    """Read an ErrorsHolder or OAuth-style body; anything else yields no details."""
    data = _json_or_none(body)
    if not isinstance(data, dict):
        return ()
    if isinstance(data.get("errors"), list):
        return tuple(_detail(item) for item in data["errors"] if isinstance(item, dict))
    if isinstance(data.get("error"), str):
        # OAuth-shaped (401 and token endpoint): {"error": ..., "error_description": ...}
        return (ApiErrorDetail(code=data["error"], message=_redacted(data.get("error_description"))),)
    return ()


def parse_retry_after(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Retry-After as seconds: either a number or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    now = now or dt.datetime.now(dt.UTC)
    return max(0.0, (when - now).total_seconds())


def _redacted(value: Any) -> str | None:
    # an error text may echo a token back ("Invalid access token: eyJ...")
    text = _str(value)
    return redact(text) if text else text


def _detail(item: dict[str, Any]) -> ApiErrorDetail:
    metadata = item.get("metadata")
    return ApiErrorDetail(
        code=_str(item.get("code")),
        message=_redacted(item.get("message")),
        details=_redacted(item.get("details")),
        path=_str(item.get("path")),
        user_message=_str(item.get("userMessage")),
        metadata={str(k): str(v) for k, v in metadata.items()} if isinstance(metadata, dict) else {},
    )


def _json_or_none(body: bytes | str | None) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is not None:
        return value
    lowered = name.lower()
    return next((v for k, v in headers.items() if k.lower() == lowered), None)
