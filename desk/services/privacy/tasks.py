"""What the privacy area asks of owners today: holds past their review date, requests near or past their
due date, extensions the requester has not been told about yet."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, select

from desk.extensions import db
from desk.models.privacy_request import LegalHold, PrivacyRequest, RequestState
from desk.services.privacy.deadlines import WARSAW

SOON_DAYS = 7
FINISHED = (RequestState.ANSWERED, RequestState.CLOSED, RequestState.REJECTED)


@dataclass(frozen=True)
class OwnerTasks:
    holds_to_review: int
    requests_due_soon: int  # due within SOON_DAYS, or overdue
    requesters_to_tell: int


def owner_tasks(*, account_ids: Collection[int] | None, now: dt.datetime) -> OwnerTasks:
    """Counts of the owners' privacy tasks (holds on these accounts; None: all accounts)."""
    today = now.astimezone(WARSAW).date()
    holds = select(func.count(LegalHold.id)).where(
        LegalHold.lifted_at.is_(None), LegalHold.review_on.is_not(None), LegalHold.review_on <= today
    )
    if account_ids is not None:
        holds = holds.where(LegalHold.account_id.in_(sorted(account_ids)))
    open_requests = select(func.count(PrivacyRequest.id)).where(PrivacyRequest.state.not_in(FINISHED))
    due = open_requests.where(PrivacyRequest.due_on <= today + dt.timedelta(days=SOON_DAYS))
    tell = open_requests.where(
        PrivacyRequest.extended_at.is_not(None), PrivacyRequest.requester_told_at.is_(None)
    )
    return OwnerTasks(
        holds_to_review=db.session.scalar(holds) or 0,
        requests_due_soon=db.session.scalar(due) or 0,
        requesters_to_tell=db.session.scalar(tell) or 0,
    )
