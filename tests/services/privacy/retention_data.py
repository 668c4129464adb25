"""Rows for the retention tests, stored straight in the database."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select, text

from desk.extensions import db
from desk.models import Order, SellerAccount, Shipment, ShipmentLabel
from desk.models.issue import (
    COMMON,
    DISPUTE,
    LANE_CLOSED,
    SOURCE_ISSUES,
    SOURCE_MESSAGING,
    Issue,
    IssueMessage,
)
from desk.services.privacy import retention_policy

WARSAW = ZoneInfo("Europe/Warsaw")
_seq = itertools.count(1)


def warsaw(*args) -> dt.datetime:
    """A Warsaw wall-clock time as UTC."""
    return dt.datetime(*args, tzinfo=WARSAW).astimezone(dt.UTC)


def account(name: str | None = None, *, active: bool = True) -> SellerAccount:
    found = SellerAccount(name=name or f"Sklep {next(_seq)}")
    db.session.add(found)
    db.session.commit()
    if active:
        retention_policy.activate(found.id, agent_id=None, now=warsaw(2026, 1, 1))
    return found


def order(account_id: int, *, bought: dt.datetime, updated: dt.datetime | None = None,
          delivered: dt.datetime | None = None, login: str | None = None) -> Order:
    """An order of a buyer with every identity field filled; `delivered`: a tracked parcel delivered then."""
    n = next(_seq)
    found = Order(
        account_id=account_id, allegro_id=str(uuid.uuid4()), status="READY_FOR_PROCESSING",
        bought_at=bought, allegro_updated_at=updated or bought, total_amount=Decimal("99.00"),
        buyer_allegro_id=f"b{n}", buyer_login=login or f"kupujacy_{n}", buyer_email=f"k{n}@allegromail.pl",
        buyer_first_name="Jan", buyer_last_name=f"Kowalski{n}", buyer_phone="+48601000000",
        delivery_address={"firstName": "Jan", "street": "Długa 5", "city": "Kraków"},
    )
    db.session.add(found)
    db.session.flush()
    if delivered is not None:
        db.session.add(Shipment(
            account_id=account_id, order_id=found.id, carrier="inpost", service="inpost_locker_standard",
            idempotency_key=uuid.uuid4().hex, request={"receiver": {"name": "Jan Kowalski"}},
            tracking_state="delivered", tracking_at=delivered, created_at=bought,
        ))
    db.session.commit()
    return found


def conversation(account_id: int, *, type: str = DISPUTE, closed: dt.datetime | None = None,  # noqa: A002
                 last_message: dt.datetime, order_id: int | None = None) -> Issue:
    """A discussion (closed at `closed`) or a Message Center question, with one buyer message."""
    thread = type == COMMON
    issue = Issue(
        account_id=account_id, allegro_id=str(uuid.uuid4()), type=type, status="CLOSED" if closed else "OPEN",
        source=SOURCE_MESSAGING if thread else SOURCE_ISSUES, order_id=order_id,
        description=None if thread else "Paczka przyszła uszkodzona", buyer_login=f"kupujacy_{next(_seq)}",
        last_message_at=last_message, activity_at=last_message, closed_at=closed,
        lane=LANE_CLOSED if closed else "reply",
    )
    db.session.add(issue)
    db.session.flush()
    message(issue, last_message)
    db.session.commit()
    return issue


def message(issue: Issue, at: dt.datetime, body: str = "Mój adres to Długa 5, Kraków") -> IssueMessage:
    found = IssueMessage(issue_id=issue.id, allegro_id=str(uuid.uuid4()), author_role="BUYER", text=body,
                         created_at=at)
    db.session.add(found)
    return found


def label(account_id: int, *, fetched: dt.datetime, order_id: int | None = None) -> ShipmentLabel:
    shipment = Shipment(
        account_id=account_id, order_id=order_id, carrier="dpd", service="dpd_classic",
        idempotency_key=uuid.uuid4().hex, request={}, created_at=fetched,
    )
    db.session.add(shipment)
    db.session.flush()
    found = ShipmentLabel(shipment_id=shipment.id, format="pdf", size="A6", content=b"%PDF-1.4 Jan Kowalski",
                          fetched_at=fetched)
    db.session.add(found)
    db.session.commit()
    return found


def checksums(*, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """A digest of every row of every table (by primary key order), to prove nothing was written."""
    digests = {}
    for table in db.metadata.sorted_tables:
        if table.name in skip:
            continue
        key = [column for column in table.primary_key.columns] or list(table.columns)
        rows = db.session.execute(select(table).order_by(*key)).all()
        digests[table.name] = hashlib.sha256(repr([tuple(row) for row in rows]).encode()).hexdigest()
    return digests


def identity(order_id: int) -> tuple:
    """What an order holds about its buyer, as read back from the database."""
    found = db.session.execute(
        text("SELECT buyer_login, buyer_email, buyer_first_name, buyer_last_name, buyer_phone "
             'FROM "order" WHERE id = :id'),
        {"id": order_id},
    ).one()
    return tuple(found)
