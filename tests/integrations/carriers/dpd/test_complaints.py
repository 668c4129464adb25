"""DPD complaints through the real adapter and the fake's AUTHORED JSON interface (Basic auth + X-DPD-FID):
filed once per key, Polish local times read as Warsaw, documents asked for and sent, a decision read."""

from __future__ import annotations

import datetime as dt

import pytest

from integrations.carriers.complaints import ComplaintKind, ComplaintOutcome, ComplaintPort, DocumentKind
from integrations.carriers.dpd import DpdAdapter, DpdCredentials
from integrations.carriers.errors import CarrierAuthError, CarrierNotFound, CarrierValidationError
from tests.integrations.carriers.complaint_helpers import document, filing

FILE = "POST /public/complaint/v1/complaints"


def dpd_filing(**changes):
    return filing(waybill="1000000000001U", shipment_id="17", service="dpd_classic", **changes)


def test_a_complaint_is_filed_once_and_its_time_is_polish(adapter, state, harness, clock):
    assert isinstance(adapter, ComplaintPort)
    first = adapter.file_complaint(dpd_filing(kind=ComplaintKind.LOSS))
    again = adapter.file_complaint(dpd_filing(kind=ComplaintKind.LOSS))
    assert again.complaint_id == first.complaint_id and harness.count(FILE) == 2
    assert first.received_at == clock()  # sent as 09:00 without offset, read back as Warsaw time
    stored = state.complaints.get(first.complaint_id)
    assert stored.kind == "loss" and stored.body["packageId"] == "17" and len(stored.documents) == 2
    assert "1. etykieta.pdf (transport_document)" in stored.body["attachmentList"]


def test_documents_asked_for_then_rejected(adapter, state, clock):
    receipt = adapter.file_complaint(dpd_filing())
    state.complaints.ask_for(receipt.complaint_id, ["value_invoice", "photo"], "Brak faktury i zdjęć.")
    asked = adapter.complaint_status(receipt.complaint_id, since=clock().date())
    assert asked.outcome is ComplaintOutcome.NEED_DOCUMENTS
    assert asked.missing == (DocumentKind.VALUE_INVOICE, DocumentKind.PHOTO)
    adapter.add_complaint_documents(receipt.complaint_id, (document(DocumentKind.PHOTO, "karton.png"),))
    assert state.complaints.get(receipt.complaint_id).outcome == "pending"
    clock.advance(3600)
    state.complaints.decide(receipt.complaint_id, "rejected", message="Opakowanie nieodpowiednie.")
    decided = adapter.complaint_status(receipt.complaint_id, since=clock().date())
    assert decided.outcome is ComplaintOutcome.REJECTED and decided.compensation is None
    assert decided.decided_at == clock() and decided.message == "Opakowanie nieodpowiednie."


def test_wrong_credentials_and_bad_fields_are_refused(server, adapter, state):
    stranger = DpdAdapter(server.url, DpdCredentials("demo", "wrong", 1495), timeout=(2.0, 1.0))
    with pytest.raises(CarrierAuthError):
        stranger.file_complaint(dpd_filing())
    with pytest.raises(CarrierValidationError) as refused:
        adapter.file_complaint(dpd_filing(description=" "))
    assert refused.value.fields() == {"description"}
    assert state.complaints.complaints == {}
    with pytest.raises(CarrierNotFound):
        adapter.complaint_status("404404", since=dt.date(2026, 3, 2))
