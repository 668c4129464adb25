"""What happens to every request before and after its handler.

Before: injected delay, rate limit, bearer token, media types, spec validation, injected faults.
After: trace-id header, dropping the connection when asked, and the request log.
"""
from __future__ import annotations

import json
import re
import secrets
import time
from typing import Any

from flask import Flask, Response, current_app, g, request

from integrations.allegro.fake.context import get_state
from integrations.allegro.fake.faults import Fault, drop_connection
from integrations.allegro.fake.request_log import RecordedRequest
from integrations.allegro.fake.responses import (
    BETA_V1,
    PUBLIC_V1,
    error_entry,
    errors_response,
    json_response,
    oauth_error_response,
)
from integrations.allegro.fake.state.issues import ATTACHMENT_TYPES
from integrations.allegro.fake.state.messaging import ATTACHMENT_TYPES as MESSAGE_ATTACHMENT_TYPES
from integrations.allegro.fake.validation import Violation, validate_request

# the media type each REST blueprint speaks; other blueprints (OAuth, the consent page) are not REST
API_MEDIA_TYPES = {
    "orders": PUBLIC_V1,
    "user": PUBLIC_V1,
    "issues": BETA_V1,
    "ratings": PUBLIC_V1,
    "messaging": PUBLIC_V1,
    "shipment_management": PUBLIC_V1,
}
_BOTH_VERSIONS = (PUBLIC_V1, BETA_V1)
# routes that also speak other media types than their blueprint's (Accept picks, in the client's order)
ROUTE_MEDIA_TYPES = {
    "GET /sale/user-ratings": _BOTH_VERSIONS,
    "GET /sale/user-ratings/{ratingId}": _BOTH_VERSIONS,
    "GET /sale/issues/attachments/{attachmentId}": ("*/*",),  # a file of whatever type was uploaded
    # the Message Center serves both versions on the same paths (allegro-api#13797)
    "GET /messaging/threads": _BOTH_VERSIONS,
    "GET /messaging/threads/{threadId}": _BOTH_VERSIONS,
    "PUT /messaging/threads/{threadId}/read": _BOTH_VERSIONS,
    "GET /messaging/threads/{threadId}/messages": _BOTH_VERSIONS,
    "POST /messaging/threads/{threadId}/messages": _BOTH_VERSIONS,
    "POST /messaging/messages": _BOTH_VERSIONS,
    "GET /messaging/messages/{messageId}": _BOTH_VERSIONS,
    "DELETE /messaging/messages/{messageId}": _BOTH_VERSIONS,
    "POST /messaging/message-attachments": _BOTH_VERSIONS,
    "PUT /messaging/message-attachments/{attachmentId}": _BOTH_VERSIONS,
    "GET /messaging/message-attachments/{attachmentId}": ("*/*",),
    # WzA labels and protocols are files; any other Accept gets 406 (AA#9023, AA#12378)
    "POST /shipment-management/label": ("application/octet-stream",),
    "POST /shipment-management/protocol": ("application/octet-stream",),
}
# bodies that are files in their own media type, not JSON: the types each such route accepts
# (the messaging upload also refuses parameters such as `;charset=`, in its handler)
BINARY_BODY_TYPES = {
    "PUT /sale/issues/attachments/{attachmentId}": ATTACHMENT_TYPES,
    "PUT /messaging/message-attachments/{attachmentId}": MESSAGE_ATTACHMENT_TYPES,
    # JSON requests whose answer is a file: the body keeps the vendor type
    "POST /shipment-management/label": frozenset({PUBLIC_V1}),
    "POST /shipment-management/protocol": frozenset({PUBLIC_V1}),
}
# WzA commands: a parseable body that breaks the spec is still accepted (200) and the command ends
# with ERROR in its status (AA#9637); only JSON that cannot be parsed gets 400 (AA#9859)
DEFERRED_VALIDATION_ROUTES = frozenset({
    "POST /shipment-management/shipments/create-commands",
    "POST /shipment-management/shipments/cancel-commands",
    "POST /shipment-management/pickups/create-commands",
})
# the spec lists the deprecated pickupDateProposalId as required, contradicting its own text
# ("required if pickupTime not provided"); Allegro accepts pickupTime alone
_IGNORED_VIOLATION_PATHS = frozenset({"input.pickupDateProposalId"})
# the only resources that accept a token without a user (client_credentials)
APPLICATION_TOKEN_ROUTES = frozenset({
    "GET /order/carriers", "GET /order/carriers/{carrierId}/tracking", "GET /order/carriers/ALLEGRO/points",
})
# routes whose spec declares 400 (not 422) for invalid values
VIOLATION_STATUS = {
    "POST /order/checkout-forms/{id}/shipments": 400,
    "GET /order/carriers/{carrierId}/tracking": 400,
    "PUT /sale/user-ratings/{ratingId}/answer": 400,
    "PUT /sale/user-ratings/{ratingId}/removal": 400,
}
VALIDATE_KEY = "FAKE_ALLEGRO_VALIDATE"
_RULE_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
_DEFAULT_FAULT_ERRORS = {
    400: ("VALIDATION_ERROR", "Bad request"),
    403: ("ACCESS_DENIED", "Access is denied"),
    404: ("NotFoundException", "Not found"),
    409: ("CONFLICT", "Conflict"),
    422: ("VALIDATION_ERROR", "Unprocessable entity"),
    429: ("TOO_MANY_REQUESTS", "Too many requests"),
    502: ("BAD_GATEWAY", "Bad gateway"),
    503: ("SERVICE_UNAVAILABLE", "Service temporarily unavailable"),
    504: ("GATEWAY_TIMEOUT", "Gateway timeout"),
}

