"""Poczta Polska complaints over e-Nadawca's real operations (schema-checked by the fake): the reason found
in the carrier's list, one complaint per parcel, files five a call, decisions read day by day from
getReklamacje."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from integrations.carriers.complaints import ComplaintKind, ComplaintOutcome, ComplaintPort, DocumentKind
from integrations.carriers.errors import CarrierNotFound, CarrierValidationError
from tests.integrations.carriers.complaint_helpers import document, filing
from tests.integrations.carriers.poczta.conftest import make_adapter, request_for


@pytest.fixture
def adapter(fake, clock):
    return make_adapter(fake, clock, now=clock)


SENT = request_for(service="paczka_pocztowa")


@pytest.fixture
def parcel(adapter):
    return adapter.create_shipment(SENT)


def pp_filing(parcel, **changes):
    values = {"waybill": parcel.waybills[0], "shipment_id": parcel.shipment_id, "service": "paczka_pocztowa",
              "posted_on": dt.date(2026, 10, 5), "shipment": SENT}
    return filing(**(values | changes))


def test_filed_once_per_parcel_with_its_files(adapter, fake, harness, parcel, clock):
    assert isinstance(adapter, ComplaintPort)
    docs = tuple(document(DocumentKind.PHOTO, f"zdjecie{n}.png") for n in range(6))
    first = adapter.file_complaint(pp_filing(parcel, documents=docs))
    again = adapter.file_complaint(pp_filing(parcel, documents=()))  # (files sent again would be added)
    assert again.complaint_id == first.complaint_id and first.received_at == clock()
    stored = fake.state.complaints.get(first.complaint_id)
    assert stored.kind == "damage" and stored.claimed == Decimal("120.00") and stored.fee == Decimal("16.99")
    assert len(stored.documents) == 6 and harness.count("SOAP addZalacznikDoReklamacji") == 2  # 5 + 1
    assert "6. zdjecie5.png (photo)" in stored.body["powodReklamacjiOpis"]


def test_the_reason_comes_from_the_carriers_list(adapter, fake, parcel):
    receipt = adapter.file_complaint(pp_filing(parcel, kind=ComplaintKind.DELAY))
    assert fake.state.complaints.get(receipt.complaint_id).kind == "delay"


def test_documents_asked_for_then_accepted_in_part(adapter, fake, parcel, clock):
    receipt = adapter.file_complaint(pp_filing(parcel))
    filed_on = clock().date()
    assert adapter.complaint_status(receipt.complaint_id, since=filed_on).outcome is ComplaintOutcome.PENDING
    clock.advance(86400)
    fake.state.complaints.ask_for(receipt.complaint_id, [], "Brak protokołu szkody i faktury zakupu.")
    asked = adapter.complaint_status(receipt.complaint_id, since=filed_on)
    assert asked.outcome is ComplaintOutcome.NEED_DOCUMENTS
    assert asked.missing == (DocumentKind.DAMAGE_REPORT, DocumentKind.VALUE_INVOICE)
    report = document(DocumentKind.DAMAGE_REPORT, "protokol.pdf")
    adapter.add_complaint_documents(receipt.complaint_id, (report,))
    assert adapter.complaint_status(receipt.complaint_id, since=filed_on).outcome is ComplaintOutcome.PENDING
    clock.advance(2 * 86400)
    fake.state.complaints.decide(receipt.complaint_id, "partly_accepted", compensation="75.50")
    decided = adapter.complaint_status(receipt.complaint_id, since=filed_on)
    # e-Nadawca says UZASADNIONA either way: "in part" is the desk's reading of a smaller amount
    assert decided.outcome is ComplaintOutcome.ACCEPTED and decided.compensation == Decimal("75.50")
    assert decided.decided_at.date() == clock().date()


def test_a_complaint_about_an_unknown_parcel_is_refused(adapter, fake, parcel):
    with pytest.raises(CarrierNotFound):
        adapter.file_complaint(pp_filing(parcel, shipment_id="0" * 32))
    other = request_for(service="paczka_pocztowa", key="never-sent")
    with pytest.raises(CarrierNotFound):  # the request of another parcel
        adapter.file_complaint(pp_filing(parcel, shipment=other))
    with pytest.raises(CarrierValidationError):
        adapter.file_complaint(pp_filing(parcel, shipment=None))
    assert fake.state.complaints.complaints == {}
