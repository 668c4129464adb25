"""Complaints as lists show them: filtered by type, state and account, for an order or a conversation, and
the counts the start page shows (answers due soon for administrators, the carrier's requests for sellers)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from desk.extensions import db
from desk.models.complaint import Complaint, ComplaintState, ComplaintType
from desk.services.shared.workdays import warsaw_date

PER_PAGE = 50
ANSWERED_BY_BROKER = (ComplaintType.SERVICE, ComplaintType.INVOICE)


@dataclass(frozen=True)
class Filters:
    type: ComplaintType | None = None
    state: ComplaintState | None = None
    account_id: int | None = None


def _visible(query, account_ids: set[int] | None):
    if account_ids is None:
        return query
    return query.where(Complaint.account_id.in_(sorted(account_ids) or [-1]))


def list_complaints(
    filters: Filters, account_ids: set[int] | None, *, page: int = 1
) -> tuple[list[Complaint], bool]:
    """One page of complaints, newest first, and whether another page follows."""
    query = _visible(select(Complaint), account_ids)
    if filters.type is not None:
        query = query.where(Complaint.type == filters.type)
    if filters.state is not None:
        query = query.where(Complaint.state == filters.state)
    if filters.account_id is not None:
        query = query.where(Complaint.account_id == filters.account_id)
    found = list(
        db.session.scalars(
            query.order_by(Complaint.created_at.desc(), Complaint.id.desc())
            .offset((page - 1) * PER_PAGE)
            .limit(PER_PAGE + 1)
        )
    )
    return found[:PER_PAGE], len(found) > PER_PAGE


def for_order(order_id: int, account_ids: set[int] | None) -> list[Complaint]:
    """The complaints about an order's parcels."""
    query = _visible(select(Complaint).where(Complaint.order_id == order_id), account_ids)
    return list(db.session.scalars(query.order_by(Complaint.id)))


def for_issue(issue_id: int, account_ids: set[int] | None) -> list[Complaint]:
    """The carrier complaints linked to a buyer's claim or conversation."""
    query = _visible(select(Complaint).where(Complaint.issue_id == issue_id), account_ids)
    return list(db.session.scalars(query.order_by(Complaint.id)))


def answers_due(now: dt.datetime, *, alert_days: int) -> int:
    """Service and invoice complaints waiting for the broker's answer whose 14 days end within `alert_days`
    (or have ended)."""
    limit = warsaw_date(now) + dt.timedelta(days=alert_days)
    return db.session.scalar(
        select(func.count(Complaint.id)).where(
            Complaint.type.in_(ANSWERED_BY_BROKER),
            Complaint.state == ComplaintState.SUBMITTED,
            Complaint.answer_due_on <= limit,
        )
    )


def waiting_for_broker(account_ids: set[int] | None) -> int:
    """Complaints with the broker (to answer, to forward)."""
    query = select(func.count(Complaint.id)).where(Complaint.state == ComplaintState.SUBMITTED)
    return db.session.scalar(_visible(query, account_ids))


def documents_requested(account_ids: set[int] | None) -> int:
    """Carrier complaints where the carrier waits for the seller's documents."""
    query = select(func.count(Complaint.id)).where(Complaint.state == ComplaintState.DOCUMENTS_REQUESTED)
    return db.session.scalar(_visible(query, account_ids))
