"""Printable labels as the carriers' fakes hand them out: real PDFs (A6, or A4 holding four A6) with a
Code 128 barcode of the waybill, the sender and the receiver, and real ZPL II text; plus a handover
protocol (A4 list of waybills). Real documents, so printing, merging and viewing can be tested."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
)


@dataclass(frozen=True, slots=True)
class LabelData:
    """What one label shows."""

    carrier: str
    waybill: str
    service: str
    sender: tuple[str, ...]
    receiver: tuple[str, ...]
    reference: str = ""
    cod: str = ""  # "COD 149.99 PLN" or empty
    point: str = ""  # target locker/point
    parcel: str = "1/1"
    weight: str = ""


def _font() -> str:
    """DejaVu when the machine has it (Polish letters); Helvetica otherwise (letters folded to ASCII)."""
    if "DeskSans" in pdfmetrics.getRegisteredFontNames():
        return "DeskSans"
    for path in _FONT_CANDIDATES:
        if Path(path).is_file():
            pdfmetrics.registerFont(TTFont("DeskSans", path))
            return "DeskSans"
    return "Helvetica"


_FOLD = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")


def _text(value: str, font: str) -> str:
    return value if font != "Helvetica" else value.translate(_FOLD)


def _draw_label(canvas: Canvas, data: LabelData, x: float, y: float, font: str) -> None:
    """One A6 label (105 x 148 mm) with its lower left corner at (x, y)."""
    width, height = A6
    canvas.rect(x + 3 * mm, y + 3 * mm, width - 6 * mm, height - 6 * mm)
    top = y + height - 10 * mm
    canvas.setFont(font, 14)
    canvas.drawString(x + 6 * mm, top, _text(f"{data.carrier.upper()}  {data.service}", font))
    canvas.setFont(font, 9)
    canvas.drawRightString(x + width - 6 * mm, top, data.parcel)
    line = top - 8 * mm
    for title, rows in (("Nadawca", data.sender), ("Odbiorca", data.receiver)):
        canvas.setFont(font, 7)
        canvas.drawString(x + 6 * mm, line, _text(title, font))
        canvas.setFont(font, 10 if title == "Odbiorca" else 8)
        for row in rows:
            line -= 4.5 * mm
            canvas.drawString(x + 6 * mm, line, _text(row, font)[:48])
        line -= 6 * mm
    canvas.setFont(font, 9)
    for extra in (
        data.point and f"Punkt: {data.point}",
        data.cod,
        data.weight,
        data.reference and f"Ref: {data.reference}",
    ):
        if extra:
            canvas.drawString(x + 6 * mm, line, _text(extra, font)[:52])
            line -= 4.5 * mm
    barcode = Code128(data.waybill, barHeight=18 * mm, barWidth=0.33 * mm)
    barcode.drawOn(canvas, x + (width - barcode.width) / 2, y + 14 * mm)
    canvas.setFont(font, 10)
    canvas.drawCentredString(x + width / 2, y + 8 * mm, data.waybill)


def render_pdf(labels: Sequence[LabelData], size: str = "A6") -> bytes:
    """A PDF with one label per A6 page, or four per A4 page (2 x 2) when size is "A4"."""
    if not labels:
        raise ValueError("no labels to render")
    buffer = io.BytesIO()
    font = _font()
    pagesize = A4 if size == "A4" else A6
    canvas = Canvas(buffer, pagesize=pagesize, pageCompression=1)
    canvas.setTitle("Etykiety")
    per_page = 4 if size == "A4" else 1
    slots = [(0, A6[1]), (A6[0], A6[1]), (0, 0), (A6[0], 0)] if per_page == 4 else [(0, 0)]
    for index, data in enumerate(labels):
        if index and index % per_page == 0:
            canvas.showPage()
        x, y = slots[index % per_page]
        _draw_label(canvas, data, x, y, font)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def render_zpl(labels: Iterable[LabelData]) -> str:
    """ZPL II for a 4 x 6 in thermal label per parcel (203 dpi), barcode as Code 128 (^BC)."""
    blocks = []
    for data in labels:
        lines = [
            "^XA",
            "^CI28",
            "^PW812",
            "^LL1218",
            f"^FO40,40^A0N,50,50^FD{_zpl(data.carrier.upper())} {_zpl(data.service)}^FS",
            f"^FO640,40^A0N,30,30^FD{_zpl(data.parcel)}^FS",
            "^FO40,120^A0N,24,24^FDNadawca^FS",
        ]
        row = 150
        for text in data.sender:
            lines.append(f"^FO40,{row}^A0N,28,28^FD{_zpl(text)}^FS")
            row += 34
        row += 20
        lines.append(f"^FO40,{row}^A0N,24,24^FDOdbiorca^FS")
        row += 30
        for text in data.receiver:
            lines.append(f"^FO40,{row}^A0N,36,36^FD{_zpl(text)}^FS")
            row += 44
        for extra in (
            data.point and f"Punkt: {data.point}",
            data.cod,
            data.reference and f"Ref: {data.reference}",
        ):
            if extra:
                row += 10
                lines.append(f"^FO40,{row}^A0N,30,30^FD{_zpl(extra)}^FS")
                row += 36
        lines += [f"^FO80,900^BY3^BCN,200,Y,N,N^FD{_zpl(data.waybill)}^FS", "^XZ"]
        blocks.append("\n".join(lines))
    return "\n".join(blocks) + "\n"


def _zpl(value: str) -> str:
    """Field data without ZPL's command characters."""
    return value.replace("^", " ").replace("~", " ")


def render_protocol_pdf(carrier: str, title: str, rows: Sequence[tuple[str, str, str]], *, day: str) -> bytes:
    """A handover protocol (protokół przekazania): one A4 list of (waybill, receiver, reference)."""
    buffer = io.BytesIO()
    font = _font()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    width, height = A4
    canvas.setFont(font, 14)
    canvas.drawString(20 * mm, height - 20 * mm, _text(f"{carrier.upper()} — {title}", font))
    canvas.setFont(font, 10)
    canvas.drawString(20 * mm, height - 28 * mm, _text(f"Data: {day}   Liczba przesyłek: {len(rows)}", font))
    line = height - 40 * mm
    for number, (waybill, receiver, reference) in enumerate(rows, start=1):
        if line < 25 * mm:
            canvas.showPage()
            canvas.setFont(font, 10)
            line = height - 20 * mm
        canvas.drawString(20 * mm, line, f"{number}.")
        canvas.drawString(30 * mm, line, waybill)
        canvas.drawString(95 * mm, line, _text(receiver, font)[:40])
        canvas.drawString(165 * mm, line, _text(reference, font)[:16])
        line -= 6 * mm
    canvas.drawString(
        20 * mm,
        15 * mm,
        _text("Podpis nadawcy: ..................    Podpis kuriera: ..................", font),
    )
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