_OAUTH_FAULT_ERRORS = {400: "invalid_request", 401: "invalid_client", 403: "access_denied"}


def install(app: Flask) -> None:
    """Register the hooks on the app."""
    app.before_request(_before)
    app.after_request(_after)


def route_key() -> str | None:
    """"METHOD /template" with the spec's {param} syntax, or None for unknown paths."""
    rule = request.url_rule
    if rule is None:
        return None
    template = _RULE_ARGUMENT.sub(r"{\1}", rule.rule)
    return f"{request.method} {template}"


def _before() -> Response | None:
    g.route = route_key()
    if request.routing_exception is not None or g.route is None:
        return None  # Flask answers 404/405 through the error handlers
    state = get_state()
    seconds = state.take_delay(g.route)
    if seconds:
        time.sleep(seconds)
    if request.blueprint in API_MEDIA_TYPES:
        refused = _api_checks()
        if refused is not None:
            return refused
    # taken only now, so a fault hits a request that would otherwise reach its handler
    fault = state.take_fault(g.route)
    return _apply_fault(fault) if fault is not None else None


def _api_checks() -> Response | None:
    state = get_state()
    wait = state.rate_limited()
    if wait is not None:
        response = errors_response(429, "TOO_MANY_REQUESTS", "Too many requests")
        response.headers["Retry-After"] = str(wait)
        return response
    token = state.authenticate(request.headers.get("Authorization"))  # raises OAuthError -> 401
    if token.seller_id is None and g.route not in APPLICATION_TOKEN_ROUTES:
        return errors_response(403, "ACCESS_DENIED", "Access is denied: the token has no user context")
    g.seller_id = token.seller_id
    return _media_type_checks() or _spec_checks()


def _media_type_checks() -> Response | None:
    offered = ROUTE_MEDIA_TYPES.get(g.route) or (API_MEDIA_TYPES[request.blueprint or ""],)
    accepted = [part.split(";")[0].strip().lower() for part in request.headers.get("Accept", "").split(",")]
    media_type = next((m for m in accepted if m in offered), None)
    g.media_type = media_type
    if media_type is None:
        return errors_response(
            406, "NotAcceptableException",
            "Not acceptable representation requested. Please check 'Accept' request header",
        )
    allowed = BINARY_BODY_TYPES.get(g.route, frozenset({media_type}))
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype not in allowed:
        return errors_response(
            415,
            "NotSupportedException",
            "Unsupported content type. Please check 'Content-Type' request header",
        )
    return None


