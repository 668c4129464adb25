"""Privacy test data: a buyer's records on seller accounts written straight into the database, and small
fakes of the privacy core's ports (the eraser really nulls the buyer's order fields)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select, update

from desk.extensions import db
from desk.models import (
    Complaint,
    ComplaintState,
    ComplaintType,
    Order,
    OrderLine,
    OrderNote,
    SellerAccount,
    Shipment,
    ShipmentCod,
    ShipmentLabel,
    ShipmentStatus,
)
from desk.models.cod import CodState, PayoutSink
from desk.models.issue import LANE_CLOSED, LANE_REPLY, Issue, IssueMessage, ReplyFile
from desk.models.rating import Rating
from desk.services.privacy.ports import PrivacyPorts

NOW = dt.datetime(2027, 1, 31, 10, 0, tzinfo=dt.UTC)
PDF = b"%PDF-1.4\n% faktura\n"
_seq = itertools.count(1)


def account(name: str) -> SellerAccount:
    found = SellerAccount(name=name)
    db.session.add(found)
    db.session.commit()
    return found


@dataclass
class Seeded:
    order: Order
    issue: Issue
    rating: Rating
    shipment: Shipment


def seed_buyer(
    acc: SellerAccount,
    buyer_id: str,
    *,
    login: str,
    first: str,
    last: str,
    open_issue: bool = False,
    cod_state: CodState | None = None,
) -> Seeded:
    """One order with a line, a note, a shipment with a label (and COD), a conversation with a message
    and a file, and a rating, all of one buyer."""
    n = next(_seq)
    order = Order(
        account_id=acc.id,
        allegro_id=f"{n:08d}-1111-2222-3333-444444444444",
        status="READY_FOR_PROCESSING",
        buyer_allegro_id=buyer_id,
        buyer_login=login,
        buyer_email=f"{login}@allegromail.pl",
        buyer_first_name=first,
        buyer_last_name=last,
        buyer_phone="+48601234567",
        total_amount=Decimal("149.99"),
        delivery_cost=Decimal("12.50"),
        currency="PLN",
        bought_at=NOW - dt.timedelta(days=20 + n),
        payment_type="CASH_ON_DELIVERY",
        delivery_address={
            "firstName": first,
            "lastName": last,
            "street": "Kwiatowa 5",
            "city": "Łódź",
            "postCode": "90-001",
        },
        message_to_seller=f"Proszę o szybką wysyłkę, {first}",
    )
    order.lines = [
        OrderLine(
            allegro_id=f"l{n}", offer_id=f"o{n}", offer_name="Kubek żółty", quantity=2, price=Decimal("68.75")
        )
    ]
    order.notes = [OrderNote(body=f"Klient {last} dzwonił")]
    db.session.add(order)
    db.session.flush()
    shipment = Shipment(
        account_id=acc.id,
        order_id=order.id,
        carrier="inpost",
        service="inpost_courier_standard",
        status=ShipmentStatus.CONFIRMED,
        idempotency_key=f"priv-{n}",
        waybills=[f"WB{n:08d}"],
        request={"receiver": {"name": f"{first} {last}", "street": "Kwiatowa 5", "city": "Łódź"}},
        cod_amount=Decimal("149.99"),
    )
    db.session.add(shipment)
    db.session.flush()
    db.session.add(ShipmentLabel(shipment_id=shipment.id, format="pdf", size="A6", content=PDF))
    if cod_state is not None:
        db.session.add(
            ShipmentCod(
                shipment_id=shipment.id,
                account_id=acc.id,
                carrier="inpost",
                amount=Decimal("149.99"),
                tier=5,
                sink=PayoutSink.BANK_ACCOUNT,
                state=cod_state,
            )
        )
    issue = Issue(
        account_id=acc.id,
        allegro_id=f"thread-{n}",
        order_id=order.id,
        source="messaging",
        type="POST_PURCHASE_ISSUE",
        status="OPEN" if open_issue else "CLOSED",
        buyer_allegro_id=buyer_id,
        buyer_login=login,
        lane=LANE_REPLY if open_issue else LANE_CLOSED,
        activity_at=NOW - dt.timedelta(days=3),
    )
    issue.messages = [
        IssueMessage(
            allegro_id=f"m{n}",
            author_role="BUYER",
            author_login=login,
            text=f"Gdzie paczka? {first}",
            created_at=NOW - dt.timedelta(days=3),
        )
    ]
    db.session.add(issue)
    db.session.flush()
    db.session.add(
        ReplyFile(
            issue_id=issue.id,
            file_name="zdjęcie kubka.png",
            content_type="image/png",
            size=4,
            data=b"\x89PNG",
        )
    )
    rating = Rating(
        account_id=acc.id,
        allegro_id=f"r{n}",
        order_id=order.id,
        buyer_allegro_id=buyer_id,
        buyer_login=login,
        recommended=True,
        comment=f"Polecam, {first}",
        rated_at=NOW - dt.timedelta(days=2),
        rated_on=(NOW - dt.timedelta(days=2)).date(),
        answer_text="Dziękujemy!",
    )
    db.session.add(rating)
    db.session.commit()
    return Seeded(order, issue, rating, shipment)


def open_complaint(seeded: Seeded) -> Complaint:
    complaint = Complaint(
        account_id=seeded.order.account_id,
        type=ComplaintType.CARRIER,
        state=ComplaintState.SUBMITTED,
        order_id=seeded.order.id,
        subject="Uszkodzona",
        description="Karton zgnieciony",
    )
    db.session.add(complaint)
    db.session.commit()
    return complaint


@dataclass
class FakeEraser:
    """The privacy core's erase_buyer, small: nulls the buyer's identity on the orders of those accounts
    and counts what it changed. Idempotent like the real one."""

    calls: list[dict] = field(default_factory=list)

    def __call__(self, *, account_ids, buyer_allegro_id, now, reason, dry_run=False):
        self.calls.append({"account_ids": sorted(account_ids), "reason": reason})
        ids = list(
            db.session.scalars(
                select(Order.id).where(
                    Order.account_id.in_(sorted(account_ids)), Order.buyer_allegro_id == buyer_allegro_id
                )
            )
        )
        if ids and not dry_run:
            db.session.execute(
                update(Order)
                .where(Order.id.in_(ids))
                .values(
                    buyer_allegro_id=None,
                    buyer_login=None,
                    buyer_email=None,
                    buyer_first_name=None,
                    buyer_last_name=None,
                    buyer_phone=None,
                    delivery_address=None,
                    message_to_seller=None,
                )
            )
            db.session.commit()
        return _Result(
            {"order": len(ids)}, tuple(pseudonym(a, buyer_allegro_id) for a in sorted(account_ids))
        )


@dataclass(frozen=True)
class _Result:
    counts: dict
    pseudonyms: tuple = ()


def pseudonym(account_id: int, buyer_allegro_id: str) -> str:
    return hmac.new(f"key-{account_id}".encode(), buyer_allegro_id.encode(), hashlib.sha256).hexdigest()


def fake_ports() -> tuple[PrivacyPorts, FakeEraser]:
    eraser = FakeEraser()
    return PrivacyPorts(erase_buyer=eraser, buyer_pseudonym=pseudonym), eraser
