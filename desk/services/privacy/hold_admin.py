"""Owners set and lift legal holds; each change is audited, and a hold past its review date is a task."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select

from desk.extensions import db
from desk.models import Order
from desk.models.issue import Issue
from desk.models.privacy_request import HoldReason, HoldScope, LegalHold
from desk.services.errors import N_, ConflictError, NotFoundError, ValidationError
from desk.services.privacy.audit import record_event

NOTE_MAX_LENGTH = 2000


@dataclass(frozen=True)
class HoldForm:
    """What an owner fills in to set a hold. `target` is the buyer's Allegro id, an order's Allegro id or
    an issue's Allegro id, by scope (empty for a whole account)."""

    account_id: int
    scope: HoldScope
    reason: HoldReason
    target: str = ""
    review_on: dt.date | None = None
    note: str = ""


def set_hold(form: HoldForm, *, account_ids: Collection[int], agent_id: int, now: dt.datetime) -> LegalHold:
    """Record a manual hold on one of the caller's accounts. Commits."""
    if form.account_id not in account_ids:
        raise NotFoundError(N_("No such seller account."))
    if len(form.note) > NOTE_MAX_LENGTH:
        raise ValidationError(N_("The note is too long."))
    if form.review_on is not None and form.review_on < now.date():
        raise ValidationError(N_("The review date cannot be in the past."))
    hold = LegalHold(
        account_id=form.account_id, scope=form.scope, reason=form.reason, review_on=form.review_on,
        note=form.note.strip(), set_by=agent_id, set_at=now,
    )
    _attach_target(hold, form.target.strip())
    db.session.add(hold)
    db.session.flush()
    record_event("hold_set", now=now, agent_id=agent_id, hold_id=hold.id, to_state="active",
                 info={"account_id": hold.account_id, "scope": hold.scope.value, "reason": hold.reason.value})
    db.session.commit()
    return hold


def _attach_target(hold: LegalHold, target: str) -> None:
    if hold.scope is HoldScope.ACCOUNT:
        return
    if not target:
        raise ValidationError(N_("Say what the hold covers."))
    if hold.scope is HoldScope.BUYER:
        hold.buyer_allegro_id = target
        return
    model = Order if hold.scope is HoldScope.ORDER else Issue
    found = db.session.scalar(
        select(model.id).where(model.account_id == hold.account_id, model.allegro_id == target)
    )
    if found is None:
        raise ValidationError(N_("Nothing with this number on the account."))
    if hold.scope is HoldScope.ORDER:
        hold.order_id = found
    else:
        hold.issue_id = found


def lift_hold(hold_id: int, *, account_ids: Collection[int], agent_id: int, now: dt.datetime) -> LegalHold:
    """Lift a manual hold (the restrictions it kept are completed by the next run of
    restrictions.complete_released). Commits."""
    hold = db.session.get(LegalHold, hold_id)
    if hold is None or hold.account_id not in account_ids:
        raise NotFoundError(N_("No such legal hold."))
    if hold.lifted_at is not None:
        raise ConflictError(N_("The hold was already lifted."))
    hold.lifted_at, hold.lifted_by = now, agent_id
    record_event("hold_lifted", now=now, agent_id=agent_id, hold_id=hold.id, from_state="active",
                 to_state="lifted", info={"account_id": hold.account_id})
    db.session.commit()
    return hold


def list_holds(*, account_ids: Collection[int], active_only: bool = False) -> list[LegalHold]:
    """Holds of these accounts, active first, newest first."""
    query = select(LegalHold).where(LegalHold.account_id.in_(sorted(account_ids)))
    if active_only:
        query = query.where(LegalHold.lifted_at.is_(None))
    query = query.order_by(LegalHold.lifted_at.is_not(None), LegalHold.set_at.desc(), LegalHold.id.desc())
    return list(db.session.scalars(query))


def holds_to_review(*, account_ids: Collection[int], today: dt.date) -> list[LegalHold]:
    """Active holds whose review date has come: the owners' tasks."""
    query = select(LegalHold).where(
        LegalHold.account_id.in_(sorted(account_ids)), LegalHold.lifted_at.is_(None),
        LegalHold.review_on.is_not(None), LegalHold.review_on <= today,
    ).order_by(LegalHold.review_on, LegalHold.id)
    return list(db.session.scalars(query))
