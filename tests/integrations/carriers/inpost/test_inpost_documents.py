"""Labels (single, bulk, A4 sheets, ZPL), the merge fallback and the dispatch printout."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader

from integrations.carriers.base import LabelFormat, LabelSize
from integrations.carriers.errors import CarrierNotFound, CarrierRefused

from .conftest import courier_request, make_request


def _confirmed(adapter, state, count=1):
    ids = [adapter.create_shipment(make_request(idempotency_key=f"k{i}")).shipment_id for i in range(count)]
    state.process_all()
    return ids


def _pages(content: bytes):
    return PdfReader(io.BytesIO(content)).pages


def test_a6_label_of_one_shipment(adapter, state):
    (shipment_id,) = _confirmed(adapter, state)
    label = adapter.labels([shipment_id])
    assert label.content.startswith(b"%PDF") and label.size is LabelSize.A6
    page = _pages(label.content)[0]
    assert round(float(page.mediabox.width)) == 298  # 105 mm
    waybill = adapter.get_shipment(shipment_id).waybills[0]
    assert waybill in page.extract_text()
    call = state.harness.calls_to("GET /v1/shipments/{shipment_id}/label")[0]
    assert call.query == {"format": "Pdf", "type": "A6"}


def test_bulk_a4_puts_four_labels_on_a_page(adapter, state):
    ids = _confirmed(adapter, state, count=5)
    label = adapter.labels(ids, size=LabelSize.A4)
    pages = _pages(label.content)
    assert len(pages) == 2 and round(float(pages[0].mediabox.width)) == 595
    sent = json.loads(state.harness.calls_to("POST /v1/organizations/{org_id}/shipments/labels")[0].body)
    assert sent == {"shipment_ids": [int(i) for i in ids], "format": "Pdf", "type": "normal"}


def test_zpl_labels(adapter, state):
    ids = _confirmed(adapter, state, count=2)
    label = adapter.labels(ids, format=LabelFormat.ZPL)
    assert label.format is LabelFormat.ZPL and label.content.count(b"^XA") == 2


def test_merged_labels_fallback_on_a4(adapter, state):
    ids = _confirmed(adapter, state, count=3)
    label = adapter.merged_labels(ids, size=LabelSize.A4)
    assert len(_pages(label.content)) == 1


def test_label_before_confirmed_is_refused(adapter, state):
    created = adapter.create_shipment(make_request())
    with pytest.raises(CarrierRefused) as caught:
        adapter.labels([created.shipment_id])
    assert caught.value.raw["error"] == "invalid_action"


def test_label_of_unknown_shipment(adapter):
    with pytest.raises(CarrierNotFound):
        adapter.labels(["424242"])


def test_protocol_lists_the_shipments(adapter, state):
    created = adapter.create_shipment(courier_request())
    state.process_all()
    protocol = adapter.protocol([created.shipment_id])
    assert protocol is not None and protocol.content.startswith(b"%PDF")
    text = _pages(protocol.content)[0].extract_text()
    assert adapter.get_shipment(created.shipment_id).waybills[0] in text
