"""Orders list p95 at 1k vs 200k orders: the agents' main screen must not slow down as a shop grows."""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import uuid
import zlib
from decimal import Decimal

from benchmarks.common import desk_app, scratch_database
from benchmarks.pages import alternating_p95, get_ok, signed_in_client
from desk.extensions import db
from desk.models import Order, OrderLine, SellerAccount, Shipment

SIZES = (1_000, 200_000)
BATCH = 5_000
LOGINS = ["jan_kowalski", "anna.nowak", "piotr1985", "kasia_w", "marek.zielinski", "ola_sklep", "tomek77"]
METHODS = ["Allegro Paczkomaty InPost", "Allegro Kurier DPD", "Allegro Pocztex Kurier 48", "Allegro One Box"]
STATUSES = ["READY_FOR_PROCESSING"] * 8 + ["BOUGHT", "FILLED_IN", "CANCELLED"]
FULFILLMENT = ["NEW", "PROCESSING", "READY_FOR_SHIPMENT", "SENT", "PICKED_UP"]
URLS = {
    "default": "/orders/",
    "status filter": "/orders/?fulfillment=PROCESSING",
    "COD only": "/orders/?cod=1",
    "search login": "/orders/?q=anna.nowak",
    "sort by total": "/orders/?sort=total_desc",
}


def seed_orders(account_id: int, count: int, rng: random.Random) -> None:
    """`count` orders of one account, a minute apart from 2026-01-01, each with one line item."""
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for offset in range(0, count, BATCH):
        orders, lines = [], []
        for n in range(offset, min(offset + BATCH, count)):
            allegro_id = str(uuid.UUID(int=rng.getrandbits(128)))
            orders.append(_order(account_id, allegro_id, start + dt.timedelta(minutes=n), n, rng))
        db.session.execute(Order.__table__.insert(), orders)
        ids = dict(
            db.session.execute(
                db.select(Order.allegro_id, Order.id).where(
                    Order.allegro_id.in_([o["allegro_id"] for o in orders])
                )
            ).all()
        )
        for order in orders:
            lines.append(
                {
                    "order_id": ids[order["allegro_id"]],
                    "allegro_id": str(uuid.uuid4()),
                    "offer_id": str(rng.randint(10**10, 10**11)),
                    "offer_name": "Słuchawki bezprzewodowe",
                    "quantity": 1,
                    "price": order["total_amount"],
                    "currency": "PLN",
                }
            )
        db.session.execute(OrderLine.__table__.insert(), lines)
        db.session.execute(Shipment.__table__.insert(), _shipments(account_id, orders, ids, rng))
        db.session.commit()


CARRIERS = ("inpost", "dpd", "poczta")
TRACKING = ("created", "handed_over", "in_transit", "ready_for_pickup", "delivered", "delivered", None)


def _shipments(account_id: int, orders: list[dict], ids: dict[str, int], rng: random.Random) -> list[dict]:
    """Two orders in three have a parcel, as in a shop that ships from the desk (the list's parcel column)."""
    rows = []
    for n, order in enumerate(orders):
        if n % 3 == 2:
            continue
        rows.append(
            {
                "account_id": account_id,
                "order_id": ids[order["allegro_id"]],
                "carrier": rng.choice(CARRIERS),
                "service": "bench",
                "status": "CONFIRMED",
                "idempotency_key": f"bench-{order['allegro_id']}",
                "waybills": [f"{rng.getrandbits(60):018d}"],
                "request": {},
                "reference": "",
                "attempts": 1,
                "tracking_state": rng.choice(TRACKING),
                "created_at": order["bought_at"],
            }
        )
    return rows


def _order(account_id, allegro_id, bought_at, n, rng) -> dict:
    login = f"{rng.choice(LOGINS)}{n % 997}"
    return {
        "account_id": account_id,
        "allegro_id": allegro_id,
        "status": rng.choice(STATUSES),
        "fulfillment_status": rng.choice(FULFILLMENT),
        "bought_at": bought_at,
        "allegro_updated_at": bought_at,
        "synced_at": bought_at,
        "buyer_allegro_id": str(zlib.crc32(login.encode())),  # one Allegro id per login
        "buyer_login": login,
        "buyer_email": f"{login}@allegromail.pl",
        "buyer_first_name": "Anna",
        "buyer_last_name": "Nowak",
        "buyer_phone": "+48600100200",
        "payment_type": "CASH_ON_DELIVERY" if rng.random() < 0.15 else "ONLINE",
        "total_amount": Decimal(rng.randint(999, 99999)) / 100,
        "currency": "PLN",
        "delivery_method_name": rng.choice(METHODS),
        "invoice_required": False,
    }


def run(backend: str, tmp_dir: str) -> list[tuple[str, str, float, float, float]]:
    """(backend, view, p95 ms at 1k, p95 ms at 200k, ratio) for each list view.

    Both databases are built first, then the requests alternate between them.
    """
    with contextlib.ExitStack() as stack:
        clients = []
        for size in SIZES:
            url = stack.enter_context(scratch_database(backend, tmp_dir))
            app = desk_app(url, "http://127.0.0.1:9")  # the list never calls Allegro
            with app.app_context():
                _build(backend, size)
                client = signed_in_client(app)
                db.session.remove()
            stack.callback(_dispose, app)
            clients.append(client)
        rows = []
        for name, page_url in URLS.items():
            small, big = alternating_p95([lambda c=c, u=page_url: get_ok(c, u) for c in clients], runs=100)
            rows.append((backend, name, small, big, big / small))
    return rows


def _build(backend: str, size: int) -> None:
    db.create_all()
    account = SellerAccount(name="Bench", status="active")
    db.session.add(account)
    db.session.commit()
    seed_orders(account.id, size, random.Random(size))
    if backend == "postgresql":
        db.session.execute(db.text('ANALYZE "order"; ANALYZE order_line; ANALYZE shipment'))
        db.session.commit()


def _dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
