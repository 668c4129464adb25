"""Labels are real documents: PDFs with the waybill as text and barcode, ZPL, merged print jobs."""

import io

import pytest
from pypdf import PdfReader

from integrations.carriers import Label, LabelFormat, LabelSize
from integrations.carriers.documents import a6_on_a4, merge_labels, merge_pdfs
from integrations.carriers.fakekit import LabelData, render_pdf, render_protocol_pdf, render_zpl

LABEL = LabelData(
    carrier="inpost",
    waybill="523000015611700083038270",
    service="Paczkomat",
    sender=("Sklep Ania", "Piotrkowska 12", "90-001 Łódź"),
    receiver=("Jan Kowalski", "Kwiatowa 5/3", "00-950 Warszawa"),
    reference="ZAM-1",
    cod="Pobranie 149,99 zł",
    point="KRA010",
)


def pages(pdf: bytes):
    return PdfReader(io.BytesIO(pdf)).pages


def test_an_a6_label_shows_waybill_sender_receiver_in_polish():
    pdf = render_pdf([LABEL])
    (page,) = pages(pdf)
    assert round(float(page.mediabox.width)) == 298 and round(float(page.mediabox.height)) == 420
    text = page.extract_text()
    for needle in ("523000015611700083038270", "90-001 Łódź", "Jan Kowalski", "KRA010", "Pobranie 149,99 zł"):
        assert needle in text


def test_a4_sheets_hold_four_labels():
    pdf = render_pdf([LABEL] * 9, size="A4")
    assert len(pages(pdf)) == 3
    assert round(float(pages(pdf)[0].mediabox.width)) == 595


def test_zpl_has_one_block_per_label_with_a_code128_barcode():
    zpl = render_zpl([LABEL, LABEL])
    assert zpl.count("^XA") == zpl.count("^XZ") == 2
    assert "^BCN,200,Y,N,N^FD523000015611700083038270^FS" in zpl


def test_merging_keeps_every_page_in_order_and_a6_fold_onto_a4():
    first = render_pdf([LABEL])
    second = render_pdf(
        [LabelData(LABEL.carrier, "000111222333", LABEL.service, LABEL.sender, LABEL.receiver)]
    )
    merged = merge_pdfs([first, second])
    assert [("000111222333" in p.extract_text()) for p in pages(merged)] == [False, True]
    sheets = a6_on_a4([first] * 5)
    assert len(pages(sheets)) == 2
    assert pages(sheets)[0].extract_text().count("523000015611700083038270") == 4


def test_merge_labels_makes_one_print_job():
    pdf = Label(render_pdf([LABEL]), LabelFormat.PDF, LabelSize.A6)
    job = merge_labels([pdf, pdf, pdf], LabelSize.A4)
    assert job.media_type == "application/pdf" and len(pages(job.content)) == 1
    zpl = Label(render_zpl([LABEL]).encode(), LabelFormat.ZPL)
    assert merge_labels([zpl, zpl]).content.count(b"^XA") == 2
    with pytest.raises(ValueError):
        merge_labels([])


def test_a_protocol_lists_every_waybill():
    rows = [(f"WB{i:05d}", "Jan Kowalski", f"ZAM-{i}") for i in range(60)]
    pdf = render_protocol_pdf("dpd", "Protokół przekazania", rows, day="2026-12-03")
    text = "".join(p.extract_text() for p in pages(pdf))
    assert len(pages(pdf)) == 2 and "WB00059" in text and "Liczba przesyłek: 60" in text
