"""error_for: status -> class, ErrorsHolder / OAuth / junk bodies -> details, trace-id, Retry-After."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from integrations.allegro import (
    AllegroError,
    AllegroHTTPError,
    ApiErrorDetail,
    BadRequest,
    Conflict,
    Forbidden,
    NotAcceptable,
    NotFound,
    RateLimited,
    ServerError,
    Unauthorized,
    UnsupportedMediaType,
    ValidationFailed,
    error_for,
)
from integrations.allegro.errors import parse_retry_after

ERRORS_HOLDER = {
    "errors": [
        {
            "code": "VALIDATION_ERROR",
            "message": "Offset and limit parameters exceed maximal result size of 10000 items",
            "details": None,
            "path": "limit",
            "userMessage": "Żądanie zawiera niepoprawne dane.",
            "metadata": {"max": "10000"},
        },
        {"code": "SECOND", "message": "second problem", "userMessage": ""},
    ]
}


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequest),
        (401, Unauthorized),
        (403, Forbidden),
        (404, NotFound),
        (406, NotAcceptable),
        (409, Conflict),
        (415, UnsupportedMediaType),
        (422, ValidationFailed),
        (429, RateLimited),
        (500, ServerError),
        (502, ServerError),
        (503, ServerError),
        (504, ServerError),
    ],
)
def test_status_picks_class(status: int, cls: type[AllegroHTTPError]) -> None:
    error = error_for(status, b"", {})
    assert type(error) is cls
    assert error.status == status
    assert isinstance(error, AllegroError)


@pytest.mark.parametrize("status", [405, 410, 413, 418])
def test_other_statuses_get_the_base_class(status: int) -> None:
    error = error_for(status, None, {})
    assert type(error) is AllegroHTTPError and error.status == status


def test_errors_holder_body_is_parsed_in_full() -> None:
    error = error_for(422, json.dumps(ERRORS_HOLDER).encode(), {"trace-id": "abc-123"})
    assert isinstance(error, ValidationFailed)
    assert error.errors == (
        ApiErrorDetail(
            code="VALIDATION_ERROR",
            message="Offset and limit parameters exceed maximal result size of 10000 items",
            details=None,
            path="limit",
            user_message="Żądanie zawiera niepoprawne dane.",
            metadata={"max": "10000"},
        ),
        ApiErrorDetail(code="SECOND", message="second problem", user_message=""),
    )
    assert error.code == "VALIDATION_ERROR"
    assert error.user_message == "Żądanie zawiera niepoprawne dane."
    assert error.trace_id == "abc-123"
    assert "trace-id abc-123" in str(error) and "VALIDATION_ERROR" in str(error)


def test_user_message_skips_empty_and_falls_back_to_message() -> None:
    body = {"errors": [{"code": "A", "message": "developer text", "userMessage": ""}]}
    assert error_for(409, json.dumps(body), {}).user_message == "developer text"


def test_oauth_shaped_401_body() -> None:
    body = b'{"error":"invalid_token","error_description":"Access token expired: eyJ..."}'
    error = error_for(401, body, {"Trace-Id": "T9"})
    assert isinstance(error, Unauthorized)
    assert error.errors == (ApiErrorDetail(code="invalid_token", message="Access token expired: eyJ..."),)
    assert error.code == "invalid_token"
    assert error.user_message == "Access token expired: eyJ..."
    assert error.trace_id == "T9"  # header names are case-insensitive


@pytest.mark.parametrize(
    "body",
    [
        b"<html><body>502 Bad Gateway</body></html>",
        b"",
        None,
        b"[1, 2]",
        b'{"unexpected": true}',
        b"\xff\xfe",
    ],
    ids=["html", "empty", "none", "json-list", "unknown-object", "not-utf8"],
)
def test_unreadable_bodies_yield_no_details(body: bytes | None) -> None:
    error = error_for(502, body, {})
    assert isinstance(error, ServerError)
    assert error.errors == ()
    assert error.code is None and error.user_message is None
    assert str(error) == "HTTP 502"


def test_malformed_entries_are_skipped_and_wrong_types_dropped() -> None:
    body = {"errors": ["text", {"code": 7, "message": "m", "metadata": ["x"]}]}
    (detail,) = error_for(400, json.dumps(body), {}).errors
    assert detail == ApiErrorDetail(code=None, message="m", metadata={})


def test_rate_limited_reads_retry_after_seconds() -> None:
    error = error_for(429, b"", {"Retry-After": "7"})
    assert isinstance(error, RateLimited) and error.retry_after == 7.0


def test_rate_limited_without_retry_after() -> None:
    error = error_for(429, b'{"errors":[{"code":"TOO_MANY_REQUESTS"}]}', {})
    assert isinstance(error, RateLimited)
    assert error.retry_after is None and error.code == "TOO_MANY_REQUESTS"


def test_retry_after_as_http_date() -> None:
    now = dt.datetime(2026, 11, 20, 10, 0, 0, tzinfo=dt.UTC)
    assert parse_retry_after("Fri, 20 Nov 2026 10:00:12 GMT", now) == 12.0
    assert parse_retry_after("Fri, 20 Nov 2026 09:00:00 GMT", now) == 0.0


@pytest.mark.parametrize("value", [None, "", "soon", "-3"])
def test_retry_after_garbage_or_negative(value: str | None) -> None:
    assert parse_retry_after(value) in (None, 0.0)
    if value != "-3":
        assert parse_retry_after(value) is None
