"""GET /me: who the access token belongs to."""
from __future__ import annotations

from flask import Blueprint, Response

from integrations.allegro.fake.context import current_seller, get_state
from integrations.allegro.fake.responses import json_response

bp = Blueprint("user", __name__)


@bp.get("/me")
def me() -> Response:
    """Basic information about the authenticated seller."""
    return json_response(get_state().sellers[current_seller()])
