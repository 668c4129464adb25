"""Nadaj zaznaczone at volume: 300 orders previewed, queued and sent by the worker's job through the
in-process carrier fakes (real HTTP on 127.0.0.1), then their labels merged into one A4 print job.

Memory is how much the process's peak resident size grew during the step (`ru_maxrss`): tracing every
allocation would slow the step several times over, and the step cannot be run twice on the same data.
"""

from __future__ import annotations

import datetime as dt
import io
import resource
import time
import uuid
from collections.abc import Callable
from decimal import Decimal

from pypdf import PdfReader

from benchmarks.common import desk_app, scratch_database
from desk.extensions import db
from desk.models import EntryKind, Order, SellerAccount, Shipment, ShipmentStatus
from desk.services import billing
from desk.services.shipping import bulk, dispatch, ensure_public_price_list, presets
from desk.services.shipping.closeout import labels as shipment_labels
from desk.wiring.carriers import FAKE_CARRIERS, get_carriers

TITLE = "Shipping desk: 300 parcels from the orders list, and their labels in one PDF"
ORDERS = 300
HEADER = [
    f"{ORDERS} orders delivered by InPost courier are previewed (carrier checks and prices, nothing sent), "
    "queued as one batch and sent by the worker's job (`bulk.run_due`, 50 items a call) through the "
    "in-process InPost fake over loopback HTTP; the fake confirms each shipment a few seconds later and the "
    f"shipments are read until confirmed. Then the {ORDERS} labels are fetched once each and merged, four A6 "
    "to an A4 sheet. *requests* is what the fake received; *peak growth* is how much the process's peak "
    "resident memory grew in that step (0 when the step fit in memory the process had already used).",
    "",
    "| database | step | seconds | requests | peak growth MiB | result |",
    "|---|---|---|---|---|---|",
]


def _measured(step: Callable[[], object]) -> tuple[float, float, object]:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    result = step()
    seconds = time.perf_counter() - started
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before  # KiB on Linux
    return seconds, grown / 1024, result


def _seed() -> tuple[int, list[int]]:
    account = SellerAccount(
        name="Sklep hurtowy",
        sender_name="Anna Sprzedawczyni",
        sender_street="Piotrkowska 12",
        sender_city="Łódź",
        sender_postcode="90-001",
        sender_phone="600100200",
        sender_email="sklep@example.pl",
    )
    db.session.add(account)
    db.session.commit()
    billing.post(billing.Posting(account.id, EntryKind.TOPUP, Decimal("100000.00"), key="bench-topup"))
    db.session.commit()  # every parcel is paid from the balance when it is recorded
    presets.add_preset(account.id, name="Karton", length_cm="30", width_cm="20", height_cm="8", weight_kg="1")
    ensure_public_price_list(today=dt.date(2026, 1, 1))
    for n in range(ORDERS):
        db.session.add(
            Order(
                account_id=account.id,
                allegro_id=str(uuid.uuid4()),
                status="READY_FOR_PROCESSING",
                total_amount=Decimal("89.90"),
                payment_type="ONLINE",
                buyer_email=f"k{n}@allegromail.pl",
                delivery_method_name="Allegro Kurier InPost",
                delivery_address={
                    "first_name": "Jan",
                    "last_name": f"Kowalski {n}",
                    "street": "Długa 5",
                    "city": "Kraków",
                    "zip_code": "30-001",
                    "phone_number": "600200300",
                },
            )
        )
    db.session.commit()
    return account.id, list(db.session.scalars(db.select(Order.id).where(Order.account_id == account.id)))


def _send_all(port_for) -> dict[str, int]:
    totals = {"sent": 0, "failed": 0}
    while True:
        outcome = bulk.run_due(port_for, limit=50)
        if not any(outcome.values()):
            return totals
        for key, value in outcome.items():
            totals[key] += value


def _confirm_all(port_for) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        pending = db.session.scalars(
            db.select(Shipment).where(Shipment.status != ShipmentStatus.CONFIRMED)
        ).all()
        if not pending:
            break
        for shipment in pending:
            dispatch.check(port_for, shipment)
        time.sleep(0.5)
    return db.session.scalar(
        db.select(db.func.count(Shipment.id)).where(Shipment.status == ShipmentStatus.CONFIRMED)
    )


def run(backend: str, tmp_dir: str) -> list[str]:
    """The section's rows for one database."""
    with scratch_database(backend, tmp_dir) as url:
        app = desk_app(url, "http://127.0.0.1:9")  # no Allegro call: the InPost fake serves the carrier
        with app.app_context():
            db.create_all()
            gateway = get_carriers(app)
            fake = app.extensions[FAKE_CARRIERS]["inpost"].server.state

            def port_for(carrier, account_id):
                return gateway.port(carrier, account_id=account_id)

            account_id, order_ids = _seed()
            rows = []
            before = fake.harness.count()
            seconds, peak, previewed = _measured(lambda: bulk.preview(order_ids, None, port_for))
            good = sum(1 for row in previewed if not row.problems)
            rows.append(
                (
                    backend,
                    "preview (checks and prices)",
                    seconds,
                    fake.harness.count() - before,
                    peak,
                    f"{good} of {ORDERS} ready",
                )
            )
            batch = bulk.start(order_ids, None, port_for, key="bench-batch")
            before = fake.harness.count()
            seconds, peak, outcome = _measured(lambda: _send_all(port_for))
            rows.append(
                (
                    backend,
                    "worker sends the batch",
                    seconds,
                    fake.harness.count() - before,
                    peak,
                    f"{outcome['sent']} sent, {outcome['failed']} failed (batch {batch.id})",
                )
            )
            confirmed = _confirm_all(port_for)
            shipments = db.session.scalars(db.select(Shipment).where(Shipment.account_id == account_id)).all()
            before = fake.harness.count()
            seconds, peak, document = _measured(lambda: shipment_labels.download(port_for, shipments, "a4"))
            pages = len(PdfReader(io.BytesIO(document.content)).pages)
            rows.append(
                (
                    backend,
                    f"{confirmed} labels into one A4 PDF",
                    seconds,
                    fake.harness.count() - before,
                    peak,
                    f"{pages} pages, {len(document.content) / 2**20:.1f} MiB",
                )
            )
            db.session.remove()
            db.engine.dispose()
    return [f"| {b} | {step} | {s:.1f} | {n} | {p:.1f} | {what} |" for b, step, s, n, p, what in rows]