def _spec_checks() -> Response | None:
    if not current_app.config.get(VALIDATE_KEY, True):
        return None
    violations = validate_request(
        request.method,
        request.path,
        request.args,
        request.headers,
        request.get_data(cache=True),
        request.content_type or "",
    )
    if g.route in DEFERRED_VALIDATION_ROUTES:
        return _defer(violations)
    if not violations:
        return None
    state = get_state()
    for violation in violations:
        state.record_violation(f"{g.route}: {violation.message}")
    return _violations_response(violations)


def _defer(violations: list[Violation]) -> Response | None:
    try:
        json.loads(request.get_data(cache=True) or b"null")
    except ValueError:
        return errors_response(400, "VALIDATION_ERROR", "Malformed JSON request body")
    kept = [v for v in violations if v.path not in _IGNORED_VIOLATION_PATHS]
    for violation in kept:
        get_state().record_violation(f"{g.route}: {violation.message}")
    g.deferred_violations = kept
    return None


def _violations_response(violations: list[Violation]) -> Response:
    status = VIOLATION_STATUS.get(g.route, 422)
    errors = [error_entry("VALIDATION_ERROR", v.message, path=v.path) for v in violations]
    return json_response({"errors": errors}, status)


def _apply_fault(fault: Fault) -> Response | None:
    if fault.kind == "drop_after":
        g.drop_after = True
        return None
    if fault.kind == "tamper":
        g.rewrite = fault.rewrite
        return None
    if fault.kind == "fail_after":
        g.fail_after = fault  # the handler applies its effect; the answer is replaced in _after
        return None
    if fault.kind == "drop_before":
        _record(status=0, dropped=True)  # logged first: the client returns as soon as the socket closes
        drop_connection(request.environ)
        return Response(status=500)  # never reaches the client
    return _fault_response(fault)


def _fault_response(fault: Fault) -> Response:
    if fault.body is not None:
        response = json_response(fault.body, fault.status)
    elif request.blueprint not in API_MEDIA_TYPES and fault.status < 500 and fault.status != 429:
        error = _OAUTH_FAULT_ERRORS.get(fault.status, "invalid_request")
        response = oauth_error_response(fault.status, error, "Injected failure")
    elif fault.status == 401:
        _, _, token = request.headers.get("Authorization", "").partition(" ")
        response = oauth_error_response(401, "invalid_token", f"Access token expired: {token.strip()}")
    else:
        code, message = _DEFAULT_FAULT_ERRORS.get(fault.status, ("ERROR", "An error has occurred"))
        response = errors_response(fault.status, code, message)
    if fault.retry_after is not None:
        response.headers["Retry-After"] = str(fault.retry_after)
    return response


def _after(response: Response) -> Response:
    if g.get("fail_after") is not None and response.status_code < 400:
        response = _fault_response(g.fail_after)
    response.headers["trace-id"] = secrets.token_hex(16)
    if g.get("rewrite") is not None and response.is_json:
        response.set_data(json.dumps(g.rewrite(json.loads(response.get_data()))))
    if not g.get("logged"):
        _record(status=response.status_code, dropped=bool(g.get("drop_after")))
    if g.get("drop_after"):
        # the handler has committed its effect; now the client must not learn the outcome
        drop_connection(request.environ)
    return response


def _record(*, status: int, dropped: bool) -> None:
    g.logged = True
    state = get_state()
    state.record_request(
        RecordedRequest(
            method=request.method,
            route=g.get("route"),
            path=request.path,
            query=request.args.to_dict(flat=False),
            headers=dict(request.headers.items()),
            body=_logged_body(),
            status=status,
            dropped=dropped,
            at=state.now(),
        )
    )


def _logged_body() -> Any:
    raw = request.get_data(cache=True)
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw
