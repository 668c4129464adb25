"""The retention job over 200 000 orders: 10 accounts x 20 000 orders bought in 2021, two in three with a
delivered parcel the desk tracked, 1 % of the orders under a legal hold.

Written with bulk inserts; then a dry run (the preview), the real run (timed, and again under
tracemalloc for its peak of Python memory) and a rerun that must find nothing new. The ports are the
wired privacy functions (desk.wiring.retention) when the package has them; otherwise bulk-UPDATE
stand-ins that change the same buyer columns the engine would, and the table says so.
"""

from __future__ import annotations

import datetime as dt
import time
import tracemalloc
import uuid
from decimal import Decimal

from sqlalchemy import func, insert, select

from benchmarks.common import desk_app, scratch_database
from desk.extensions import db
from desk.models import Order, RetentionMark, RetentionSettings, SellerAccount, Shipment
from desk.models.issue import LANE_CLOSED, LANE_DECISION, Issue, IssueMessage
from desk.models.privacy_request import HoldReason, HoldScope, LegalHold
from desk.services.privacy import retention
from desk.wiring.retention import real_ports

ACCOUNTS, ORDERS = 10, 20_000
HELD_EVERY = 100  # one order in a hundred is under a legal hold
NOW = dt.datetime(2025, 3, 1, 3, 0, tzinfo=dt.UTC)
CONVERSATION_EVERY = 10  # one order in ten had a (closed) discussion with two messages
TITLE = f"Retention job: {ACCOUNTS * ORDERS:,} orders due for pseudonymisation".replace(",", " ")
HEADER = [
    f"{ACCOUNTS} accounts with retention active, {ORDERS:,} orders each bought in 2021 (due under the "
    "default +3 years after the end of the year of delivery), two in three with a delivered parcel, one in "
    f"{HELD_EVERY} held. The job runs account by account, one transaction per window of {retention.BATCH} "
    "ids after the cursor (the due rows of the window read with their clocks, holds asked, the engine "
    "called, the rows' marks written by one INSERT ... SELECT, the cursor and the receipt committed). "
    "PostgreSQL scratch databases are made through `DESK_BENCH_POSTGRES_URL`. *dry run*: the owner's "
    "preview (writes only its "
    "receipt); *run*: the real run; *peak MiB*: tracemalloc's peak during a second, traced, run on a copy "
    "of the same data; *rerun*: the same job again (nothing new). The ports are the desk's own, as wired "
    "(desk.wiring.retention): the erasure engine pseudonymises each order, its parcels and its "
    "conversation and registers it; the holds are the real ones (half the held orders under an owner's "
    "court-case hold, half with a claim still open).",
    "",
    "| database | orders | acted | held | dry run s | run s | orders/s | peak MiB | rerun s |",
    "|---|---|---|---|---|---|---|---|---|",
]


def run(backend: str, tmp_dir: str, accounts: int = ACCOUNTS, orders: int = ORDERS) -> list[str]:
    """One Markdown row for `backend`."""
    traced = _measure(backend, tmp_dir, accounts, orders, trace=True)
    plain = _measure(backend, tmp_dir, accounts, orders, trace=False)
    return [
        f"| {backend} | {accounts * orders:,} | {plain['acted']:,} | {plain['held']:,} | "
        f"{plain['dry']:.1f} | {plain['run']:.1f} | {plain['acted'] / plain['run']:,.0f} | "
        f"{traced['peak'] / 2**20:.1f} | {plain['rerun']:.2f} |"
    ]


def _measure(backend: str, tmp_dir: str, accounts: int, orders: int, *, trace: bool) -> dict:
    with scratch_database(backend, tmp_dir) as url:
        app = desk_app(url, "http://127.0.0.1:9")
        with app.app_context():
            db.create_all()
            try:
                _fill(accounts, orders)
                ports = real_ports()
                dry = _timed(lambda: retention.run_retention(ports, now=NOW, dry_run=True,
                                                             account_ids=range(1, accounts + 1)))[0]
                if trace:
                    tracemalloc.start()
                seconds, runs = _timed(lambda: retention.run_retention(ports, now=NOW))
                peak = tracemalloc.get_traced_memory()[1] if trace else 0
                if trace:
                    tracemalloc.stop()
                rerun = _timed(lambda: retention.run_retention(ports, now=NOW + dt.timedelta(days=1)))[0]
                acted = sum(run.rows.get("order_identity", 0) for run in runs)
                held = sum(run.held.get("order_identity", 0) for run in runs)
                assert acted + held == accounts * orders, (acted, held)
                marks = db.session.scalar(select(func.count(RetentionMark.id)))
                assert marks == acted, (marks, acted)
            finally:
                db.session.remove()
                db.engine.dispose()
    return {"dry": dry, "run": seconds, "rerun": rerun, "peak": peak, "acted": acted,
            "held": held}


