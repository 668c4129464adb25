"""Label documents after the carrier: merge many PDFs into one print job, four A6 labels per A4 page."""

from __future__ import annotations

import io
from collections.abc import Sequence

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, IndirectObject, NameObject, StreamObject

from integrations.carriers.base import Label, LabelFormat, LabelSize

A4_POINTS = (595.2756, 841.8898)


def merge_pdfs(documents: Sequence[bytes]) -> bytes:
    """One PDF with every page of `documents`, in order."""
    writer = PdfWriter()
    for document in documents:
        writer.append(PdfReader(io.BytesIO(document)))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def a6_on_a4(documents: Sequence[bytes]) -> bytes:
    """Every page of the A6 documents placed four to an A4 page (left to right, top to bottom).

    Each label page becomes a form XObject drawn scaled into its quarter: its content stream is copied
    as it is instead of being parsed and rewritten, which is what makes 500 labels take about a second.
    """
    width, height = A4_POINTS
    writer = PdfWriter()
    sheet = _Sheet(writer)
    for document in documents:
        for page in PdfReader(io.BytesIO(document)).pages:
            if sheet.full():
                sheet.close()
                sheet = _Sheet(writer)
            box = [float(value) for value in page.mediabox]
            scale = min((width / 2) / (box[2] - box[0]), (height / 2) / (box[3] - box[1]))
            column, row = sheet.count % 2, sheet.count // 2
            sheet.place(_form_of(page, box, writer), scale, column * width / 2, height / 2 - row * height / 2)
    sheet.close()
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


class _Sheet:
    """One A4 page being filled with up to four forms."""

    def __init__(self, writer: PdfWriter) -> None:
        self.writer = writer
        self.count = 0
        self.page: PageObject | None = None
        self.forms = DictionaryObject()
        self.operations: list[bytes] = []

    def full(self) -> bool:
        return self.count == 4

    def place(self, form: IndirectObject, scale: float, x: float, y: float) -> None:
        if self.page is None:
            self.page = self.writer.add_blank_page(*A4_POINTS)
            self.page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): self.forms})
        name = f"/Label{self.count}"
        self.forms[NameObject(name)] = form
        self.operations.append(f"q {scale:.5f} 0 0 {scale:.5f} {x:.3f} {y:.3f} cm {name} Do Q".encode())
        self.count += 1

    def close(self) -> None:
        if self.page is None:
            return
        content = StreamObject()
        content.set_data(b"\n".join(self.operations))
        self.page[NameObject("/Contents")] = self.writer._add_object(content)


def _form_of(page: PageObject, box: list[float], writer: PdfWriter) -> IndirectObject:
    """The page as a form XObject in `writer`, with its resources."""
    contents = page["/Contents"].get_object()
    parts = contents if isinstance(contents, ArrayObject) else [contents]
    form = StreamObject()
    form.set_data(b"\n".join(part.get_object().get_data() for part in parts))
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject([FloatObject(value) for value in box]),
            NameObject("/Resources"): page["/Resources"].clone(writer),
        }
    )
    return writer._add_object(form)


def merge_labels(labels: Sequence[Label], size: LabelSize = LabelSize.A6) -> Label:
    """One print job of PDF labels (A4 sheets when asked); ZPL labels are concatenated."""
    if not labels:
        raise ValueError("no labels")
    if all(label.format is LabelFormat.ZPL for label in labels):
        return Label(b"".join(label.content for label in labels), LabelFormat.ZPL, None, "etykiety.zpl")
    pdfs = [label.content for label in labels if label.format is LabelFormat.PDF]
    content = a6_on_a4(pdfs) if size is LabelSize.A4 else merge_pdfs(pdfs)
    return Label(content, LabelFormat.PDF, size, "etykiety.pdf")
