"""Outbox kinds for ratings: a public answer and a removal request, how each is sent and recognised
on Allegro, and how a refusal is explained (entry points: ratings.actions).

Both PUTs answer 201 and refuse with 400; a refusal is explained by re-reading the rating (already
answered, deadline passed...) and carries the desk's own reason code.
"""
from __future__ import annotations

from desk.extensions import db
from desk.models import OutboxMessage
from desk.models.rating import DraftKind, Rating
from desk.orm import utcnow
from desk.services import outbox
from desk.services.ratings import rollup as rating_rollup
from desk.services.ratings.store import upsert_ratings
from integrations.allegro import AllegroClient, AllegroError, ApiErrorDetail, BadRequest

ANSWER = "rating_answer"
REMOVAL = "rating_removal"
KINDS = {DraftKind.ANSWER: ANSWER, DraftKind.REMOVAL: REMOVAL}
# Codes a refusal is explained with (the desk's own, shown translated by the views).
ALREADY_ANSWERED = "RATING_ALREADY_ANSWERED"
DEADLINE_PASSED = "RATING_REMOVAL_DEADLINE_PASSED"
ALREADY_REQUESTED = "RATING_REMOVAL_ALREADY_REQUESTED"


def _send_answer(client: AllegroClient, message: OutboxMessage) -> dict:
    try:
        answer = client.answer_rating(message.target_id, message.payload["text"])
    except BadRequest as exc:
        raise _explained(client, message, exc) from exc
    return {"created_at": answer.created_at.isoformat() if answer.created_at else None}


def _confirm_answer(client: AllegroClient, message: OutboxMessage) -> dict | None:
    answer = client.get_rating(message.target_id).answer
    if answer is not None and _same(answer.message, message.payload["text"]):
        return {"created_at": answer.created_at.isoformat() if answer.created_at else None}
    return None


def _send_removal(client: AllegroClient, message: OutboxMessage) -> dict:
    try:
        request = client.request_rating_removal(message.target_id, message.payload["text"])
    except BadRequest as exc:
        raise _explained(client, message, exc) from exc
    return {"created_at": request.created_at.isoformat() if request.created_at else None}


def _confirm_removal(client: AllegroClient, message: OutboxMessage) -> dict | None:
    request = client.get_rating(message.target_id).removal_request
    if request is not None and _same(request.message, message.payload["text"]):
        return {"created_at": request.created_at.isoformat() if request.created_at else None}
    return None


def _same(sent: str | None, ours: str) -> bool:
    return (sent or "").strip() == ours.strip()


def _explained(client: AllegroClient, message: OutboxMessage, exc: BadRequest) -> BadRequest:
    """Allegro's 400 with the desk's reason code when re-reading the rating shows why."""
    try:
        rating = client.get_rating(message.target_id)
    except AllegroError:
        return exc
    code = None
    if message.kind == ANSWER and rating.answer is not None:
        code = ALREADY_ANSWERED
    elif message.kind == REMOVAL and rating.removal_request is not None:
        code = ALREADY_REQUESTED
    elif message.kind == REMOVAL and rating.removal_possible_to and utcnow() > rating.removal_possible_to:
        code = DEADLINE_PASSED
    if code is None:
        return exc
    detail = ApiErrorDetail(code=code, message=str(exc), user_message=exc.user_message)
    return BadRequest(exc.status, (detail,), exc.trace_id)


def _refresh_rating(client: AllegroClient, message: OutboxMessage) -> None:
    """Re-read the rating after a write so the desk shows Allegro's view at once."""
    rating = db.session.get(Rating, message.payload.get("rating_id"))
    if rating is None:
        return
    dto = client.get_rating(message.target_id)
    _outcomes, days, _negatives = upsert_ratings(rating.account_id, [dto], now=utcnow(), initial=False)
    if message.kind == ANSWER and rating.is_new_negative:
        rating.is_new_negative = False  # answered: handled
        rating.acknowledged_at = rating.acknowledged_at or utcnow()
        rating.acknowledged_by = rating.acknowledged_by or message.created_by
    rating_rollup.refresh_days(rating.account_id, days | {rating.rated_on})


HANDLERS: outbox.Handlers = {
    ANSWER: outbox.Handler(send=_send_answer, confirm=_confirm_answer, after=_refresh_rating),
    REMOVAL: outbox.Handler(send=_send_removal, confirm=_confirm_removal, after=_refresh_rating),
}
