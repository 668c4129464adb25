"""Accepted complaints get their correction invoices from billing's invoicing: the money once, on the
ledger; a data-only correction moves none; a fee refund's correction is the document only, issued once the
fee has been invoiced."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import ComplaintState, EntryKind, Invoice, InvoiceKind, InvoiceMode, LedgerEntry
from desk.orm import utcnow
from desk.services import billing
from desk.services.billing import invoices
from desk.services.complaints import FormErrors, Upload, broker, carrier, handling, retry_pending
from desk.services.complaints.corrections import request_again
from desk.services.complaints.invoicing import BillingCorrections
from desk.wiring.complaints import get_corrections
from tests.services.billing.invoicing import TERMS, charge, make_account, make_shipment, warsaw
from tests.services.complaints.helpers import (
    FEE,
    LIMITS,
    NOW,
    PDF,
    account,
    damage_files,
    damage_form,
    delivered_parcel,
    later,
)

PAYER = {"company_name": "Sklep Nowy sp. z o.o.", "nip": "5260250274", "street": "ul. Nowa 1",
         "postcode": "00-950", "city": "Warszawa"}


@pytest.fixture
def seam(app):
    return BillingCorrections(terms=lambda: TERMS, today=lambda: NOW.date())


def invoiced(account_id: int) -> Invoice:
    """One per-order VAT invoice of an 18.22 zł parcel."""
    charge(account_id, warsaw(2026, 11, 18, 10, 0), shipment=make_shipment(account_id))
    invoices.run_per_order(warsaw(2026, 11, 18, 10, 1), TERMS)
    return db.session.scalars(select(Invoice).where(Invoice.account_id == account_id)).one()


def filed(account_id: int, number: str, **values):
    form = {"account_id": str(account_id), "reason": "dimensions", "invoice_number": number,
            "description": "Paczka policzona jako gabaryt C.", "expected_amount": "4,10", **values}
    return broker.file_invoice(form, [Upload("dowod.pdf", PDF, "evidence")], None, limits=LIMITS,
                               actor_id=None, now=NOW)


def answer(complaint, seam, *, amount: str = "", description: str = ""):
    return broker.answer(complaint, accepted=True, text="Uznajemy.", amount=amount, corrections_port=seam,
                         actor_id=None, now=later(NOW, days=1), description=description)


def corrections_of(original: Invoice) -> list[Invoice]:
    return db.session.scalars(select(Invoice).where(Invoice.corrects_id == original.id)).all()


def correction_entries(account_id: int) -> list[LedgerEntry]:
    return db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.account_id == account_id, LedgerEntry.kind == EntryKind.CORRECTION)).all()


def test_an_accepted_dimensions_complaint_issues_a_correction_and_credits_it_once(seam):
    seller = make_account()
    original = invoiced(seller)
    before = billing.balance(seller)
    complaint = answer(filed(seller, original.number), seam)
    (correction,) = corrections_of(original)
    assert correction.kind is InvoiceKind.CORRECTION and correction.gross == Decimal("-4.10")
    assert (complaint.state, complaint.correction_state, complaint.correction_ref) == (
        ComplaintState.ACCEPTED, "issued", correction.number)
    assert "Reklamacja nr" in correction.correction_text and "wymiary" in correction.correction_text
    (entry,) = correction_entries(seller)
    assert entry.amount == Decimal("4.10") and correction.ledger_entry_id == entry.id
    assert billing.balance(seller) == before + Decimal("4.10")
    # asking again with the same key issues nothing new
    assert seam.issue_correction(request_again(complaint)).reference == correction.number
    assert len(corrections_of(original)) == 1 and len(correction_entries(seller)) == 1


def test_payer_data_is_a_correction_of_data_only(seam):
    seller = make_account()
    original = invoiced(seller)
    complaint = answer(filed(seller, original.number, reason="payer_data", expected_amount="", **PAYER), seam)
    (correction,) = corrections_of(original)
    assert correction.gross == Decimal("0.00") and correction.buyer["name"] == "Sklep Nowy sp. z o.o."
    assert correction.buyer["nip"] == "5260250274" and complaint.correction_ref == correction.number
    assert correction_entries(seller) == []


def test_a_description_complaint_needs_the_right_description(seam):
    seller = make_account()
    original = invoiced(seller)
    complaint = filed(seller, original.number, reason="description", expected_amount="")
    with pytest.raises(FormErrors) as refused:
        answer(complaint, seam)
    assert set(refused.value.fields) == {"description"}
    complaint = db.session.get(type(complaint), complaint.id)
    assert complaint.state is ComplaintState.SUBMITTED
    answer(complaint, seam, description="Przesyłka kurierska InPost, gabaryt A")
    (correction,) = corrections_of(original)
    assert [line.description for line in correction.lines] == ["Przesyłka kurierska InPost, gabaryt A"]
    assert correction.gross == Decimal("0.00") and correction_entries(seller) == []


@pytest.mark.parametrize(("number", "amount", "field"), [("FV/1999/01/0001", "", "amount"),
                                                         (None, "50,00", "amount")])
def test_a_correction_that_cannot_be_issued_is_refused_and_nothing_is_written(seam, number, amount, field):
    seller = make_account()
    original = invoiced(seller)
    complaint = filed(seller, number or original.number)
    with pytest.raises(FormErrors) as refused:
        answer(complaint, seam, amount=amount)
    assert set(refused.value.fields) == {field}
    db.session.expire_all()
    assert db.session.get(type(complaint), complaint.id).state is ComplaintState.SUBMITTED
    assert corrections_of(original) == [] and correction_entries(seller) == []


def test_an_accepted_other_complaint_giving_nothing_back_needs_no_document(seam):
    seller = make_account()
    original = invoiced(seller)
    complaint = answer(filed(seller, original.number, reason="other", expected_amount=""), seam)
    assert complaint.state is ComplaintState.ACCEPTED and complaint.correction_state is None
    assert corrections_of(original) == []


def _after_charges() -> dt.datetime:
    """A run after the parcels' fees (charged now, by the clock) are due for invoicing."""
    return utcnow() + dt.timedelta(days=1)


