"""Labels (they advise), the handover protocol, shipment reads and the cancel rule."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from integrations.carriers.base import LabelFormat, LabelSize, ParcelSpec, ShipmentState
from integrations.carriers.errors import CarrierNotFound, CarrierRefused, NotCancellable
from tests.integrations.carriers.dpd.conftest import make_request

LABELS = "SOAP generateSpedLabelsV4"


def pages(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)


def test_pdf_labels_for_label_printer_and_a4(adapter, harness):
    two = adapter.create_shipment(make_request(parcels=(ParcelSpec(100, 100, 100, 500),) * 2))
    one = adapter.create_shipment(make_request("key-2"))
    label = adapter.labels([two.shipment_id, one.shipment_id])
    assert label.format is LabelFormat.PDF and label.size is LabelSize.A6
    assert pages(label.content) == 3  # one A6 page per parcel
    assert b"LBL_PRINTER" in harness.calls_to(LABELS)[-1].body
    sheet = adapter.labels([two.shipment_id, one.shipment_id], size=LabelSize.A4)
    assert pages(sheet.content) == 1
    assert b"<outputDocPageFormatV1>A4<" in harness.calls_to(LABELS)[-1].body


def test_zpl_labels(adapter):
    shipment = adapter.create_shipment(make_request())
    label = adapter.labels([shipment.shipment_id], format=LabelFormat.ZPL)
    assert label.format is LabelFormat.ZPL
    assert label.content.startswith(b"^XA") and shipment.waybills[0].encode() in label.content


def test_labels_of_unknown_package(adapter):
    with pytest.raises(CarrierNotFound):
        adapter.labels(["999999"])
    with pytest.raises(CarrierNotFound):
        adapter.labels(["not-a-number"])


def test_cancel_before_labels_is_local_after_labels_refused(adapter, harness):
    shipment = adapter.create_shipment(make_request())
    writes_before = harness.count(LABELS)
    cancelled = adapter.cancel(shipment.shipment_id)
    assert cancelled.state is ShipmentState.CANCELLED
    assert harness.count(LABELS) == writes_before  # nothing was sent to DPD but a read
    other = adapter.create_shipment(make_request("key-2"))
    adapter.labels([other.shipment_id])
    with pytest.raises(NotCancellable):
        adapter.cancel(other.shipment_id)


def test_protocol_needs_advised_packages_and_marks_them_sent(adapter):
    shipment = adapter.create_shipment(make_request())
    with pytest.raises(CarrierRefused):
        adapter.protocol([shipment.shipment_id])
    adapter.labels([shipment.shipment_id])
    protocol = adapter.protocol([shipment.shipment_id])
    assert protocol is not None and protocol.content.startswith(b"%PDF")
    assert adapter.get_shipment(shipment.shipment_id).state is ShipmentState.SENT


def test_get_shipment_reads_state_and_unknown_is_not_found(adapter):
    shipment = adapter.create_shipment(make_request())
    read = adapter.get_shipment(shipment.shipment_id)
    assert read.waybills == shipment.waybills and read.raw_status == "REGISTERED"
    with pytest.raises(CarrierNotFound):
        adapter.get_shipment("424242")
