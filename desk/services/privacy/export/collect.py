"""Everything the desk holds about one buyer, as one JSON-ready document (schema: buyer-export.v1.json).

Money is {"amount": "12.50", "currency": "PLN"} (strings, exact), times ISO 8601 in UTC. Records are matched
on the Allegro buyer id on the given accounts (never by name or login), so a second buyer with a similar
name is never included. On accounts where the buyer is restricted the records are left out unless the
export is the owner's (`include_restricted`).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import or_, select

from desk.extensions import db
from desk.models import Complaint, Order, SellerAccount, Shipment, ShipmentCod
from desk.models.complaint import ComplaintFile
from desk.models.issue import Issue, ReplyFile
from desk.models.privacy_request import PrivacyRequest
from desk.models.rating import Rating
from desk.models.shipment import ShipmentLabel
from desk.services.privacy.holds import buyer_holds
from desk.services.privacy.restrictions import restricted_buyers
from desk.services.privacy.scoping import buyer_records, hold_summary

SCHEMA_ID = "https://allegro-desk.local/schemas/buyer-export.v1.json"
SCHEMA_VERSION = "1.0"
IDENTITY_FIELDS = (
    "buyer_login",
    "buyer_email",
    "buyer_first_name",
    "buyer_last_name",
    "buyer_company",
    "buyer_phone",
)
PLURALS = {
    "buyer_login": "logins",
    "buyer_email": "emails",
    "buyer_first_name": "first_names",
    "buyer_last_name": "last_names",
    "buyer_company": "companies",
    "buyer_phone": "phones",
}


@dataclass
class Attachment:
    """A stored file of the buyer's records, written to attachments/ in the ZIP."""

    table: str
    id: int
    file_name: str
    content_type: str
    data: bytes

    @property
    def path(self) -> str:
        safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in self.file_name)[:100]
        return f"attachments/{self.table}-{self.id}-{safe}"


@dataclass
class Collected:
    document: dict
    attachments: list[Attachment] = field(default_factory=list)
    manifest: dict[str, list[int]] = field(default_factory=dict)


def money(amount: Decimal | None, currency: str = "PLN") -> dict | None:
    return None if amount is None else {"amount": f"{amount:.2f}", "currency": currency}


def iso(moment: dt.datetime | dt.date | None) -> str | None:
    if moment is None:
        return None
    if isinstance(moment, dt.datetime):
        return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    return moment.isoformat()


def _fields(row, *names: str) -> dict:
    """Columns of a row as JSON values: times in ISO UTC, enums by their value, the rest as they are."""
    return {name: _plain(getattr(row, name)) for name in names}