def _timed(call):
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def _fill(accounts: int, orders: int) -> None:
    """Accounts with retention active, their orders and parcels, in bulk (ids assigned here)."""
    numbers = range(1, accounts + 1)
    db.session.execute(insert(SellerAccount), [{"id": n, "name": f"Sklep {n}"} for n in numbers])
    db.session.execute(insert(RetentionSettings), [
        {"account_id": n, "active": True, "activated_at": NOW, "updated_at": NOW}
        for n in numbers
    ])
    bought = dt.datetime(2021, 6, 1, 10, 0, tzinfo=dt.UTC)
    for account in range(1, accounts + 1):
        first = (account - 1) * orders
        for start in range(0, orders, 10_000):
            ids = range(first + start + 1, first + min(start + 10_000, orders) + 1)
            db.session.execute(insert(Order), [_order(i, account, bought) for i in ids])
            db.session.execute(insert(Shipment), [_parcel(i, account, bought) for i in ids if i % 3])
            talked = [i for i in ids if i % CONVERSATION_EVERY == 0]
            db.session.execute(insert(Issue), [_issue(i, account, bought) for i in talked])
            db.session.execute(insert(IssueMessage), [
                _message(i, n, bought) for i in talked for n in (1, 2)
            ])
            db.session.execute(insert(LegalHold), [
                _hold(i, account, bought) for i in ids if i % (2 * HELD_EVERY) == 0
            ])
            db.session.commit()
    if db.engine.dialect.name == "postgresql":
        for table in ("order", "shipment", "issue", "issue_message", "legal_hold", "seller_account",
                      "retention_settings"):
            db.session.execute(db.text(f'ANALYZE "{table}"'))
        db.session.commit()


def _order(order_id: int, account: int, bought: dt.datetime) -> dict:
    return {
        "id": order_id, "account_id": account, "allegro_id": str(uuid.UUID(int=order_id)),
        "status": "READY_FOR_PROCESSING", "fulfillment_status": "PICKED_UP", "bought_at": bought,
        "allegro_updated_at": bought + dt.timedelta(days=4), "synced_at": bought,
        "total_amount": Decimal("149.99"), "currency": "PLN", "buyer_allegro_id": f"buyer-{order_id}",
        "buyer_login": f"kupujacy_{order_id}", "buyer_email": f"k{order_id}@allegromail.pl",
        "buyer_first_name": "Jan", "buyer_last_name": "Kowalski", "buyer_phone": "+48601234567",
        "delivery_address": {"firstName": "Jan", "lastName": "Kowalski", "street": "ul. Długa 5",
                             "city": "Kraków", "zipCode": "31-001"},
        "invoice_required": False,
    }


def _parcel(order_id: int, account: int, bought: dt.datetime) -> dict:
    return {
        "account_id": account, "order_id": order_id, "carrier": "inpost", "service": "inpost_locker_standard",
        "idempotency_key": uuid.uuid4().hex, "request": {"receiver": {"name": "Jan Kowalski"}},
        "waybills": [], "tracking_state": "delivered", "tracking_at": bought + dt.timedelta(days=3),
        "created_at": bought,
    }


def _issue(order_id: int, account: int, bought: dt.datetime) -> dict:
    """A discussion about the order: a claim still open for the orders held that way, closed otherwise."""
    open_claim = order_id % (2 * HELD_EVERY) == HELD_EVERY
    return {
        "id": order_id, "account_id": account, "allegro_id": f"issue-{order_id}",
        "checkout_form_id": str(uuid.UUID(int=order_id)), "order_id": order_id,
        "type": "CLAIM" if open_claim else "DISCUSSION",
        "status": "CLAIM_SUBMITTED" if open_claim else "CLOSED",
        "subject": "Paczka nie dotarła", "description": f"Kupujący kupujacy_{order_id} pisze o przesyłce",
        "buyer_allegro_id": f"buyer-{order_id}", "buyer_login": f"kupujacy_{order_id}",
        "lane": LANE_DECISION if open_claim else LANE_CLOSED, "activity_at": bought + dt.timedelta(days=5),
        "last_message_preview": "Dzień dobry, gdzie jest moja paczka?",
    }


def _message(order_id: int, number: int, bought: dt.datetime) -> dict:
    buyer = number == 1
    return {
        "issue_id": order_id, "allegro_id": f"message-{order_id}-{number}",
        "author_role": "BUYER" if buyer else "SELLER",
        "author_login": f"kupujacy_{order_id}" if buyer else None,
        "text": "Dzień dobry, gdzie jest moja paczka? Jan Kowalski, ul. Długa 5" if buyer else "Już wysłana.",
        "created_at": bought + dt.timedelta(days=5, hours=number),
    }


def _hold(order_id: int, account: int, bought: dt.datetime) -> dict:
    return {
        "account_id": account, "scope": HoldScope.ORDER, "order_id": order_id,
        "reason": HoldReason.COURT_CASE, "note": "", "set_at": bought + dt.timedelta(days=30),
    }


if __name__ == "__main__":  # a quick smaller run: python -m benchmarks.retention_bench
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        print("\n".join([*HEADER, *run("sqlite", tmp, accounts=2, orders=3_000)]))