def _billable(seller) -> None:
    profile = billing.profile(seller.id)
    profile.company_name, profile.nip = "Sklep z kubkami sp. z o.o.", "9512345675"
    profile.street, profile.postcode, profile.city = "ul. Długa 5", "31-001", "Kraków"
    profile.invoice_mode = InvoiceMode.PER_ORDER
    db.session.commit()


def _accepted_carrier_complaint(seller, shipment, seam):
    complaint = carrier.start(shipment.id, None, damage_form(kind="delay", claimed_amount=""), damage_files(),
                              limits=LIMITS, actor_id=None, now=NOW, submit=True)
    handling.forward_manually(complaint, {"received_on": NOW.date().isoformat(), "reference": "ALG/1"},
                              actor_id=None, now=NOW)
    handling.decide(complaint, {"outcome": "accepted"}, seam, actor_id=None, now=later(NOW, days=2))
    return complaint


def test_a_fee_refund_after_invoicing_gets_a_document_only_correction(seam):
    seller = account()
    _billable(seller)
    _order, shipment = delivered_parcel(seller, carrier="allegro")
    invoices.run_per_order(_after_charges(), TERMS)
    (original,) = db.session.scalars(select(Invoice).where(Invoice.account_id == seller.id)).all()
    complaint = _accepted_carrier_complaint(seller, shipment, seam)
    (correction,) = corrections_of(original)
    (refund,) = correction_entries(seller.id)  # the refund itself: the document posts nothing more
    assert refund.amount == FEE and correction.ledger_entry_id == refund.id
    assert correction.gross == -FEE and complaint.correction_ref == correction.number
    assert "przewozowej" in correction.correction_text


def test_a_fee_refunded_before_invoicing_is_corrected_after_the_invoice_run(app, seam):
    seller = account()
    _billable(seller)
    _order, shipment = delivered_parcel(seller, carrier="allegro")
    complaint = _accepted_carrier_complaint(seller, shipment, seam)
    assert complaint.correction_state == "pending"
    assert retry_pending(seam) == {"pending": 1, "issued": 0}
    invoices.run_per_order(_after_charges(), TERMS)
    assert retry_pending(seam) == {"pending": 0, "issued": 1}
    assert retry_pending(seam) == {}
    (original,) = db.session.scalars(select(Invoice).where(
        Invoice.account_id == seller.id, Invoice.kind == InvoiceKind.VAT)).all()
    (correction,) = corrections_of(original)
    assert correction.gross == -FEE and complaint.correction_ref == correction.number
    assert db.session.scalar(select(func.count(LedgerEntry.id)).where(
        LedgerEntry.account_id == seller.id, LedgerEntry.kind == EntryKind.CORRECTION)) == 1


def test_the_app_wires_billing_corrections(app):
    assert isinstance(get_corrections(app), BillingCorrections)
