"""The daily cash-on-delivery payout batch at volume: 500 seller accounts with 100 COD parcels each, all
due on the day; the preview of what is due, building the batch (each account under its lock, in its own
transaction) and exporting the transfer CSV that marks everything paid. Queries are counted at the
engine (every statement the database received), seconds by the wall clock."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable
from decimal import Decimal

from sqlalchemy import event, func, insert, select

from benchmarks.common import desk_app, scratch_database
from desk.extensions import db
from desk.models import SellerAccount, Shipment, ShipmentStatus
from desk.models.cod import CodAccount, CodState, PayoutSink, ShipmentCod
from desk.services.billing.cod import payouts

ACCOUNTS, PER_ACCOUNT = 500, 100
PAY_DATE = dt.date(2026, 12, 7)
NOW = dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC)
IBAN = "PL61109010140000071219812874"
TITLE = f"Cash on delivery: the daily payout batch for {ACCOUNTS} accounts x {PER_ACCOUNT} parcels"
HEADER = [
    f"{ACCOUNTS} accounts with {PER_ACCOUNT} COD parcels each ({ACCOUNTS * PER_ACCOUNT:,} in all), received "
    "from the carriers and due on the day (the COD job has run: each account has its COD settings row). "
    "*preview* is what the payouts page shows (one grouped query); "
    "*build* ties every parcel to one transfer per account, account by account under the account's COD "
    "lock (each account checks its dues again and commits alone, so a crash loses at most one account); "
    "*export* writes the transfer CSV and marks the transfers and their parcels paid in one commit; "
    "*build again* is the rerun after the export (finds nothing). *queries* is every statement the "
    "database received during the step.",
    "",
    "| database | step | seconds | queries | result |",
    "|---|---|---|---|---|",
]


def _seed() -> Decimal:
    """The accounts and their due COD, inserted in bulk; returns the total due."""
    db.session.execute(insert(SellerAccount), [{"name": f"Sklep {n:04d}"} for n in range(ACCOUNTS)])
    account_ids = list(db.session.scalars(select(SellerAccount.id).order_by(SellerAccount.id)))
    # the COD job has run before the batch: every account with money has its settings row
    db.session.execute(insert(CodAccount), [{"account_id": account_id} for account_id in account_ids])
    total = Decimal("0.00")
    for account_id in account_ids:
        keys = [f"bench-{account_id}-{n}-{uuid.uuid4().hex[:6]}" for n in range(PER_ACCOUNT)]
        amounts = [Decimal(20 + n) + Decimal(account_id % 100) / 100 for n in range(PER_ACCOUNT)]
        db.session.execute(insert(Shipment), [
            {"account_id": account_id, "carrier": "inpost", "service": "inpost_courier_standard",
             "idempotency_key": key, "waybills": [f"W{account_id:04d}{n:03d}"], "request": {},
             "status": ShipmentStatus.SENT, "cod_amount": amount, "created_at": NOW}
            for n, (key, amount) in enumerate(zip(keys, amounts, strict=True))
        ])
        shipment_ids = db.session.scalars(select(Shipment.id).where(Shipment.idempotency_key.in_(keys)))
        by_key = dict(db.session.execute(
            select(Shipment.idempotency_key, Shipment.id).where(Shipment.id.in_(list(shipment_ids)))
        ).all())
        db.session.execute(insert(ShipmentCod), [
            {"shipment_id": by_key[key], "account_id": account_id, "carrier": "inpost",
             "waybill": f"W{account_id:04d}{n:03d}", "amount": amount, "tier": 1,
             "sink": PayoutSink.BANK_ACCOUNT, "iban": IBAN, "bank_name": "Erste Bank Polska",
             "state": CodState.DUE, "delivered_at": NOW - dt.timedelta(days=3), "due_on": PAY_DATE,
             "received_amount": amount, "received_at": NOW - dt.timedelta(days=1), "offset_amount": 0,
             "created_at": NOW}
            for n, (key, amount) in enumerate(zip(keys, amounts, strict=True))
        ])
        total += sum(amounts, Decimal("0.00"))
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE")  # the planner's statistics, as a live database has them
    return total


def _measured(step: Callable[[], object]) -> tuple[float, int, object]:
    counted = [0]

    def count(*_args) -> None:
        counted[0] += 1

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        started = time.perf_counter()
        result = step()
        return time.perf_counter() - started, counted[0], result
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _csv_total(content: bytes) -> Decimal:
    rows = content.decode("utf-8-sig").splitlines()[1:]
    return sum((Decimal(row.split(";")[2].replace(",", ".")) for row in rows), Decimal("0.00"))


def _steps(backend: str, total: Decimal) -> list[tuple]:
    rows = []
    seconds, queries, due = _measured(lambda: payouts.preview(PAY_DATE))
    shown = sum(line.amount for line in due)
    rows.append((backend, "preview", seconds, queries, f"{len(due)} accounts, {shown:,.2f} zł due"))
    seconds, queries, built = _measured(lambda: payouts.build(PAY_DATE, now=NOW))
    tied = db.session.scalar(select(func.count()).where(ShipmentCod.payout_id.is_not(None)))
    rows.append((backend, "build", seconds, queries, f"{built.paid_accounts} transfers, {tied:,} parcels"))
    seconds, queries, made = _measured(lambda: payouts.export(built.batch.id, now=NOW, actor_id=None))
    paid = db.session.scalar(select(func.count()).where(ShipmentCod.state == CodState.PAID))
    sums = "= the sum due" if _csv_total(made.content) == total else "!= the sum due"
    rows.append((backend, "export", seconds, queries, f"CSV total {sums}, {paid:,} parcels paid"))
    seconds, queries, again = _measured(lambda: payouts.build(PAY_DATE, now=NOW))
    left = "nothing left" if again.batch is None else "PAID AGAIN"
    rows.append((backend, "build again", seconds, queries, left))
    return rows


def run(backend: str, tmp_dir: str) -> list[str]:
    """The section's rows for one database."""
    with scratch_database(backend, tmp_dir) as url:
        app = desk_app(url, "http://127.0.0.1:9")  # nothing here calls Allegro
        with app.app_context():
            db.create_all()
            rows = _steps(backend, _seed())
            db.session.remove()
            db.engine.dispose()
    return [f"| {b} | {step} | {s:.2f} | {q:,} | {what} |" for b, step, s, q, what in rows]
