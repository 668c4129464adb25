"""A damaged parcel in a real browser: the seller writes the complaint from the order page with its documents,
the broker forwards it to the carrier, the carrier asks for one more document, the seller sends it, the
carrier accepts and the broker's fee comes back to the seller's balance."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from desk import jobs
from desk.extensions import db
from desk.models import Complaint, ComplaintState, Role
from desk.orm import utcnow
from desk.services import billing
from desk.wiring import use_clock
from tests.browser.conftest import shot, sign_in
from tests.clock import FakeClock
from tests.factories import PASSWORD, make_agent
from tests.services.complaints.helpers import FEE, IBAN, PDF, PNG, account, delivered_parcel, inpost_state

pytestmark = pytest.mark.browser


def run_job_at(app, moment: dt.datetime) -> dict:
    """The complaints job as the scheduler runs it, at `moment`."""
    use_clock(app, FakeClock(moment))
    return jobs.complaints_job(app)


def test_a_damaged_parcel_from_complaint_to_refund(app, live_desk, page, tmp_path):
    seller_account = account("Sklep z kubkami")
    order, shipment = delivered_parcel(seller_account)
    inpost = inpost_state(app)
    seller = make_agent(role=Role.AGENT, accounts=[seller_account], name="Ola Sprzedawczyni")
    admin = make_agent(role=Role.ADMIN, name="Adam z biura")
    files = {}
    for name, data in (("protokol.pdf", PDF), ("faktura.pdf", PDF), ("karton.png", PNG), ("kubek.png", PNG)):
        files[name] = tmp_path / name
        files[name].write_bytes(data)

    # the seller writes the complaint from the order page
    sign_in(page, live_desk, seller.email, PASSWORD)
    page.goto(f"{live_desk}/orders/{order.id}")
    page.click("#parcels >> text=Reklamacja")
    page.wait_for_load_state()
    assert (
        shipment.waybills[0] in page.content() and "dołączono etykietę zapisaną w systemie" in page.content()
    )
    page.select_option("#c-kind", "damage")
    page.fill("#c-description", "Karton zgnieciony, kubek pęknięty na pół.")
    page.fill("#c-claimed_amount", "120,00")
    page.check("#c-damage_report_made")
    page.fill("#c-iban", IBAN)
    page.fill("#c-account_holder", "Sklep z kubkami sp. z o.o.")
    for index, (name, doc_type) in enumerate(
        (("protokol.pdf", "damage_report"), ("faktura.pdf", "value_invoice"), ("karton.png", "photo"))
    ):
        page.set_input_files(f"#c-file-{index}", str(files[name]))
        page.select_option(f"#c-doc_type-{index}", doc_type)
    shot(page, "complaint-form")
    page.click("button[value=submit]")
    page.wait_for_load_state()
    errors = page.locator(".field-errors, .alert-error").all_inner_texts()
    assert "U brokera" in page.inner_text("#complaint-state"), errors
    assert page.locator("#checklist li.missing").count() == 0
    assert page.locator("#files li").count() == 4  # the label and three files
    shot(page, "complaint-submitted")
    complaint = db.session.scalar(select(Complaint))

    # the broker forwards it to the carrier
    page.click("header form[action='/logout'] button, form[action='/logout'] button")
    sign_in(page, live_desk, admin.email, PASSWORD)
    page.goto(f"{live_desk}/complaints/{complaint.id}")
    page.click("#forward")
    page.wait_for_load_state()
    assert "U przewoźnika" in page.inner_text("#complaint-state")
    assert "Bezskuteczna, jeśli niezapłacona po" in page.content()
    db.session.expire_all()
    complaint = db.session.get(Complaint, complaint.id)
    carrier_id = complaint.carrier_complaint_id
    assert len(inpost.complaints.get(carrier_id).documents) == 4

    # the carrier asks for one more document; the job relays it to the seller
    inpost.complaints.ask_for(carrier_id, ["photo"], "Prosimy o zdjęcie uszkodzonego towaru bez opakowania.")
    assert run_job_at(app, utcnow() + dt.timedelta(hours=2)) == {"documents": 1}
    page.click("form[action='/logout'] button")
    sign_in(page, live_desk, seller.email, PASSWORD)
    page.goto(f"{live_desk}/orders/{order.id}")
    assert "Przewoźnik prosi o dodatkowe dokumenty" in page.inner_text("#complaints")
    page.click(f"#complaints >> a[href='/complaints/{complaint.id}']")
    page.wait_for_load_state()
    assert "zdjęcie uszkodzonego towaru" in page.inner_text("#carrier-request")
    shot(page, "complaint-documents-requested")
    page.set_input_files("#af-file-0", str(files["kubek.png"]))
    page.select_option("#af-doc_type-0", "photo")
    page.click("text=Dodaj pliki")
    page.wait_for_load_state()
    page.click("#send-documents")
    page.wait_for_load_state()
    assert "U przewoźnika" in page.inner_text("#complaint-state")
    assert len(inpost.complaints.get(carrier_id).documents) == 5

    # the carrier accepts: the decision and the money are recorded, the fee refunded once
    inpost.complaints.decide(carrier_id, "accepted", compensation="120.00")
    assert run_job_at(app, utcnow() + dt.timedelta(hours=4))["decided"] == 1
    # read again later: nothing more happens (the correction invoice waits for the invoicing module)
    assert run_job_at(app, utcnow() + dt.timedelta(hours=6)) == {
        "corrections_pending": 1,
        "corrections_issued": 0,
    }
    page.reload()
    assert "Uznana" in page.inner_text("#complaint-state")
    assert "16,99" in page.inner_text("#fee-refund") and "120,00" in page.inner_text("#compensation")
    shot(page, "complaint-accepted")
    db.session.expire_all()
    complaint = db.session.get(Complaint, complaint.id)
    assert complaint.state is ComplaintState.ACCEPTED and complaint.fee_refund_amount == FEE
    assert billing.balance(seller_account.id) == Decimal(
        "100.00"
    )  # 100.00 topped up, 16.99 charged and refunded
