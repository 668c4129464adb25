"""Legal holds: the data the desk must keep although retention or an erasure request says otherwise.

Two sources. Manual holds (`LegalHold`) an owner sets on a buyer, an order, an issue or a whole account,
with a reason and a review date. Automatic holds are computed, never stored, from the state of the areas'
rows: a conversation (claim, discussion, post-purchase problem) not in its final lane; a complaint to the
carrier or the broker not decided yet about one of the buyer's orders or conversations; a cash on delivery
not settled; an unpaid invoice with a line for one of the order's shipments. Retention (per order) asks
`held_order_ids`; erasure (per buyer) asks `buyer_holds`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import and_, or_, select

from desk.extensions import db
from desk.models import Complaint, Invoice, InvoiceLine, Order, Shipment, ShipmentCod
from desk.models.cod import CodState
from desk.models.complaint import OPEN_STATES
from desk.models.invoice import InvoiceState
from desk.models.issue import LANE_CLOSED, Issue
from desk.models.privacy_request import HoldScope, LegalHold

# COD money still moving: the buyer paid (or will pay) and the seller has not been paid yet.
UNSETTLED_COD = (CodState.TO_COLLECT, CodState.COLLECTED, CodState.RECEIVED, CodState.DUE, CodState.WITHHELD)
AUTOMATIC_REASONS = {
    "issue": "open_conversation",
    "complaint": "open_complaint",
    "cod": "cod_unsettled",
    "invoice": "invoice_unpaid",
}


@dataclass(frozen=True)
class Hold:
    """One reason why some of a buyer's data must be kept.

    kind: manual | issue | complaint | cod | invoice; reason: a text key (a HoldReason value for manual
    holds, AUTOMATIC_REASONS otherwise); until: the review date of a manual hold (None: while the cause
    lasts); ref: "<table>:<id>" of the row that holds.
    """

    kind: str
    reason: str
    until: dt.date | None
    ref: str
    account_id: int
    order_id: int | None = None


@dataclass(frozen=True)
class _Targets:
    """A buyer's (or a few orders') rows that holds attach to."""

    account_ids: tuple[int, ...]
    orders: dict[int, int]  # order id -> account id
    issues: dict[int, tuple[int, int | None, str]]  # issue id -> (account id, order id, lane)
    buyer_allegro_id: str | None = None


def buyer_holds(*, account_ids: Collection[int], buyer_allegro_id: str, now: dt.datetime) -> list[Hold]:
    """Every hold on the buyer's data on these accounts, manual and automatic (empty: erasure may go on)."""
    ids = tuple(sorted(account_ids))
    if not ids or not buyer_allegro_id:
        return []
    orders = dict(db.session.execute(
        select(Order.id, Order.account_id).where(
            Order.account_id.in_(ids), Order.buyer_allegro_id == buyer_allegro_id
        )
    ).all())
    issue_match = Issue.buyer_allegro_id == buyer_allegro_id
    if orders:
        issue_match = or_(issue_match, Issue.order_id.in_(orders))
    issues = {
        row.id: (row.account_id, row.order_id, row.lane)
        for row in db.session.execute(
            select(Issue.id, Issue.account_id, Issue.order_id, Issue.lane).where(
                Issue.account_id.in_(ids), issue_match
            )
        )
    }
    return _holds(_Targets(ids, orders, issues, buyer_allegro_id), now)


def held_order_ids(*, account_id: int, order_ids: Collection[int], now: dt.datetime) -> set[int]:
    """The orders among `order_ids` (of one account) that a hold keeps: retention skips them."""
    if not order_ids:
        return set()
    rows = db.session.execute(
        select(Order.id, Order.buyer_allegro_id).where(
            Order.account_id == account_id, Order.id.in_(sorted(order_ids))
        )
    ).all()
    orders = {row.id: account_id for row in rows}
    if _account_held(account_id, now):
        return set(orders)
    issues = {
        row.id: (account_id, row.order_id, row.lane)
        for row in db.session.execute(
            select(Issue.id, Issue.order_id, Issue.lane).where(
                Issue.account_id == account_id, Issue.order_id.in_(orders)
            )
        )
    }
    holds = _holds(_Targets((account_id,), orders, issues), now)
    held = {h.order_id for h in holds if h.order_id is not None}
    buyers = _manually_held_buyers(account_id, {row.buyer_allegro_id for row in rows}, now)
    held |= {row.id for row in rows if row.buyer_allegro_id in buyers}
    return held


def _account_held(account_id: int, now: dt.datetime) -> bool:
    query = select(LegalHold.id).where(
        LegalHold.account_id == account_id, LegalHold.scope == HoldScope.ACCOUNT, _active(now)
    )
    return db.session.scalar(query.limit(1)) is not None


