"""InPost complaints through the real adapter and the fake's AUTHORED complaint interface: filed once per
key, pending until the fake decides, a request for documents answered with further documents."""

from __future__ import annotations

from decimal import Decimal

import pytest

from integrations.carriers.complaints import ComplaintOutcome, ComplaintPort, DocumentKind
from integrations.carriers.errors import CarrierNotFound, CarrierValidationError
from tests.integrations.carriers.complaint_helpers import document, filing

FILE = "POST /v1/organizations/{org_id}/complaints"


def test_the_adapter_is_a_complaint_port(adapter):
    assert isinstance(adapter, ComplaintPort)


def test_a_complaint_is_filed_once_per_key(adapter, state, clock):
    first = adapter.file_complaint(filing())
    again = adapter.file_complaint(filing())
    assert again.complaint_id == first.complaint_id
    assert first.received_at == clock()
    assert len(state.complaints.complaints) == 1 and state.harness.count(FILE) == 2
    stored = state.complaints.get(first.complaint_id)
    assert [doc["kind"] for doc in stored.documents] == ["transport_document", "value_invoice"]
    assert stored.claimed == Decimal("120.00") and stored.fee == Decimal("16.99")


def test_pending_then_documents_then_a_partial_decision(adapter, state):
    receipt = adapter.file_complaint(filing())
    since = receipt.received_at.date()
    assert adapter.complaint_status(receipt.complaint_id, since=since).outcome is ComplaintOutcome.PENDING
    state.complaints.ask_for(receipt.complaint_id, ["damage_report"], "Prosimy o protokół szkody.")
    asked = adapter.complaint_status(receipt.complaint_id, since=since)
    assert asked.outcome is ComplaintOutcome.NEED_DOCUMENTS
    assert asked.missing == (DocumentKind.DAMAGE_REPORT,) and "protokół" in asked.message
    report = document(DocumentKind.DAMAGE_REPORT, "protokol.pdf")
    adapter.add_complaint_documents(receipt.complaint_id, (report,))
    assert adapter.complaint_status(receipt.complaint_id, since=since).outcome is ComplaintOutcome.PENDING
    state.complaints.decide(receipt.complaint_id, "partly_accepted", compensation="80.00", fee_refund="16.99")
    decided = adapter.complaint_status(receipt.complaint_id, since=since)
    assert decided.outcome is ComplaintOutcome.PARTLY_ACCEPTED and decided.decided
    assert (decided.compensation, decided.fee_refund) == (Decimal("80.00"), Decimal("16.99"))


def test_a_filing_without_a_description_is_refused_per_field(adapter, state):
    with pytest.raises(CarrierValidationError) as refused:
        adapter.file_complaint(filing(description=""))
    assert "description" in {p.params.get("carrier_field") for p in refused.value.problems}
    assert state.complaints.complaints == {}


def test_an_unknown_complaint_is_not_found(adapter, clock):
    with pytest.raises(CarrierNotFound):
        adapter.complaint_status("999", since=clock().date())
