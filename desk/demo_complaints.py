"""The demo's complaints: once some demo parcels have their waybills, complaints in several states are written
through the same services the pages use (a service complaint whose answer is due soon, an accepted invoice
complaint, parcel complaints as a draft, returned as unfounded, with the carrier, asked for a document, and
accepted with the fee refunded), and a parcel back at the broker waiting for instructions. The carriers'
fakes accept the forwarded ones and decide them by themselves after a while, so the complaints job moves them.
"""

from __future__ import annotations

import datetime as dt
import logging

from flask import Flask
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import Agent, Complaint, Invoice, InvoiceKind, Role, Shipment
from desk.orm import utcnow
from desk.services.complaints import (
    FormErrors,
    Upload,
    broker,
    carrier,
    carrier_flow,
    handling,
    returns,
)
from desk.wiring.carriers import FAKE_CARRIERS
from desk.wiring.complaints import complaint_ports, complaint_settings, get_corrections

log = logging.getLogger(__name__)
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
IBAN = "PL61 1090 1014 0000 0712 1981 2874"
NEEDED = 6  # parcels with waybills the demo's complaints use
AUTO_DECIDE_SECONDS = 900.0  # the fakes accept a forwarded complaint this long after receiving it


def _form(kind: str, text: str, amount: str = "") -> dict[str, str]:
    return {
        "kind": kind,
        "description": text,
        "claimed_amount": amount,
        "damage_report_made": "1",
        "iban": IBAN,
        "account_holder": "Sklep demo sp. z o.o.",
    }


def _files(*doc_types: str) -> list[Upload]:
    return [Upload(f"{doc_type}.pdf", PDF, doc_type) for doc_type in doc_types]


def seed(app: Flask, account_id: int) -> int:
    """Write the demo's complaints (first run only, once enough parcels have waybills); how many were made."""
    if db.session.scalar(select(func.count(Complaint.id)).where(Complaint.account_id == account_id)):
        return 0
    found = db.session.scalars(
        select(Shipment).where(Shipment.account_id == account_id).order_by(Shipment.id).limit(50)
    ).all()
    # parcels a carrier knows, those with the carrier's id first (the invoice demo's history was never sent
    # to a carrier: no complaint can name it)
    known = [p for p in found if p.waybills and (p.carrier_shipment_id or p.request)]
    parcels = sorted(known, key=lambda p: (not p.carrier_shipment_id, p.id))[:NEEDED]
    if len(parcels) < NEEDED:
        return 0
    admin = db.session.scalar(select(Agent.id).where(Agent.role == Role.ADMIN).order_by(Agent.id))
    for fake in app.extensions.get(FAKE_CARRIERS, {}).values():
        fake.server.state.complaints.auto_after = AUTO_DECIDE_SECONDS
    try:
        return _write(app, account_id, parcels, admin)
    except (FormErrors, carrier_flow.CarrierTrouble) as exc:  # a fake refused: the demo goes on without it
        db.session.rollback()
        log.warning("demo complaints not written: %s", exc)
        return 0


def _write(app: Flask, account_id: int, parcels: list[Shipment], admin: int | None) -> int:
    now, limits, recheck = utcnow(), complaint_settings(app).limits, complaint_settings(app).recheck
    ports, seam = complaint_ports(app), get_corrections(app)
    account = {"account_id": str(account_id)}
    number = _last_invoice(account_id)
    broker.file_service(
        account
        | {
            "subject": "Kurier nie przyjechał po odbiór",
            "description": "Zamówiony odbiór na wtorek, kurier się nie pojawił.",
        },
        None,
        actor_id=admin,
        now=now - dt.timedelta(days=12),
    )
    invoice = broker.file_invoice(
        account
        | {
            "reason": "dimensions",
            "invoice_number": number or "FV/2026/11/0042",
            "expected_amount": "4,10",
            "description": "Paczka 30×20×10 cm policzona jako gabaryt C.",
        },
        _files("evidence"),
        None,
        limits=limits,
        actor_id=admin,
        now=now - dt.timedelta(days=3),
    )
    if number:  # accepted with its correction invoice (without invoices it waits for the answer)
        broker.answer(
            invoice,
            accepted=True,
            text="Przeliczono na gabaryt A, wystawimy korektę.",
            amount="",
            corrections_port=seam,
            actor_id=admin,
            now=now - dt.timedelta(days=1),
        )

    def parcel(
        index: int, form: dict, files: list[Upload], submit: bool = True, days_ago: int = 0
    ) -> Complaint:
        return carrier.start(
            parcels[index].id,
            None,
            form,
            files,
            limits=limits,
            actor_id=admin,
            now=now - dt.timedelta(days=days_ago),
            submit=submit,
        )

    parcel(0, _form("damage", "Karton zgnieciony, sprawdzam zawartość.", "80,00"), [], submit=False)
    returned = parcel(1, _form("delay", "Paczka szła 5 dni zamiast 2."), _files("transport_document"))
    broker.return_unfounded(
        returned, reason="Termin doręczenia mieści się w regulaminie przewoźnika.", actor_id=admin, now=now
    )
    forwarded = parcel(
        2,
        _form("damage", "Pęknięty kubek.", "59,00"),
        _files("transport_document", "damage_report", "value_invoice", "photo"),
    )
    carrier_flow.forward(ports, forwarded, actor_id=admin, now=now, recheck=recheck)
    asked = parcel(
        3,
        _form("shortage", "Brak jednego z dwóch kubków.", "29,50"),
        _files("transport_document", "damage_report", "value_invoice"),
    )
    handling.forward_manually(
        asked, {"received_on": now.date().isoformat(), "reference": "R/2026/7781"}, actor_id=admin, now=now
    )
    handling.record_request(
        asked, {"message": "Prosimy o zdjęcia opakowania i towaru."}, ["photo"], actor_id=admin, now=now
    )
    accepted = parcel(
        4,
        _form("loss", "Paczka nie dotarła, status bez zmian od tygodnia.", "149,99"),
        _files("transport_document", "value_invoice"),
        days_ago=25,
    )
    handling.forward_manually(
        accepted, {"received_on": (now - dt.timedelta(days=20)).date().isoformat()}, actor_id=admin, now=now
    )
    handling.decide(
        accepted,
        {"outcome": "accepted", "compensation": "149,99", "reason": "Przesyłka zaginęła."},
        seam,
        actor_id=admin,
        now=now,
    )
    returns.record(parcels[5], returned_at=now - dt.timedelta(days=2), now=now)
    db.session.commit()
    return 7


def _last_invoice(account_id: int) -> str | None:
    """The number of the account's newest VAT invoice (the demo's invoice complaint is about it)."""
    number = db.session.scalar(
        select(Invoice.number)
        .where(Invoice.account_id == account_id, Invoice.kind == InvoiceKind.VAT)
        .order_by(Invoice.id.desc())
        .limit(1)
    )
    return number