def _plain(value):
    if isinstance(value, dt.date):
        return iso(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


STEPS = ("records", "orders", "conversations", "files")


def collect(
    *,
    account_ids: Collection[int],
    buyer_allegro_id: str,
    now: dt.datetime,
    include_restricted: bool,
    progress: Callable[[str], None] | None = None,
) -> Collected:
    """The buyer's document, files and manifest (record ids per table); `progress` is told each of STEPS."""
    step = progress or (lambda _name: None)
    accounts = set(account_ids)
    if not include_restricted:
        accounts -= {a for a, b in restricted_buyers(accounts) if b == buyer_allegro_id}
    records = buyer_records(account_ids=accounts, buyer_allegro_id=buyer_allegro_id)
    out = Collected(document={})
    step("records")
    orders = _load(Order, records.orders)
    issues = _load(Issue, records.issues)
    shipments = _load(Shipment, records.shipments)
    complaints = list(
        db.session.scalars(
            select(Complaint)
            .where(
                or_(
                    Complaint.order_id.in_(records.orders or [-1]),
                    Complaint.issue_id.in_(records.issues or [-1]),
                )
            )
            .order_by(Complaint.id)
        )
    )
    cods = list(
        db.session.scalars(
            select(ShipmentCod)
            .where(ShipmentCod.shipment_id.in_(records.shipments or [-1]))
            .order_by(ShipmentCod.id)
        )
    )
    step("orders")
    out.document = {
        "$schema": SCHEMA_ID,
        "schema_version": SCHEMA_VERSION,
        "generated_at": iso(now),
        "buyer": _identity(buyer_allegro_id, orders, issues),
        "accounts": _accounts(sorted(accounts)),
        "orders": [_order(order) for order in orders],
        "shipments": [_shipment(shipment) for shipment in shipments],
        "conversations": [_conversation(issue) for issue in issues],
        "ratings": [_rating(rating) for rating in _load(Rating, records.ratings)],
        "complaints": [_complaint(complaint) for complaint in complaints],
        "cod": [_cod(cod) for cod in cods],
        "holds": [
            hold_summary(h)
            for h in buyer_holds(account_ids=accounts, buyer_allegro_id=buyer_allegro_id, now=now)
        ],
        "requests": _requests(buyer_allegro_id),
    }
    step("conversations")
    out.attachments = _attachments(records.issues, [c.id for c in complaints], records.shipments)
    out.document["attachments"] = [
        {**_fields(a, "table", "id", "file_name", "content_type"), "size": len(a.data), "path": a.path}
        for a in out.attachments
    ]
    out.manifest = {
        "order": records.orders,
        "issue": records.issues,
        "rating": records.ratings,
        "shipment": records.shipments,
        "complaint": [c.id for c in complaints],
        "shipment_cod": [c.id for c in cods],
        **_attachment_ids(out.attachments),
    }
    step("files")
    return out


def _load(model, ids: list[int]) -> list:
    if not ids:
        return []
    return list(db.session.scalars(select(model).where(model.id.in_(ids)).order_by(model.id)))


def _accounts(ids: list[int]) -> list[dict]:
    rows = db.session.execute(
        select(SellerAccount.id, SellerAccount.name).where(SellerAccount.id.in_(ids or [-1]))
    )
    return [{"id": row.id, "name": row.name} for row in rows]


def _identity(buyer_allegro_id: str, orders: list[Order], issues: list[Issue]) -> dict:
    values: dict[str, set[str]] = {name: set() for name in IDENTITY_FIELDS}
    for order in orders:
        for name in IDENTITY_FIELDS:
            if getattr(order, name):
                values[name].add(getattr(order, name))
    values["buyer_login"] |= {issue.buyer_login for issue in issues if issue.buyer_login}
    return {
        "allegro_id": buyer_allegro_id,
        **{PLURALS[name]: sorted(found) for name, found in values.items()},
    }


def _order(order: Order) -> dict:
    return {
        **_fields(order, "id", "account_id", "allegro_id", "status", "fulfillment_status", "bought_at"),
        "buyer": {name.removeprefix("buyer_"): getattr(order, name) for name in IDENTITY_FIELDS},
        "delivery_method": order.delivery_method_name,
        "delivery_address": order.delivery_address,
        "pickup_point": order.pickup_point,
        "invoice_address": order.invoice,
        "message_to_seller": order.message_to_seller,
        "payment_type": order.payment_type,
        "paid": money(order.paid_amount, order.currency),
        "paid_at": iso(order.paid_at),
        "delivery_cost": money(order.delivery_cost, order.currency),
        "total": money(order.total_amount, order.currency),
        "lines": [
            {
                **_fields(line, "id", "offer_id", "offer_name", "quantity"),
                "price": money(line.price, line.currency),
                "total": money(line.price * line.quantity, line.currency),
            }
            for line in order.lines
        ],
        "notes": [_fields(note, "id", "created_at", "body") for note in order.notes],
    }


def _shipment(shipment: Shipment) -> dict:
    return {
        **_fields(shipment, "id", "order_id", "carrier", "service", "status"),
        "waybills": list(shipment.waybills or []),
        "receiver": (shipment.request or {}).get("receiver"),
        **_fields(shipment, "tracking_state", "created_at"),
        "cod": money(shipment.cod_amount),
        "events": [_fields(event, "at", "code", "text", "state") for event in shipment.events],
    }


def _conversation(issue: Issue) -> dict:
    return {
        **_fields(issue, "id", "account_id", "order_id", "source", "type", "status", "subject", "opened_at",
                  "description", "buyer_login"),
        "messages": [
            {
                **_fields(message, "id", "author_role", "author_login", "text", "created_at"),
                "attachments": list(message.attachments or []),
            }
            for message in issue.messages
        ],
    }


def _rating(rating: Rating) -> dict:
    return {
        **_fields(rating, "id", "account_id", "order_id", "recommended", "comment", "rates", "rated_at"),
        "answer": rating.answer_text,
        "answered_at": iso(rating.answered_at),
    }


def _complaint(complaint: Complaint) -> dict:
    return _fields(complaint, "id", "account_id", "order_id", "issue_id", "type", "state", "subject",
                   "description", "created_at")


def _cod(cod: ShipmentCod) -> dict:
    return {
        **_fields(cod, "id", "shipment_id"),
        "amount": money(cod.amount),
        **_fields(cod, "state", "delivered_at", "paid_at"),
    }


def _requests(buyer_allegro_id: str) -> list[dict]:
    query = select(PrivacyRequest).where(PrivacyRequest.buyer_allegro_id == buyer_allegro_id)
    return [_fields(r, "id", "type", "state", "received_at", "due_on")
            for r in db.session.scalars(query.order_by(PrivacyRequest.id))]


def _attachments(issue_ids: list[int], complaint_ids: list[int], shipment_ids: list[int]) -> list[Attachment]:
    found = [
        Attachment("reply_file", f.id, f.file_name, f.content_type, f.data)
        for f in db.session.scalars(
            select(ReplyFile).where(ReplyFile.issue_id.in_(issue_ids or [-1])).order_by(ReplyFile.id)
        )
    ]
    found += [
        Attachment("complaint_file", f.id, f.file_name, f.content_type, f.data)
        for f in db.session.scalars(
            select(ComplaintFile)
            .where(ComplaintFile.complaint_id.in_(complaint_ids or [-1]))
            .order_by(ComplaintFile.id)
        )
    ]
    found += [
        Attachment(
            "shipment_label",
            label.id,
            f"label-{label.shipment_id}-{label.size or 'zpl'}.{label.format}",
            "application/pdf" if label.format == "pdf" else "text/plain",
            label.content,
        )
        for label in db.session.scalars(
            select(ShipmentLabel)
            .where(ShipmentLabel.shipment_id.in_(shipment_ids or [-1]))
            .order_by(ShipmentLabel.id)
        )
    ]
    return found


def _attachment_ids(attachments: list[Attachment]) -> dict[str, list[int]]:
    ids: dict[str, list[int]] = {"reply_file": [], "complaint_file": [], "shipment_label": []}
    for attachment in attachments:
        ids[attachment.table].append(attachment.id)
    return ids
