"""Answering ratings and asking for their removal: a draft in the desk, then exactly one write
through the outbox (its kinds: ratings.writes).

Allegro accepts one answer per rating (there is no way to change or delete it) and one removal
request before `removal.possibleTo`. Both PUTs answer 201 and refuse with 400; a refusal leaves the
draft in place and is explained by re-reading the rating (already answered, deadline passed...).
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select

from desk.extensions import db
from desk.models import OutboxMessage, OutboxState
from desk.models.rating import RATING_TEXT_MAX, DraftKind, DraftState, Rating, RatingDraft
from desk.orm import utcnow
from desk.services import outbox
from desk.services.errors import N_, ConflictError, NotFoundError, PermissionDenied, ValidationError
from desk.services.ports import AllegroGateway
from desk.services.ratings.writes import HANDLERS, KINDS

IN_FLIGHT = (OutboxState.PENDING, OutboxState.SENDING, OutboxState.UNKNOWN)
WARSAW = ZoneInfo("Europe/Warsaw")


def format_deadline(moment: dt.datetime) -> str:
    """dd.mm.yyyy hh:mm in Polish time, as the desk shows deadlines."""
    return moment.astimezone(WARSAW).strftime("%d.%m.%Y %H:%M")


def visible_rating(rating_id: int, account_ids: set[int] | None) -> Rating:
    """The rating if it exists and the caller may see it, else NotFoundError."""
    rating = db.session.get(Rating, rating_id)
    if rating is None or (account_ids is not None and rating.account_id not in account_ids):
        raise NotFoundError(N_("Rating not found."))
    return rating


def clean_text(text: str | None) -> str:
    """The text as it will be sent: trimmed, 1 to 500 characters."""
    body = (text or "").replace("\r\n", "\n").strip()
    if not body:
        raise ValidationError(N_("Write the text first."))
    if len(body) > RATING_TEXT_MAX:
        raise ValidationError(
            N_("The text may have at most %(max)d characters (it has %(count)d)."),
            max=RATING_TEXT_MAX,
            count=len(body),
        )
    return body


def answer_rating(
    gateway: AllegroGateway, *, rating_id: int, text: str, agent_id: int | None, idempotency_key: str,
    needs_approval: bool = False, account_ids: set[int] | None = None,
) -> RatingDraft:
    """Answer a rating publicly; with `needs_approval` the answer waits for an owner. Commits."""
    rating = visible_rating(rating_id, account_ids)
    known = _draft_with_key(rating, DraftKind.ANSWER, idempotency_key)
    if known is not None:
        return known
    body = clean_text(text)
    _check_answerable(rating)
    state = DraftState.PROPOSED if needs_approval else DraftState.QUEUED
    draft = _new_draft(rating, DraftKind.ANSWER, body, state, agent_id, idempotency_key)
    return _queue(gateway, draft) if state is DraftState.QUEUED else draft


def request_removal(
    gateway: AllegroGateway, *, rating_id: int, text: str, agent_id: int | None, idempotency_key: str,
    now: dt.datetime | None = None, account_ids: set[int] | None = None,
) -> RatingDraft:
    """Ask Allegro (and through it the buyer) to remove a rating, before its deadline. Commits."""
    now = now or utcnow()
    rating = visible_rating(rating_id, account_ids)
    known = _draft_with_key(rating, DraftKind.REMOVAL, idempotency_key)
    if known is not None:
        return known
    body = clean_text(text)
    check_removable(rating, now)
    draft = _new_draft(rating, DraftKind.REMOVAL, body, DraftState.QUEUED, agent_id, idempotency_key)
    return _queue(gateway, draft)


def check_removable(rating: Rating, now: dt.datetime) -> None:
    """Refuse a removal request Allegro would refuse (or one already on its way)."""
    if rating.removal_requested_at is not None:
        raise ValidationError(N_("Removal of this rating has already been requested."))
    if rating.removal_possible_to is None:
        raise ValidationError(N_("Allegro does not allow requesting removal of this rating."))
    if now > rating.removal_possible_to:
        raise ValidationError(
            N_("The deadline for a removal request passed on %(deadline)s."),
            deadline=format_deadline(rating.removal_possible_to),
        )
    if _in_flight(rating, DraftKind.REMOVAL):
        raise ConflictError(N_("A removal request for this rating is already being sent."))


def _check_answerable(rating: Rating) -> None:
    if rating.answer_text is not None:
        raise ValidationError(N_("This rating already has an answer; Allegro does not allow changing it."))
    if _in_flight(rating, DraftKind.ANSWER):
        raise ConflictError(N_("An answer to this rating is already being sent."))
    if any(d.kind is DraftKind.ANSWER and d.state is DraftState.PROPOSED for d in rating.drafts):
        raise ConflictError(N_("An answer to this rating is already waiting for approval."))


def _in_flight(rating: Rating, kind: DraftKind) -> bool:
    query = select(OutboxMessage.id).where(
        OutboxMessage.account_id == rating.account_id,
        OutboxMessage.kind == KINDS[kind],
        OutboxMessage.target_id == rating.allegro_id,
        OutboxMessage.state.in_(IN_FLIGHT),
    )
    return db.session.scalar(query.limit(1)) is not None


def _draft_with_key(rating: Rating, kind: DraftKind, form_key: str) -> RatingDraft | None:
    key = outbox.write_key(KINDS[kind], rating.account_id, rating.id, form_key)
    return db.session.scalar(select(RatingDraft).where(RatingDraft.idempotency_key == key))


def _new_draft(rating, kind, body, state, agent_id, form_key) -> RatingDraft:
    draft = RatingDraft(
        rating_id=rating.id, kind=kind, text=body, state=state, author_id=agent_id,
        idempotency_key=outbox.write_key(KINDS[kind], rating.account_id, rating.id, form_key),
    )
    db.session.add(draft)
    db.session.commit()
    return draft


def _queue(gateway: AllegroGateway, draft: RatingDraft) -> RatingDraft:
    """Hand the draft to the outbox (once: the key derives from the draft) and try to send it now."""
    rating = draft.rating
    message = outbox.enqueue(
        account_id=rating.account_id,
        kind=KINDS[draft.kind],
        target_id=rating.allegro_id,
        payload={"text": draft.text, "rating_id": rating.id, "draft_id": draft.id},
        idempotency_key=outbox.write_key(
            KINDS[draft.kind], rating.account_id, rating.id, f"draft-{draft.id}"
        ),
        agent_id=draft.author_id,
    )
    draft.state = DraftState.QUEUED
    draft.outbox_message_id = message.id
    db.session.commit()
    outbox.deliver(gateway, message.id, HANDLERS)
    db.session.refresh(draft)
    return draft


# --- approval -----------------------------------------------------------------------------------


def _proposed(draft_id: int, account_ids: set[int] | None) -> RatingDraft:
    draft = db.session.get(RatingDraft, draft_id)
    if draft is None or (account_ids is not None and draft.rating.account_id not in account_ids):
        raise NotFoundError(N_("This draft does not exist."))
    if draft.state is not DraftState.PROPOSED:
        raise ConflictError(N_("This draft has already been decided."))
    return draft


def approve_draft(
    gateway: AllegroGateway, *, draft_id: int, owner_id: int, text: str | None = None,
    account_ids: set[int] | None = None, now: dt.datetime | None = None,
) -> RatingDraft:
    """An owner approves a proposed answer (optionally corrected) and it is sent. Commits."""
    draft = _proposed(draft_id, account_ids)
    if draft.author_id == owner_id:
        raise PermissionDenied(N_("An answer cannot be approved by its own author."))
    if text is not None:
        draft.text = clean_text(text)
    if draft.rating.answer_text is not None:
        raise ValidationError(N_("This rating already has an answer; Allegro does not allow changing it."))
    draft.decided_by, draft.decided_at = owner_id, now or utcnow()
    return _queue(gateway, draft)


def reject_draft(
    *, draft_id: int, owner_id: int, note: str = "", account_ids: set[int] | None = None,
    now: dt.datetime | None = None,
) -> RatingDraft:
    """An owner declines a proposed answer; the author sees why. Commits."""
    draft = _proposed(draft_id, account_ids)
    draft.state = DraftState.REJECTED
    draft.decided_by, draft.decided_at = owner_id, now or utcnow()
    draft.decision_note = (note or "").strip()[:500] or None
    db.session.commit()
    return draft


def retry_draft(gateway: AllegroGateway, draft_id: int, account_ids: set[int] | None) -> RatingDraft:
    """Send a failed write again (the same outbox row, so it is still sent at most once). Commits."""
    draft = db.session.get(RatingDraft, draft_id)
    if draft is None or draft.outbox_message_id is None or (
        account_ids is not None and draft.rating.account_id not in account_ids
    ):
        raise NotFoundError(N_("This draft does not exist."))
    outbox.retry(draft.outbox_message_id)
    outbox.deliver(gateway, draft.outbox_message_id, HANDLERS)
    db.session.refresh(draft)
    return draft
