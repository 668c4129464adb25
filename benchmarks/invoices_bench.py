"""A periodic invoice run: 500 accounts invoiced twice a month, 200 shipments each in the period.

The data is written with bulk inserts (accounts, billing profiles, shipments with their quote snapshots,
ledger charges); then `invoices.run_period` issues one invoice per account, timed, with every SQL
statement counted (an engine event). The run reads what is pending in one query for all accounts and
issues per account, so the statements grow with the accounts, never with the shipments.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from decimal import Decimal

from sqlalchemy import event, func, insert, select

from benchmarks.common import desk_app, scratch_database
from desk.extensions import db
from desk.models import (
    BillingProfile,
    EntryKind,
    Invoice,
    InvoiceLine,
    InvoiceMode,
    LedgerEntry,
    PaymentMode,
    SellerAccount,
    Shipment,
    ShipmentStatus,
)
from desk.services.billing import invoices
from desk.services.billing.invoices.timing import Period
from desk.services.shared.workdays import WARSAW
from desk.wiring.invoices import invoice_terms

ACCOUNTS, SHIPMENTS = 500, 200
PERIOD = Period(dt.date(2026, 11, 16), dt.date(2026, 11, 30))
RUN_AT = dt.datetime(2026, 12, 1, 0, 30, tzinfo=WARSAW)
TITLE = f"Periodic invoice run: {ACCOUNTS} accounts with {SHIPMENTS} shipments each"
HEADER = [
    f"{ACCOUNTS} semimonthly accounts, each charged for {SHIPMENTS} shipments (quote snapshot of two lines) "
    "in the period 16-30 Nov; `invoices.run_period` issues one invoice per account (numbered under the "
    "month's counter lock, one commit each). *statements* counts every SQL statement the run sent (an "
    "engine event); *per account* is statements / accounts. A rerun of the same period issues nothing "
    "(measured too).",
    "",
    "| database | accounts | shipments | invoices | lines | run s | statements | per account | rerun s "
    "| rerun statements |",
    "|---|---|---|---|---|---|---|---|---|---|",
]
QUOTE = {
    "version": 1, "list_id": 1, "list_name": "Cennik", "vat_rate": "23",
    "lines": [
        {"code": "parcel", "label_key": "parcel", "quantity": 1, "unit_net": "13.81", "net": "13.81",
         "vat": "3.18", "gross": "16.99", "detail": "B"},
        {"code": "insurance", "label_key": "insurance", "quantity": 1, "unit_net": "1.00", "net": "1.00",
         "vat": "0.23", "gross": "1.23", "detail": ""},
    ],
    "net": "14.81", "vat": "3.41", "gross": "18.22",
}


def run(backend: str, tmp_dir: str, accounts: int = ACCOUNTS, shipments: int = SHIPMENTS) -> list[str]:
    """One Markdown row for `backend`."""
    with scratch_database(backend, tmp_dir) as url:
        app = desk_app(url, "http://127.0.0.1:9")
        with app.app_context():
            db.create_all()
            try:
                _fill(accounts, shipments)
                terms = invoice_terms(app)
                first = _timed(lambda: invoices.run_period(InvoiceMode.SEMIMONTHLY, PERIOD, RUN_AT, terms))
                again = _timed(lambda: invoices.run_period(InvoiceMode.SEMIMONTHLY, PERIOD, RUN_AT, terms))
                issued = db.session.scalar(select(func.count(Invoice.id)))
                lines = db.session.scalar(select(func.count(InvoiceLine.id)))
            finally:
                db.session.remove()
                db.engine.dispose()
    (seconds, statements), (rerun_seconds, rerun_statements) = first, again
    return [
        f"| {backend} | {accounts} | {accounts * shipments:,} | {issued} | {lines:,} | {seconds:.1f} | "
        f"{statements:,} | {statements / accounts:.1f} | {rerun_seconds:.1f} | {rerun_statements} |"
    ]


def _timed(call) -> tuple[float, int]:
    count = [0]

    def counted(*_args) -> None:
        count[0] += 1

    event.listen(db.engine, "before_cursor_execute", counted)
    try:
        started = time.perf_counter()
        call()
        return time.perf_counter() - started, count[0]
    finally:
        event.remove(db.engine, "before_cursor_execute", counted)


def _fill(accounts: int, shipments: int) -> None:
    """Accounts, profiles, shipments and their charges, in bulk (ids assigned here)."""
    names = [{"id": n, "name": f"Sklep {n}"} for n in range(1, accounts + 1)]
    db.session.execute(insert(SellerAccount), names)
    db.session.execute(insert(BillingProfile), [
        {"account_id": n, "payment_mode": PaymentMode.INVOICE, "credit_limit": Decimal("100000.00"),
         "invoice_mode": InvoiceMode.SEMIMONTHLY, "company_name": f"Sklep {n} sp. z o.o.",
         "nip": "9512345675",
         "street": "ul. Długa 5", "postcode": "31-001", "city": "Kraków", "billing_email": "",
         "entry_count": shipments}
        for n in range(1, accounts + 1)
    ])
    start = dt.datetime(2026, 11, 16, 8, 0, tzinfo=WARSAW).astimezone(dt.UTC)
    for account in range(1, accounts + 1):
        first_id = (account - 1) * shipments + 1
        ids = range(first_id, first_id + shipments)
        at = [start + dt.timedelta(minutes=90 * index) for index in range(shipments)]
        db.session.execute(insert(Shipment), [
            {"id": sid, "account_id": account, "carrier": "inpost", "service": "inpost_courier_standard",
             "status": ShipmentStatus.SENT, "idempotency_key": uuid.uuid4().hex, "request": {},
             "quote": QUOTE,
             "price_gross": Decimal("18.22"), "waybills": [f"6200{sid:016d}"], "created_at": at[index]}
            for index, sid in enumerate(ids)
        ])
        db.session.execute(insert(LedgerEntry), [
            {"account_id": account, "seq": index + 1, "kind": EntryKind.SHIPMENT_CHARGE,
             "amount": Decimal("-18.22"), "balance_after": Decimal("-18.22") * (index + 1),
             "key": f"charge:shipment:{sid}", "shipment_id": sid, "created_at": at[index]}
            for index, sid in enumerate(ids)
        ])
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        for table in ("shipment", "ledger_entry", "billing_profile", "seller_account"):
            db.session.execute(db.text(f"ANALYZE {table}"))
            db.session.commit()


if __name__ == "__main__":  # a quick smaller run: python -m benchmarks.invoices_bench
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        print("\n".join(run("sqlite", tmp, accounts=20, shipments=50)))
