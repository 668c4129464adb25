"""Which rows hold one buyer's (or some orders') data: the erasure engine's queries, no writes."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from sqlalchemy import or_, select

from desk.extensions import db
from desk.models import (
    Complaint,
    ComplaintEvent,
    ComplaintFile,
    Order,
    OrderChange,
    OrderNote,
    ParcelReturn,
    Shipment,
    ShipmentBatchItem,
    Surcharge,
)
from desk.models.issue import Issue
from desk.models.rating import Rating
from desk.services.privacy.pseudonyms import buyer_pseudonym, login_pseudonym
from desk.services.shared.redaction import is_pseudonym

# Order history rows of these fields hold only the desk's own codes and amounts: kept as they are.
SAFE_CHANGE_FIELDS = frozenset({
    "status", "fulfillment_status", "payment_type", "delivery_method_name", "total_amount", "tracking_number",
})


def buyer_order_ids(account_id: int, buyer_allegro_id: str) -> list[int]:
    """The account's orders of the buyer (by the raw id, or its pseudonym after an earlier erasure)."""
    ids = (buyer_allegro_id, buyer_pseudonym(account_id, buyer_allegro_id))
    query = select(Order.id).where(Order.account_id == account_id, Order.buyer_allegro_id.in_(ids))
    return sorted(db.session.scalars(query))


def buyer_logins(account_id: int, buyer_allegro_id: str) -> set[str]:
    """The logins the buyer used on the account's orders, conversations and ratings (raw ones only)."""
    found: set[str] = set()
    for model in (Order, Issue, Rating):
        query = select(model.buyer_login).where(
            model.account_id == account_id, model.buyer_allegro_id == buyer_allegro_id
        )
        found |= {login for login in db.session.scalars(query) if login and not is_pseudonym(login)}
    return found


def buyer_issue_ids(account_id: int, buyer_allegro_id: str, logins: Collection[str]) -> list[int]:
    """The buyer's conversations on the account: by buyer id, or by login (Message Center threads)."""
    ids = (buyer_allegro_id, buyer_pseudonym(account_id, buyer_allegro_id))
    names = set(logins) | {login_pseudonym(account_id, login) for login in logins}
    condition = Issue.buyer_allegro_id.in_(ids)
    if names:
        condition = or_(condition, Issue.buyer_login.in_(sorted(names)))
    return sorted(db.session.scalars(select(Issue.id).where(Issue.account_id == account_id, condition)))


def buyer_rating_ids(account_id: int, buyer_allegro_id: str) -> list[int]:
    ids = (buyer_allegro_id, buyer_pseudonym(account_id, buyer_allegro_id))
    query = select(Rating.id).where(Rating.account_id == account_id, Rating.buyer_allegro_id.in_(ids))
    return sorted(db.session.scalars(query))


def order_forms(order_ids: Collection[int]) -> list[tuple[int, str]]:
    """(account id, Allegro id) of these orders."""
    return list(db.session.execute(select(Order.account_id, Order.allegro_id).where(Order.id.in_(order_ids))))


Forms = Collection[tuple[int, str]]  # (account id, Allegro id) of orders


def order_issue_ids(order_ids: Collection[int], forms: Forms | None = None) -> list[int]:
    """Conversations about these orders: linked, or naming the checkout form (not linked yet).
    `forms` are the orders' (account id, Allegro id) when the caller has them already."""
    return _linked(Issue, order_ids, order_forms(order_ids) if forms is None else forms)


def order_rating_ids(order_ids: Collection[int], forms: Forms | None = None) -> list[int]:
    """Ratings of these orders: linked, or naming the checkout form."""
    return _linked(Rating, order_ids, order_forms(order_ids) if forms is None else forms)


def _linked(model, order_ids: Collection[int], forms: Forms) -> list[int]:
    """Rows of `model` linked to the orders, or naming one of their checkout forms on the same account.

    The pairs are matched as two IN lists (`pair_lists`) and checked here."""
    found = set(db.session.scalars(select(model.id).where(model.order_id.in_(order_ids))))
    if forms:
        wanted = set(forms)
        query = select(model.id, model.account_id, model.checkout_form_id).where(
            *pair_lists(model.account_id, model.checkout_form_id, wanted)
        )
        found |= {row.id for row in db.session.execute(query)
                  if (row.account_id, row.checkout_form_id) in wanted}
    return sorted(found)


def pair_lists(account_column, id_column, pairs: Forms) -> tuple:
    """Conditions matching rows by (account, Allegro id) pairs as two IN lists, which use the indexes
    where a row-value IN does not on PostgreSQL; they also match crossed pairs, so callers check the
    pairs of the rows they get."""
    return (
        account_column.in_(sorted({account for account, _allegro_id in pairs})),
        id_column.in_(sorted({allegro_id for _account, allegro_id in pairs})),
    )


def shipment_ids(order_ids: Collection[int]) -> list[int]:
    return sorted(db.session.scalars(select(Shipment.id).where(Shipment.order_id.in_(order_ids))))


def complaint_ids(orders: Collection[int], shipments: Collection[int], issues: Collection[int]) -> list[int]:
    """Complaints about these orders, their parcels or their conversations."""
    condition = or_(
        Complaint.order_id.in_(orders), Complaint.shipment_id.in_(shipments), Complaint.issue_id.in_(issues)
    )
    return sorted(db.session.scalars(select(Complaint.id).where(condition)))


def order_rows(order_ids: Collection[int], shipments: Collection[int], issues: Collection[int]) -> dict:
    """Rows hanging off these orders, their shipments and conversations, per model."""
    complaints = complaint_ids(order_ids, shipments, issues)
    return {
        Order: select(Order).where(Order.id.in_(order_ids)),
        OrderNote: select(OrderNote).where(OrderNote.order_id.in_(order_ids)),
        OrderChange: select(OrderChange).where(
            OrderChange.order_id.in_(order_ids), OrderChange.field.not_in(SAFE_CHANGE_FIELDS)
        ),
        Shipment: select(Shipment).where(Shipment.id.in_(shipments)),
        ShipmentBatchItem: select(ShipmentBatchItem).where(
            or_(ShipmentBatchItem.order_id.in_(order_ids), ShipmentBatchItem.shipment_id.in_(shipments))
        ),
        Surcharge: select(Surcharge).where(Surcharge.shipment_id.in_(shipments)),
        Complaint: select(Complaint).where(Complaint.id.in_(complaints)),
        ComplaintFile: select(ComplaintFile).where(ComplaintFile.complaint_id.in_(complaints)),
        ComplaintEvent: select(ComplaintEvent).where(ComplaintEvent.complaint_id.in_(complaints)),
        ParcelReturn: select(ParcelReturn).where(
            or_(ParcelReturn.order_id.in_(order_ids), ParcelReturn.shipment_id.in_(shipments))
        ),
    }


def chunks(values: Iterable[int], size: int) -> Iterable[list[int]]:
    batch: list[int] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
