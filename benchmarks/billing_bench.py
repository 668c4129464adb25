"""The account billing page at 1 000 and 100 000 ledger entries: p95 through the Flask test client.

The page reads the balance from the newest entry, one page of entries through an index on the account
(newest first, or filtered by kind or by days), and the payouts due; nothing counts or sums all entries,
so the ratio of the two p95s (target <= 1.5) shows whether it stays that way.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from decimal import Decimal

from sqlalchemy import insert, update

from benchmarks.common import desk_app, scratch_database
from benchmarks.pages import alternating_p95, get_ok
from desk.extensions import db
from desk.models import AccountStatus, BillingProfile, EntryKind, LedgerEntry, Role, SellerAccount
from desk.services import billing
from desk.services.accounts import auth

TITLE = "Account billing page p95 (ms): 1 000 vs 100 000 ledger entries (target ratio <= 1.5)"
HEADER = ("| database | view | 1 000 entries | 100 000 entries | ratio |", "|---|---|---|---|---|")
SIZES = (1_000, 100_000)
REQUESTS, WARM_UP = 60, 8
HISTORY_DAYS = 2 * 365
PASSWORD = "Benchmark-Haslo-2026"
ACCOUNT = "Sklep Benchmark"


def _pages(account_id: int, size: int) -> tuple[tuple[str, str], ...]:
    base = f"/billing/accounts/{account_id}"
    month = (dt.date.today() - dt.timedelta(days=HISTORY_DAYS // 2)).replace(day=1)
    return (
        ("billing page (newest entries)", base),
        ("kind: top-ups", f"{base}?kind=topup"),
        ("one month", f"{base}?date_from={month.isoformat()}&date_to={month.replace(day=28).isoformat()}"),
        ("older page (middle of the history)", f"{base}?before={size // 2}"),
    )


def run(backend: str, tmp_dir: str) -> list[str]:
    """Markdown rows: (backend, page, p95 ms at 1 000, p95 ms at 100 000, ratio). Both databases are
    built first and the requests alternate between them, so other work on the machine hits both alike."""
    with contextlib.ExitStack() as stack:
        clients, accounts = {}, {}
        for size in SIZES:
            url = stack.enter_context(scratch_database(backend, tmp_dir))
            clients[size], accounts[size] = _desk(url, size)
            stack.callback(_dispose, clients[size].application)
        rows = []
        for index, (name, _path) in enumerate(_pages(0, 0)):
            paths = {size: _pages(accounts[size], size)[index][1] for size in SIZES}
            calls = [lambda c=clients[size], p=paths[size]: get_ok(c, p) for size in SIZES]
            small, large = alternating_p95(calls, runs=REQUESTS, warmup=WARM_UP)
            rows.append(f"| {backend} | {name} | {small:.1f} | {large:.1f} | {large / small:.2f} |")
    return rows


def _desk(url: str, size: int):
    """A desk app on `url` whose account holds `size` entries, and a client signed in as its owner."""
    app = desk_app(url, "http://127.0.0.1:9")  # the page never calls Allegro
    with app.app_context():
        db.create_all()
        account_id = _populate(size)
        db.session.remove()
    client = app.test_client()
    response = client.post("/login", data={"email": "owner@bench.pl", "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    return client, account_id


def _dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _populate(size: int) -> int:
    account = SellerAccount(name=ACCOUNT, status=AccountStatus.ACTIVE)
    other = SellerAccount(name="Inny sklep", status=AccountStatus.ACTIVE)  # its entries share the table
    db.session.add_all([account, other])
    db.session.commit()
    auth.create_agent(email="owner@bench.pl", name="Właściciel", password=PASSWORD, role=Role.OWNER)
    for account_id, count in ((account.id, size), (other.id, size // 10)):
        seed_entries(account_id, count)
    if db.engine.dialect.name == "postgresql":  # what autovacuum would soon do after a bulk load
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    return account.id


def seed_entries(account_id: int, size: int) -> None:
    """`size` entries over two years: a top-up now and then, shipment charges, some refunds and fees."""
    rng = random.Random(size + account_id)
    billing.profile(account_id)
    now = dt.datetime.now(dt.UTC)
    step = dt.timedelta(days=HISTORY_DAYS) / size
    balance, rows = Decimal("0.00"), []
    for seq in range(1, size + 1):
        kind, amount = _movement(rng, balance)
        balance += amount
        rows.append({
            "account_id": account_id, "seq": seq, "kind": kind, "amount": amount, "balance_after": balance,
            "key": f"bench:{account_id}:{seq}",
            "reference": f"SALDO {account_id}" if kind is EntryKind.TOPUP else "",
            "reason": "Shipment ordered" if kind is EntryKind.SHIPMENT_CHARGE else "",
            "created_at": now - step * (size - seq),
        })
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(LedgerEntry), rows[start : start + 5000])
    db.session.execute(
        update(BillingProfile).where(BillingProfile.account_id == account_id).values(entry_count=size)
    )
    db.session.commit()


def _movement(rng: random.Random, balance: Decimal) -> tuple[EntryKind, Decimal]:
    if balance < 50:
        return EntryKind.TOPUP, Decimal(rng.choice((200, 500, 1000)))
    roll = rng.random()
    if roll < 0.03:
        return EntryKind.CANCEL_REFUND, Decimal("16.99")
    if roll < 0.04:
        return EntryKind.CANCEL_FEE, Decimal("-15.00")
    return EntryKind.SHIPMENT_CHARGE, -Decimal(rng.randint(1299, 2999)) / 100
