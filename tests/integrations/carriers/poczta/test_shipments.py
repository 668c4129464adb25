"""Creating, reading, labelling, cancelling and sending e-Nadawca shipments against the fake."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from lxml import etree
from pypdf import PdfReader

from integrations.carriers.base import CarrierPort, LabelFormat, LabelSize, ShipmentState
from integrations.carriers.errors import CarrierNotFound, CarrierRefused, NotCancellable
from integrations.carriers.poczta.wire import guid_for

from .conftest import cod, request_for


def _sent_przesylka(harness, index: int = -1) -> etree._Element:
    body = harness.calls_to("SOAP addShipment")[index].body
    return etree.fromstring(body).find(".//przesylki")


def test_the_adapter_is_a_carrier_port(adapter):
    assert isinstance(adapter, CarrierPort)
    assert {s.code for s in adapter.capabilities().services} == {
        "pocztex_kurier",
        "pocztex_punkt",
        "paczka_pocztowa",
    }


def test_pocztex_courier_lands_in_the_buffer_with_a_number(adapter, fake, harness):
    shipment = adapter.create_shipment(request_for(cod=cod("149.99"), insurance=Decimal("300")))
    assert shipment.state is ShipmentState.CONFIRMED
    assert shipment.shipment_id == guid_for("ship-1") and len(shipment.shipment_id) == 32
    assert fake.state.buffer_guids() == [shipment.shipment_id]
    sent = _sent_przesylka(harness)
    assert sent.get("{http://www.w3.org/2001/XMLSchema-instance}type").endswith("pocztex2021KurierType")
    # Pocztex 2021 carries its data in elements; grams and grosze on the wire
    assert sent.findtext("masa") == "1250" and sent.findtext("format") == "M"
    assert sent.findtext("wartosc") == "30000"
    assert sent.find("pobranie").get("kwotaPobrania") == "14999"
    assert sent.find("pobranie").get("nrb") == "61109010140000071219812874"
    adres = sent.find("adres")
    assert (adres.get("ulica"), adres.get("numerDomu"), adres.get("numerLokalu")) == ("ul. Długa", "12A", "4")
    assert adres.get("kodPocztowy") == "31147"
    assert harness.calls_to("SOAP addShipment")[0].headers["Authorization"].startswith("Basic ")


def test_paczka_w_punkcie_addresses_the_point_by_its_placowka_id(adapter, harness):
    shipment = adapter.create_shipment(request_for("pocztex_punkt"))
    assert shipment.service == "pocztex_punkt"
    assert _sent_przesylka(harness).find("punktOdbioru").get("id") == "220001"
    assert adapter.get_shipment(shipment.shipment_id).service == "pocztex_punkt"


def test_paczka_pocztowa_with_cod_is_a_przesylka_pobraniowa(adapter, harness):
    adapter.create_shipment(request_for("paczka_pocztowa", cod=cod("20.05")))
    sent = _sent_przesylka(harness)
    assert sent.get("{http://www.w3.org/2001/XMLSchema-instance}type").endswith("przesylkaPobraniowaType")
    assert (sent.get("masa"), sent.get("wartosc"), sent.get("gabaryt")) == ("1250", "2005", "GABARYT_A")
    adapter.create_shipment(request_for("paczka_pocztowa", key="ship-2"))
    assert (
        _sent_przesylka(harness)
        .get("{http://www.w3.org/2001/XMLSchema-instance}type")
        .endswith("paczkaPocztowaType")
    )


def test_a_second_create_with_the_same_key_returns_the_first(adapter, fake, harness):
    first = adapter.create_shipment(request_for())
    again = adapter.create_shipment(request_for())
    assert again.shipment_id == first.shipment_id and again.waybills == first.waybills
    assert fake.state.buffer_guids() == [first.shipment_id]


def test_find_shipment_reads_the_buffer_and_sent_envelopes(adapter):
    assert adapter.find_shipment("nothing") is None
    shipment = adapter.create_shipment(request_for())
    assert adapter.find_shipment("ship-1").state is ShipmentState.CONFIRMED
    adapter.protocol([shipment.shipment_id])
    found = adapter.find_shipment("ship-1")
    assert found.state is ShipmentState.SENT and found.waybills == shipment.waybills


def test_pdf_labels_a6_and_a4(adapter):
    ids = [adapter.create_shipment(request_for(key=f"k{i}")).shipment_id for i in range(3)]
    a6 = adapter.labels(ids)
    assert a6.format is LabelFormat.PDF and len(PdfReader(io.BytesIO(a6.content)).pages) == 3
    a4 = adapter.labels(ids, size=LabelSize.A4)
    assert len(PdfReader(io.BytesIO(a4.content)).pages) == 1


def test_zpl_labels_through_get_print_for_parcel(adapter, harness):
    shipment = adapter.create_shipment(request_for())
    label = adapter.labels([shipment.shipment_id], format=LabelFormat.ZPL)
    assert label.format is LabelFormat.ZPL and label.content.startswith(b"^XA")
    assert shipment.waybills[0].encode() in label.content
    body = etree.fromstring(harness.calls_to("SOAP getPrintForParcel")[0].body)
    assert body.findtext(".//type/format") == "ZPL_FORMAT"


def test_labels_of_an_unknown_shipment(adapter):
    with pytest.raises(CarrierNotFound):
        adapter.labels(["0" * 32])


def test_cancel_before_the_envelope_is_sent(adapter, fake):
    shipment = adapter.create_shipment(request_for())
    cancelled = adapter.cancel(shipment.shipment_id)
    assert cancelled.state is ShipmentState.CANCELLED and fake.state.buffer_guids() == []
    with pytest.raises(CarrierNotFound):
        adapter.get_shipment(shipment.shipment_id)
    with pytest.raises(CarrierNotFound):
        adapter.cancel(shipment.shipment_id)


def test_cancel_after_sending_is_refused(adapter, harness):
    shipment = adapter.create_shipment(request_for())
    adapter.protocol([shipment.shipment_id])
    with pytest.raises(NotCancellable):
        adapter.cancel(shipment.shipment_id)
    assert harness.count("SOAP clearEnvelopeByGuids") == 0


def test_clear_buffer_removes_every_unsent_shipment(adapter, fake):
    for key in ("a", "b"):
        adapter.create_shipment(request_for(key=key))
    assert adapter.clear_buffer() is True
    assert fake.state.buffer_guids() == []


def test_protocol_sends_the_envelope_and_returns_the_outbox_book(adapter, fake, harness):
    first = adapter.create_shipment(request_for(key="a"))
    second = adapter.create_shipment(request_for(key="b"))
    book = adapter.protocol([first.shipment_id])
    assert book.format is LabelFormat.PDF and book.content.startswith(b"%PDF")
    text = PdfReader(io.BytesIO(book.content)).pages[0].extract_text()
    assert first.waybills[0] in text and second.waybills[0] in text  # the whole buffer left
    assert fake.state.buffer_guids() == []
    # asked again: already sent, nothing is sent twice
    adapter.protocol([first.shipment_id, second.shipment_id])
    assert harness.count("SOAP sendEnvelope") == 1 and harness.count("SOAP getOutboxBook") == 2


def test_envelope_processing_and_a_bledny_envelope(adapter, fake):
    shipment = adapter.create_shipment(request_for())
    adapter.protocol([shipment.shipment_id])
    envelope = fake.state.envelope_of(shipment.shipment_id)
    seen = []
    for _ in range(4):
        current = adapter.get_shipment(shipment.shipment_id)
        seen.append(current.raw_status.split("/")[0])
        assert current.state is ShipmentState.SENT
        fake.state.advance_envelopes()
    assert seen == ["WYSLANY", "DOSTARCZONY", "WALIDOWANY", "PRZYJETY"]
    fake.state.set_envelope_status(envelope.id, "BLEDNY")
    failed = adapter.get_shipment(shipment.shipment_id)
    assert failed.state is ShipmentState.FAILED and failed.errors
    with pytest.raises(CarrierRefused):
        adapter.protocol([shipment.shipment_id])


def test_protocol_of_an_unknown_shipment(adapter, harness):
    with pytest.raises(CarrierNotFound):
        adapter.protocol(["F" * 32])
    assert harness.count("SOAP sendEnvelope") == 0
