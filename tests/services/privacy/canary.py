"""Canaries: unique random strings planted in every personal field of a buyer, and a search of every
text, JSON and binary column of every table for them."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from decimal import Decimal

from sqlalchemy import JSON, LargeBinary, String, Text, inspect, select

from desk.extensions import db
from desk.models import (
    Complaint,
    ComplaintEvent,
    ComplaintFile,
    ComplaintType,
    Order,
    OrderChange,
    OrderNote,
    OutboxMessage,
    ParcelReturn,
    QuarantinedRecord,
    Shipment,
    ShipmentBatch,
    ShipmentBatchItem,
    ShipmentCod,
    ShipmentLabel,
    Surcharge,
    SurchargeKind,
)
from desk.models.cod import PayoutSink
from desk.models.issue import Issue, IssueNote, ReplyFile
from desk.models.rating import DraftKind, DraftState, Rating, RatingDraft
from desk.services.privacy import inventory
from desk.services.shared.redaction import ID_COLUMNS, LOGIN_COLUMNS

LIST_COLUMNS = {"attachments", "problems"}
STRUCTURE_KEYS = {"countryCode", "type", "id"}


class Canaries:
    """Hands out unique strings and remembers them all."""

    def __init__(self) -> None:
        self.values: list[str] = []
        self.buyer_id = self.new("buyer")
        self.login = self.new("login")

    def new(self, hint: str = "") -> str:
        value = f"zq{hint[:6]}{secrets.token_hex(6)}"
        self.values.append(value)
        return value

    def leaves(self, value, key=None):
        """A JSON value with every text leaf (but ids, types and country codes) a new canary."""
        if isinstance(value, dict):
            return {k: self.leaves(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self.leaves(v, key) for v in value]
        if isinstance(value, str) and key not in STRUCTURE_KEYS:
            return self.new(key or "")
        return value


def canary_form(fake, seller_id: str, canaries: Canaries) -> dict:
    """A checkout form in the fake whose buyer, delivery, invoice and message are all canaries."""
    form = fake.state.add_checkout_form(seller_id, events=())
    buyer = canaries.leaves(form["buyer"])
    buyer |= {"id": canaries.buyer_id, "login": canaries.login, "guest": False}
    delivery = dict(form["delivery"])
    delivery["address"] = canaries.leaves(delivery["address"])
    changes = {"buyer": buyer, "delivery": delivery, "messageToSeller": canaries.new("msg")}
    if form.get("invoice", {}).get("address"):
        changes["invoice"] = {**form["invoice"], "address": canaries.leaves(form["invoice"]["address"])}
    fake.state.update_checkout_form(form["id"], event_type=None, **changes)
    events = [("BOUGHT", None), ("FILLED_IN", None), ("READY_FOR_PROCESSING", None)]
    fake.state.emit_events(form["id"], events)
    return fake.state.checkout_forms[form["id"]]


def plant(row, canaries: Canaries, seeded: set) -> None:
    """Every buyer-personal column of `row` becomes a canary of its type (ids and logins: the buyer's)."""
    for column in inspect(row).mapper.columns:
        if not column.info.get("personal") or inventory.column_subject(column) != inventory.BUYER:
            continue
        seeded.add((column.table.name, column.name))
        setattr(row, column.key, _value(column, canaries))


def _value(column, canaries: Canaries):
    if column.key in ID_COLUMNS:
        return canaries.buyer_id
    if column.key in LOGIN_COLUMNS:
        return canaries.login
    if isinstance(column.type, LargeBinary):
        return ("%PDF " + canaries.new("file")).encode()
    if isinstance(column.type, JSON):
        leaf = {"id": "keep-1", "name": canaries.new("json"), "street": canaries.new("street"),
                "file_name": canaries.new("fname"), "amount": "12.50"}
        return [leaf] if column.key in LIST_COLUMNS else {**leaf, "receiver": {"phone": canaries.new("tel")}}
    return canaries.new(column.key)


def plant_everything(account_id: int, form_id: str, canaries: Canaries, now: dt.datetime) -> set:
    """Rows of every buyer-data table linked to the synced order, each personal column a canary;
    returns the (table, column) pairs planted."""
    seeded: set = set()
    order = db.session.scalar(select(Order).where(Order.allegro_id == form_id))
    issues = list(db.session.scalars(select(Issue).where(Issue.account_id == account_id)))
    ratings = list(db.session.scalars(select(Rating).where(Rating.account_id == account_id)))
    assert issues and ratings, "the sync stores the buyer's conversations and ratings"
    for row in [order, *issues, *ratings, *[m for i in issues for m in i.messages]]:
        plant(row, canaries, seeded)
    order.changes.append(OrderChange(source="agent", field="tag", old_value="x", new_value="y"))
    order.notes.append(OrderNote(body="x"))
    shipment = Shipment(account_id=account_id, order_id=order.id, carrier="inpost", service="locker",
                        idempotency_key=secrets.token_hex(8), request={}, cod_amount=Decimal("99.90"))
    db.session.add(shipment)
    db.session.flush()
    batch = ShipmentBatch(key=secrets.token_hex(8))
    db.session.add(batch)
    db.session.flush()
    complaint = Complaint(account_id=account_id, type=ComplaintType.CARRIER, order_id=order.id,
                          shipment_id=shipment.id)
    db.session.add(complaint)
    db.session.flush()
    rows = [
        *order.changes, *order.notes, shipment,
        ShipmentLabel(shipment_id=shipment.id, format="pdf", size="A6", content=b""),
        ShipmentBatchItem(batch_id=batch.id, order_id=order.id, account_id=account_id, carrier="inpost",
                          service="locker", request={}, idempotency_key=secrets.token_hex(8)),
        ShipmentCod(shipment_id=shipment.id, account_id=account_id, carrier="inpost", amount=Decimal("99.90"),
                    tier=5, sink=PayoutSink.BANK_ACCOUNT),
        Surcharge(account_id=account_id, shipment_id=shipment.id, carrier="inpost", waybill="W1",
                  kind=SurchargeKind.OTHER, carrier_code="X", carrier_reference=secrets.token_hex(6),
                  charged_on=now.date(), net=Decimal("10.00"), vat_rate=Decimal("23.00"), vat=Decimal("2.30"),
                  gross=Decimal("12.30")),
        complaint,
        ComplaintFile(complaint_id=complaint.id, doc_type="photo", file_name="x", content_type="image/png",
                      size=10, data=b""),
        ComplaintEvent(complaint_id=complaint.id, kind="note"),
        ParcelReturn(account_id=account_id, shipment_id=shipment.id, order_id=order.id, returned_at=now,
                     instructions_due_on=now.date()),
        OutboxMessage(account_id=account_id, kind="thread_start", target_id=form_id, payload={},
                      idempotency_key=secrets.token_hex(8)),
        QuarantinedRecord(account_id=account_id, step="orders", kind="checkout_form", record_key=form_id,
                          allegro_id=form_id, raw="", error="", last_seen_at=now),
        IssueNote(issue_id=issues[0].id, body="x"),
        ReplyFile(issue_id=issues[0].id, file_name="x", content_type="application/pdf", size=3, data=b""),
    ]
    rating = ratings[0]
    rows.append(RatingDraft(rating_id=rating.id, kind=DraftKind.ANSWER, text="x", state=DraftState.PROPOSED,
                            idempotency_key=secrets.token_hex(8)))
    for row in rows:
        db.session.add(row)
        plant(row, canaries, seeded)
    db.session.commit()
    return seeded


def found_canaries(canaries, extra_text: str = "") -> list[str]:
    """`table.column: canary` for every canary still in any text, JSON or binary column (or the text)."""
    found = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON | LargeBinary)]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)):
            for column, value in zip(columns, row, strict=True):
                text = _as_text(value)
                found += [f"{table.name}.{column.name}: {c}" for c in canaries if c in text]
    found += [f"logs: {c}" for c in canaries if c in extra_text]
    return found


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("latin-1")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def snapshot() -> dict[str, list]:
    """Every row of every table as text, table by table (to compare before and after)."""
    tables = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(select(table)).all()
        tables[table.name] = sorted(tuple(_as_text(v) for v in row) for row in rows)
    return tables
