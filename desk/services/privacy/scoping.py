"""Scoping a request: how many records the desk holds about one buyer, per data class, on the accounts the
owner may see (never another desk's), and which holds apply. Counts and ids only, no personal data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from desk.extensions import db
from desk.models import (
    Complaint,
    Order,
    OrderLine,
    OrderNote,
    Shipment,
    ShipmentCod,
    ShipmentLabel,
)
from desk.models.issue import Issue, IssueMessage, ReplyFile
from desk.models.rating import Rating
from desk.services.privacy.holds import Hold, buyer_holds


@dataclass(frozen=True)
class BuyerRecords:
    """The ids of a buyer's rows, per table (what an export or a scope counts)."""

    orders: list[int]
    issues: list[int]
    ratings: list[int]
    shipments: list[int]

    @property
    def accounts(self) -> list[int]:
        return sorted({*_accounts(Order, self.orders), *_accounts(Issue, self.issues),
                       *_accounts(Rating, self.ratings)})


def _accounts(model, ids: list[int]) -> set[int]:
    if not ids:
        return set()
    return set(db.session.scalars(select(model.account_id).where(model.id.in_(ids))))


def buyer_records(*, account_ids: Collection[int], buyer_allegro_id: str) -> BuyerRecords:
    """The buyer's orders, conversations, ratings and shipments on these accounts (matched on the Allegro
    buyer id, and conversations and ratings also through the buyer's orders)."""
    ids = sorted(account_ids)
    orders = list(db.session.scalars(
        select(Order.id).where(Order.account_id.in_(ids), Order.buyer_allegro_id == buyer_allegro_id)
        .order_by(Order.id)
    ))
    return BuyerRecords(
        orders=orders,
        issues=_linked(Issue, ids, buyer_allegro_id, orders),
        ratings=_linked(Rating, ids, buyer_allegro_id, orders),
        shipments=list(db.session.scalars(
            select(Shipment.id).where(Shipment.order_id.in_(orders)).order_by(Shipment.id)
        )) if orders else [],
    )


def _linked(model, account_ids: list[int], buyer_allegro_id: str, order_ids: list[int]) -> list[int]:
    match = model.buyer_allegro_id == buyer_allegro_id
    if order_ids:
        match = or_(match, model.order_id.in_(order_ids))
    query = select(model.id).where(model.account_id.in_(account_ids), match).order_by(model.id)
    return list(db.session.scalars(query))


def _count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def record_counts(records: BuyerRecords) -> dict[str, int]:
    """Rows per table for the buyer's records (order lines, messages, files... included)."""
    orders, issues, shipments = records.orders or [-1], records.issues or [-1], records.shipments or [-1]
    return {
        "order": len(records.orders),
        "order_line": _count(select(OrderLine.id).where(OrderLine.order_id.in_(orders))),
        "order_note": _count(select(OrderNote.id).where(OrderNote.order_id.in_(orders))),
        "shipment": len(records.shipments),
        "shipment_label": _count(select(ShipmentLabel.id).where(ShipmentLabel.shipment_id.in_(shipments))),
        "shipment_cod": _count(select(ShipmentCod.id).where(ShipmentCod.shipment_id.in_(shipments))),
        "issue": len(records.issues),
        "issue_message": _count(select(IssueMessage.id).where(IssueMessage.issue_id.in_(issues))),
        "reply_file": _count(select(ReplyFile.id).where(ReplyFile.issue_id.in_(issues))),
        "rating": len(records.ratings),
        "complaint": _count(select(Complaint.id).where(
            or_(Complaint.order_id.in_(orders), Complaint.issue_id.in_(issues))
        )),
    }


def hold_summary(hold: Hold) -> dict:
    return {
        "kind": hold.kind, "reason": hold.reason, "ref": hold.ref, "account_id": hold.account_id,
        "until": hold.until.isoformat() if hold.until else None,
    }


def scope_buyer(*, account_ids: Collection[int], buyer_allegro_id: str, now: dt.datetime) -> dict:
    """What a request about this buyer covers: the accounts with data, counts per table, holds."""
    records = buyer_records(account_ids=account_ids, buyer_allegro_id=buyer_allegro_id)
    holds = buyer_holds(account_ids=account_ids, buyer_allegro_id=buyer_allegro_id, now=now)
    return {
        "accounts_searched": sorted(account_ids),
        "accounts": records.accounts,
        "counts": record_counts(records),
        "holds": [hold_summary(hold) for hold in holds],
        "scoped_at": now.isoformat(),
    }
