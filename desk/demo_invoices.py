"""Demo invoices for `make run`: the demo account is invoiced twice a month on agreement terms and has
last month's two invoices (paid by transfer), each for parcels it sent then."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from flask import Flask
from sqlalchemy import select

from desk.extensions import db
from desk.models import EntryKind, Invoice, InvoiceMode, PaymentMode, Shipment, ShipmentStatus
from desk.orm import utcnow
from desk.services import billing
from desk.services.billing import Posting, invoices
from desk.services.billing.invoices import timing
from desk.services.shared.workdays import WARSAW
from desk.wiring.invoices import invoice_terms

PARCELS = (("inpost", "inpost_locker_standard", "13.81"), ("dpd", "dpd_classic", "18.70"),
           ("poczta", "pocztex_courier", "15.45"))


def prepare_invoices(app: Flask, account_id: int) -> int:
    """Give the demo account its billing data and last month's invoices (once); returns how many."""
    if db.session.scalar(select(Invoice.id).where(Invoice.account_id == account_id).limit(1)) is not None:
        return 0
    found = billing.profile(account_id)
    found.payment_mode, found.invoice_mode = PaymentMode.INVOICE, InvoiceMode.SEMIMONTHLY
    found.credit_limit = Decimal("5000.00")
    found.company_name, found.nip = "Sklep Demo sp. z o.o.", "9512345675"
    found.street, found.postcode, found.city = "ul. Handlowa 7", "90-001", "Łódź"
    found.billing_email = found.billing_email or "faktury@sklep-demo.pl"
    db.session.commit()
    now = utcnow()
    last_month = timing.period_of(InvoiceMode.MONTHLY, now.astimezone(WARSAW).date().replace(day=1)
                                  - dt.timedelta(days=1))
    for index in range(12):
        day = last_month.start + dt.timedelta(days=index * (last_month.end.day - 1) // 11)
        _charge(account_id, dt.datetime.combine(day, dt.time(11, index), tzinfo=WARSAW), PARCELS[index % 3])
    terms = invoice_terms(app)
    issued = 0
    for half in (timing.period_of(InvoiceMode.SEMIMONTHLY, last_month.start),
                 timing.period_of(InvoiceMode.SEMIMONTHLY, last_month.end)):
        issued += invoices.run_period(InvoiceMode.SEMIMONTHLY, half, now, terms).get("issued", 0)
    # paid by transfer, so that the demo account is never blocked however long after it starts again
    issued_now = db.session.scalars(select(Invoice).where(Invoice.account_id == account_id)).all()
    for number, invoice in enumerate(issued_now, start=1):
        invoices.record_payment(invoice.id, amount=invoice.gross, reference=f"PRZELEW DEMO/{number}",
                                paid_on=invoice.issue_date, agent_id=None, today=invoice.issue_date)
    return issued


def _charge(account_id: int, at: dt.datetime, parcel: tuple[str, str, str]) -> None:
    carrier, service, net = parcel
    net_amount = Decimal(net)
    vat = billing.grosze(net_amount * 23 / 100)
    gross = net_amount + vat
    quote = {"version": 1, "list_id": 0, "list_name": "Cennik demo", "vat_rate": "23",
             "lines": [{"code": "parcel", "label_key": "parcel", "quantity": 1, "unit_net": net, "net": net,
                        "vat": str(vat), "gross": str(gross), "detail": ""}],
             "net": net, "vat": str(vat), "gross": str(gross)}
    shipment = Shipment(
        account_id=account_id, carrier=carrier, service=service, idempotency_key=f"demo-{uuid.uuid4().hex}",
        request={}, quote=quote, price_gross=gross, status=ShipmentStatus.SENT,
        waybills=[f"DEMO{uuid.uuid4().int % 10**12:012d}"], created_at=at.astimezone(dt.UTC),
    )
    db.session.add(shipment)
    db.session.flush()
    entry = billing.post(Posting(account_id, EntryKind.SHIPMENT_CHARGE, -gross,
                                 key=f"demo:charge:{shipment.id}", shipment_id=shipment.id,
                                 enforce_limit=False))
    entry.created_at = at.astimezone(dt.UTC)  # the demo's history: charged on that day of last month
    db.session.commit()
