"""One of everything that shows buyer data (orders, a conversation with a file, a rating awaiting approval,
a parcel with a complaint, a bulk send with a failed row), and per tagged GET route the URL values, the
entities its page shows and the action logged."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from desk.extensions import db
from desk.models import Order, Shipment, ShipmentBatch
from desk.models.issue import Issue
from desk.models.rating import DraftKind, DraftState, Rating, RatingDraft
from desk.orm import utcnow
from desk.services.complaints import carrier
from desk.services.issues.sync import sync_issues
from desk.services.shipping import bulk, presets
from desk.wiring import get_allegro
from tests.factories import connect_account, make_agent, make_thread
from tests.services.complaints.helpers import LIMITS, NOW, damage_files, damage_form, delivered_parcel
from tests.services.shipping.bulk_helpers import make_account, make_order, ports


@dataclass
class Seeded:
    owner: Any
    order: Order
    parcel_order: Order
    shipment: Shipment
    thread: Issue
    claim: Issue  # synced from the fake Allegro, with a buyer's file
    attachment_id: str
    rating: Rating
    complaint: Any
    batch: ShipmentBatch
    failed_order: Order

    def all_orders(self) -> list[tuple[str, int]]:
        return [("order", i) for i in db.session.scalars(select(Order.id))]

    def all_issues(self) -> list[tuple[str, int]]:
        return [("issue", i) for i in db.session.scalars(select(Issue.id))]


def seed_everything(app, fake) -> Seeded:
    from desk.models import Role

    account = make_account()
    order = make_order(account, buyer_allegro_id="90001", buyer_login="kupujacy_jan")
    parcel_order, shipment = delivered_parcel(account)
    parcel_order.buyer_allegro_id, parcel_order.buyer_login = "90002", "kupujaca_ewa"
    complaint = carrier.start(shipment.id, None, damage_form(), damage_files(), limits=LIMITS, actor_id=None,
                              now=NOW, submit=True)
    shop, seller = connect_account(fake, name="Sklep z wiadomościami")
    thread = make_thread(shop.id, order=order, buyer_allegro_id="90001",
                         messages=[{"role": "BUYER", "text": "Gdzie paczka?"}])
    file_id = fake.state.attach_file("zdjecie.png", b"\x89PNG\r\n\x1a\n", "image/png")
    made = fake.state.add_issue(seller, attachment_ids=[file_id])
    sync_issues(get_allegro().client_for(shop.id), shop.id, full=False, now=utcnow())
    claim = db.session.scalar(select(Issue).where(Issue.allegro_id == made["id"]))
    rating = Rating(account_id=account.id, allegro_id="r" * 24, buyer_allegro_id="90003",
                    buyer_login="kupujacy_adam", recommended=False, comment="Za długo", rated_at=utcnow(),
                    rated_on=dt.date.today(), last_changed_at=utcnow())
    db.session.add(rating)
    db.session.flush()
    db.session.add(RatingDraft(rating_id=rating.id, kind=DraftKind.ANSWER, text="Przepraszamy",
                               state=DraftState.PROPOSED, idempotency_key="draft-1"))
    failed_order = make_order(account, buyer_allegro_id="90004", buyer_login="kupujacy_ola")
    long = presets.add_preset(account.id, name="Rura", length_cm="130", width_cm="20", height_cm="10",
                              weight_kg="1")
    batch = bulk.start([failed_order.id], None, ports(app), preset=long.id, key="long")
    db.session.commit()
    owner = make_agent(role=Role.OWNER)
    return Seeded(owner, order, parcel_order, shipment, thread, claim, file_id, rating, complaint, batch,
                  failed_order)


def _orders(s: Seeded):
    return {}, s.all_orders(), "list"


CASES = {
    "orders.index": _orders,
    "orders.detail": lambda s: ({"order_id": s.order.id}, [("order", s.order.id)], "view"),
    "issues.index": lambda s: ({}, s.all_issues(), "list"),
    "issues.detail": lambda s: ({"issue_id": s.thread.id}, [("issue", s.thread.id)], "view"),
    "issues.attachment": lambda s: (
        {"issue_id": s.claim.id, "attachment_id": s.attachment_id}, [("issue", s.claim.id)], "download"),
    "ratings.index": lambda s: ({}, [("rating", s.rating.id)], "list"),
    "ratings.detail": lambda s: ({"rating_id": s.rating.id}, [("rating", s.rating.id)], "view"),
    "ratings.approvals": lambda s: ({}, [("rating", s.rating.id)], "list"),
    "ratings.export": lambda s: ({}, [("rating", s.rating.id)], "export"),
    "ship.new": lambda s: ({"order_id": s.order.id}, [("order", s.order.id)], "view"),
    "ship.bulk_batch": lambda s: ({"batch_id": s.batch.id}, [("order", s.failed_order.id)], "list"),
    "complaints.detail": lambda s: (
        {"complaint_id": s.complaint.id}, [("complaint", s.complaint.id)], "view"),
    "complaints.file": lambda s: (
        {"complaint_id": s.complaint.id, "file_id": s.complaint.files[0].id},
        [("complaint", s.complaint.id)], "download"),
    "complaints.new_carrier": lambda s: (
        {"shipment_id": s.shipment.id}, [("shipment", s.shipment.id)], "view"),
    # a lookup of the log is logged as one row with the filters as its query
    "privacy.access_log": lambda s: ({"buyer": "kupujacy_jan"}, [(None, None)], "search"),
    "privacy.access_log_export": lambda s: ({}, [(None, None)], "export"),
    "privacy.access_log_buyers": lambda s: ({"agent": str(s.owner.id)}, [(None, None)], "export"),
}
