"""Access to the fake's state and the authenticated seller from inside request handlers."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from flask import current_app, g, request

from integrations.allegro.fake.errors import ApiError

if TYPE_CHECKING:
    from integrations.allegro.fake.state.core import FakeAllegroState

STATE_KEY = "fake_allegro_state"


def get_state() -> FakeAllegroState:
    """The FakeAllegroState behind the running app."""
    return current_app.extensions[STATE_KEY]


def current_seller() -> str:
    """The seller the request's access token belongs to (set by the gate)."""
    return g.seller_id


def json_body() -> dict[str, Any]:
    """The request's JSON object; a 400 like Allegro's when the body is not one."""
    try:
        body = json.loads(request.get_data(cache=True) or b"null")
    except ValueError:
        raise ApiError(400, "VALIDATION_ERROR", "Malformed JSON request body") from None
    if not isinstance(body, dict):
        raise ApiError(400, "VALIDATION_ERROR", "Request body must be a JSON object")
    return body
