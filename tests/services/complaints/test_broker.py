"""Complaints the broker answers: service complaints (answer kept), invoice complaints (evidence, payer data,
an accepted one asks the seam for its correction invoice once), carrier complaints returned as unfounded and
forwarded after all at the seller's request."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import Complaint, ComplaintState, LedgerEntry
from desk.services.complaints import FormErrors, Upload, broker, carrier, retry_pending
from desk.services.errors import ConflictError
from tests.services.complaints.helpers import (
    LIMITS,
    NOW,
    PDF,
    RecordingCorrections,
    account,
    damage_files,
    damage_form,
    delivered_parcel,
    later,
)


def invoice_values(seller, **changes) -> dict[str, str]:
    values = {
        "account_id": str(seller.id),
        "reason": "dimensions",
        "invoice_number": "FV/2026/11/0042",
        "description": "Paczka miała 30x20x10, policzono gabaryt C.",
        "expected_amount": "4,10",
    }
    return {**values, **changes}


def count() -> int:
    return db.session.scalar(select(func.count(Complaint.id)))


def test_a_service_complaint_is_answered_and_the_answer_kept(app):
    seller = account()
    complaint = broker.file_service(
        {"account_id": str(seller.id), "subject": "Brak kontaktu", "description": "Infolinia nie odpowiada."},
        {seller.id},
        actor_id=None,
        now=NOW,
    )
    assert complaint.state is ComplaintState.SUBMITTED and complaint.answer_due_on.isoformat() == "2026-12-04"
    with pytest.raises(FormErrors) as refused:
        broker.answer(
            complaint, accepted=False, text=" ", amount="", corrections_port=None, actor_id=None, now=NOW
        )
    assert set(refused.value.fields) == {"answer"}
    broker.answer(
        complaint,
        accepted=False,
        text="Infolinia działała, mamy nagrania.",
        amount="",
        corrections_port=None,
        actor_id=None,
        now=later(NOW, days=2),
    )
    db.session.expire_all()
    stored = db.session.get(Complaint, complaint.id)
    assert stored.state is ComplaintState.REJECTED and stored.answer == "Infolinia działała, mamy nagrania."
    with pytest.raises(ConflictError):
        broker.answer(
            stored,
            accepted=True,
            text="Jednak tak.",
            amount="",
            corrections_port=None,
            actor_id=None,
            now=later(NOW, days=3),
        )


def test_service_complaint_for_an_account_out_of_reach_is_refused(app):
    mine, theirs = account("Mój"), account("Cudzy")
    with pytest.raises(FormErrors) as refused:
        broker.file_service(
            {"account_id": str(theirs.id), "subject": "x", "description": "y"},
            {mine.id},
            actor_id=None,
            now=NOW,
        )
    assert set(refused.value.fields) == {"account_id"} and count() == 0


def test_an_accepted_invoice_complaint_asks_for_its_correction_once(app):
    seller, seam = account(), RecordingCorrections(issue=True)
    complaint = broker.file_invoice(
        invoice_values(seller),
        [Upload("wymiary.jpg", PDF, "evidence")],
        None,
        limits=LIMITS,
        actor_id=None,
        now=NOW,
    )
    broker.answer(
        complaint,
        accepted=True,
        text="Przeliczono na gabaryt A.",
        amount="",
        corrections_port=seam,
        actor_id=None,
        now=later(NOW, days=1),
    )
    assert complaint.state is ComplaintState.ACCEPTED and complaint.correction_amount == Decimal("4.10")
    (request,) = seam.requests
    assert (
        request.key,
        request.invoice_number,
        request.reason,
        request.refund_gross,
        request.ledger_entry_id,
    ) == (f"complaint:{complaint.id}:correction", "FV/2026/11/0042", "dimensions", Decimal("4.10"), None)
    assert (complaint.correction_state, complaint.correction_ref) == ("issued", "KOR/1/2026")
    # the money of an invoice correction is the invoicing module's: nothing on the ledger from here
    assert db.session.scalar(select(func.count(LedgerEntry.id))) == 0
    assert retry_pending(seam) == {} and len(seam.requests) == 1


def test_a_pending_correction_is_asked_again_with_the_same_key(app):
    seller = account()
    complaint = broker.file_invoice(
        invoice_values(seller, reason="fees"),
        [Upload("cennik.pdf", PDF, "evidence")],
        None,
        limits=LIMITS,
        actor_id=None,
        now=NOW,
    )
    broker.answer(
        complaint,
        accepted=True,
        text="Opłata za SMS naliczona omyłkowo.",
        amount="0,50",
        corrections_port=RecordingCorrections(),
        actor_id=None,
        now=NOW,
    )
    assert complaint.correction_state == "pending"
    wired = RecordingCorrections(issue=True)
    assert retry_pending(wired) == {"pending": 0, "issued": 1}
    assert [r.key for r in wired.requests] == [f"complaint:{complaint.id}:correction"]
    assert wired.requests[0].refund_gross == Decimal("0.50") and complaint.correction_ref == "KOR/1/2026"


def test_a_rejected_invoice_complaint_keeps_its_reason(app):
    seller = account()
    complaint = broker.file_invoice(
        invoice_values(seller, reason="description", expected_amount=""),
        [],
        None,
        limits=LIMITS,
        actor_id=None,
        now=NOW,
    )
    broker.answer(
        complaint,
        accepted=False,
        text="Opis zgodny z cennikiem.",
        amount="",
        corrections_port=None,
        actor_id=None,
        now=NOW,
    )
    assert (complaint.state, complaint.answer, complaint.correction_state) == (
        ComplaintState.REJECTED,
        "Opis zgodny z cennikiem.",
        None,
    )


@pytest.mark.parametrize(
    ("changes", "uploads", "fields"),
    [
        ({}, [], {"files"}),  # dimensions without evidence
        (
            {"reason": "fees", "expected_amount": "-3"},
            [Upload("a.pdf", PDF, "evidence")],
            {"expected_amount"},
        ),
        (
            {
                "reason": "payer_data",
                "company_name": "Sklep",
                "nip": "5260250275",
                "street": "Długa 1",
                "postcode": "00950",
                "city": "Warszawa",
            },
            [],
            {"nip", "postcode"},
        ),
        ({"reason": "bribe", "invoice_number": ""}, [], {"reason", "invoice_number"}),
    ],
)
def test_bad_invoice_complaints_are_refused_with_nothing_written(app, changes, uploads, fields):
    seller = account()
    with pytest.raises(FormErrors) as refused:
        broker.file_invoice(
            invoice_values(seller, **changes), uploads, None, limits=LIMITS, actor_id=None, now=NOW
        )
    assert set(refused.value.fields) == fields and count() == 0


def test_payer_data_with_a_valid_nip_is_kept_for_the_correction(app):
    seller = account()
    values = invoice_values(
        seller,
        reason="payer_data",
        expected_amount="",
        company_name="Kubki sp. z o.o.",
        nip="856-734-62-15",
        street="Długa 1",
        postcode="00-950",
        city="Warszawa",
    )
    complaint = broker.file_invoice(values, [], None, limits=LIMITS, actor_id=None, now=NOW)
    assert complaint.corrected_payer["nip"] == "8567346215"


def test_an_unfounded_carrier_complaint_is_returned_and_forwarded_at_the_sellers_request(app):
    seller = account()
    _order, shipment = delivered_parcel(seller)
    complaint = carrier.start(
        shipment.id, None, damage_form(), damage_files(), limits=LIMITS, actor_id=None, now=NOW, submit=True
    )
    with pytest.raises(FormErrors):
        broker.return_unfounded(complaint, reason="", actor_id=None, now=NOW)
    broker.return_unfounded(complaint, reason="Towar był źle zapakowany.", actor_id=None, now=NOW)
    assert complaint.state is ComplaintState.RETURNED and complaint.answer == "Towar był źle zapakowany."
    carrier.submit(complaint.id, {seller.id}, actor_id=None, now=later(NOW, hours=1))
    assert complaint.state is ComplaintState.SUBMITTED and complaint.forward_insisted_at is not None
    with pytest.raises(ConflictError):  # the seller insists: the broker forwards it
        broker.return_unfounded(complaint, reason="Nadal nie.", actor_id=None, now=later(NOW, hours=2))
    assert [e.new_state for e in complaint.events if e.kind == "state"] == [
        "submitted",
        "returned",
        "submitted",
    ]
