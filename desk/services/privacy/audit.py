"""The privacy audit trail: one `PrivacyEvent` per transition, with ids, states and agents only."""

from __future__ import annotations

import datetime as dt

from desk.extensions import db
from desk.models.privacy_request import PrivacyEvent


def record_event(
    action: str, *, now: dt.datetime, agent_id: int | None, request_id: int | None = None,
    hold_id: int | None = None, export_id: int | None = None, from_state: str | None = None,
    to_state: str | None = None, info: dict | None = None,
) -> PrivacyEvent:
    """Add one audit row to the session (the caller commits). `info` must hold ids and counts only."""
    event = PrivacyEvent(
        action=action, at=now, agent_id=agent_id, request_id=request_id, hold_id=hold_id,
        export_id=export_id, from_state=from_state, to_state=to_state, info=info,
    )
    db.session.add(event)
    return event
