"""Helpers for the invoice tests: an account with billing data, shipments charged at a given moment."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from decimal import Decimal

from desk.extensions import db
from desk.models import EntryKind, InvoiceMode, LedgerEntry, PaymentMode, SellerAccount, Shipment
from desk.services import billing
from desk.services.billing import Posting
from desk.services.billing.invoices import Seller, Terms
from desk.services.shared.workdays import WARSAW

SELLER = Seller(
    name="Broker Testowy sp. z o.o.", nip="5271234563", street="ul. Kurierska 1", postcode="00-001",
    city="Warszawa", bank_account="PL21 1020 0003 1234 5678 9012 3456",
)
TERMS = Terms(seller=SELLER, payment_days=7, block_after_days=5)
_n = itertools.count(1)


def warsaw(*args: int) -> dt.datetime:
    """An aware moment given in Polish time."""
    return dt.datetime(*args, tzinfo=WARSAW)


def make_account(
    *, mode: InvoiceMode = InvoiceMode.PER_ORDER, payment: PaymentMode = PaymentMode.PREPAID,
    nip: str = "9512345675", name: str | None = None,
) -> int:
    """A seller account whose billing profile can be invoiced, with a large balance."""
    account = SellerAccount(name=name or f"Sklep {next(_n)}")
    db.session.add(account)
    db.session.commit()
    found = billing.profile(account.id)
    found.invoice_mode = mode
    found.payment_mode = payment
    found.credit_limit = Decimal("100000.00") if payment is PaymentMode.INVOICE else Decimal("0.00")
    found.company_name = "Sklep Kupującego sp. j."
    found.nip = nip
    found.street = "ul. Długa 5"
    found.postcode = "31-001"
    found.city = "Kraków"
    found.billing_email = "faktury@sklep.example"
    db.session.commit()
    if payment is PaymentMode.PREPAID:
        billing.post(Posting(account.id, EntryKind.TOPUP, Decimal("100000.00"), key=f"topup:{account.id}"))
        db.session.commit()
    return account.id


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


def make_shipment(account_id: int, *, quote: dict | None = QUOTE, gross: str = "18.22") -> Shipment:
    shipment = Shipment(
        account_id=account_id, carrier="inpost", service="inpost_locker_standard",
        idempotency_key=uuid.uuid4().hex, request={}, quote=quote, price_gross=Decimal(gross),
        waybills=[f"6200{next(_n):016d}"],
    )
    db.session.add(shipment)
    db.session.commit()
    return shipment


def charge(
    account_id: int, at: dt.datetime, *, kind: EntryKind = EntryKind.SHIPMENT_CHARGE, gross: str = "18.22",
    shipment: Shipment | None = None, reason: str = "",
) -> LedgerEntry:
    """Post a debit (or a refund for CANCEL_REFUND) as if it had been posted at `at`."""
    sign = 1 if kind is EntryKind.CANCEL_REFUND else -1
    entry = billing.post(Posting(
        account_id, kind, sign * Decimal(gross), key=f"{kind}:{uuid.uuid4().hex}",
        shipment_id=shipment.id if shipment else None, reason=reason, enforce_limit=False,
    ))
    entry.created_at = at.astimezone(dt.UTC)  # arranged: the posting happened at `at`
    db.session.commit()
    return entry