def _manually_held_buyers(account_id: int, buyers: set[str | None], now: dt.datetime) -> set[str]:
    buyers.discard(None)
    if not buyers:
        return set()
    query = select(LegalHold.buyer_allegro_id).where(
        LegalHold.account_id == account_id, LegalHold.scope == HoldScope.BUYER,
        LegalHold.buyer_allegro_id.in_(sorted(buyers)), _active(now),
    )
    return set(db.session.scalars(query))


def _holds(targets: _Targets, now: dt.datetime) -> list[Hold]:
    return [
        *_manual(targets, now),
        *_open_issues(targets),
        *_open_complaints(targets),
        *_unsettled_cod(targets),
        *_unpaid_invoices(targets),
    ]


def _active(now: dt.datetime):
    return and_(LegalHold.lifted_at.is_(None), LegalHold.set_at <= now)


def _manual(targets: _Targets, now: dt.datetime) -> Iterable[Hold]:
    covers = [LegalHold.scope == HoldScope.ACCOUNT]
    if targets.buyer_allegro_id:
        covers.append(and_(LegalHold.scope == HoldScope.BUYER,
                           LegalHold.buyer_allegro_id == targets.buyer_allegro_id))
    if targets.orders:
        covers.append(and_(LegalHold.scope == HoldScope.ORDER, LegalHold.order_id.in_(targets.orders)))
    if targets.issues:
        covers.append(and_(LegalHold.scope == HoldScope.ISSUE, LegalHold.issue_id.in_(targets.issues)))
    query = select(LegalHold).where(
        LegalHold.account_id.in_(targets.account_ids), _active(now), or_(*covers)
    ).order_by(LegalHold.id)
    for hold in db.session.scalars(query):
        order_id = hold.order_id
        if hold.scope is HoldScope.ISSUE and hold.issue_id in targets.issues:
            order_id = targets.issues[hold.issue_id][1]
        yield Hold("manual", hold.reason.value, hold.review_on, f"legal_hold:{hold.id}", hold.account_id,
                   order_id)


def _open_issues(targets: _Targets) -> Iterable[Hold]:
    for issue_id, (account_id, order_id, lane) in sorted(targets.issues.items()):
        if lane != LANE_CLOSED:
            yield Hold("issue", AUTOMATIC_REASONS["issue"], None, f"issue:{issue_id}", account_id, order_id)


def _open_complaints(targets: _Targets) -> Iterable[Hold]:
    about = []
    if targets.orders:
        about.append(Complaint.order_id.in_(targets.orders))
    if targets.issues:
        about.append(Complaint.issue_id.in_(targets.issues))
    if not about:
        return
    query = select(Complaint.id, Complaint.account_id, Complaint.order_id, Complaint.issue_id).where(
        Complaint.state.in_(OPEN_STATES), or_(*about)
    ).order_by(Complaint.id)
    for row in db.session.execute(query):
        order_id = row.order_id
        if order_id is None and row.issue_id in targets.issues:
            order_id = targets.issues[row.issue_id][1]
        yield Hold("complaint", AUTOMATIC_REASONS["complaint"], None, f"complaint:{row.id}", row.account_id,
                   order_id)


def _unsettled_cod(targets: _Targets) -> Iterable[Hold]:
    if not targets.orders:
        return
    query = (
        select(ShipmentCod.id, ShipmentCod.account_id, Shipment.order_id)
        .join(Shipment, Shipment.id == ShipmentCod.shipment_id)
        .where(Shipment.order_id.in_(targets.orders), ShipmentCod.state.in_(UNSETTLED_COD))
        .order_by(ShipmentCod.id)
    )
    for row in db.session.execute(query):
        yield Hold("cod", AUTOMATIC_REASONS["cod"], None, f"shipment_cod:{row.id}", row.account_id,
                   row.order_id)


def _unpaid_invoices(targets: _Targets) -> Iterable[Hold]:
    """An issued, unpaid invoice with a line for one of the orders' shipments (the broker's invoice to the
    seller: the order's delivery data is its evidence until the invoice is paid)."""
    if not targets.orders:
        return
    query = (
        select(Invoice.id, Invoice.account_id, Shipment.order_id)
        .join(InvoiceLine, InvoiceLine.invoice_id == Invoice.id)
        .join(Shipment, Shipment.id == InvoiceLine.shipment_id)
        .where(Shipment.order_id.in_(targets.orders), Invoice.state == InvoiceState.ISSUED)
        .distinct()
        .order_by(Invoice.id)
    )
    for row in db.session.execute(query):
        yield Hold("invoice", AUTOMATIC_REASONS["invoice"], None, f"invoice:{row.id}", row.account_id,
                   row.order_id)
