"""Label documents after the carrier: merge many PDFs into one print job, four A6 labels per A4 page."""

from __future__ import annotations

import io
from collections.abc import Sequence

from pypdf import PageObject, PdfReader, PdfWriter, Transformation

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
    """Every page of the A6 documents placed four to an A4 page (left to right, top to bottom)."""
    width, height = A4_POINTS
    writer = PdfWriter()
    sheet: PageObject | None = None
    slot = 0
    for document in documents:
        for page in PdfReader(io.BytesIO(document)).pages:
            if slot % 4 == 0:
                sheet = writer.add_blank_page(width, height)
            assert sheet is not None
            box = page.mediabox
            scale = min((width / 2) / float(box.width), (height / 2) / float(box.height))
            column, row = slot % 2, (slot % 4) // 2
            offset = (
                Transformation().scale(scale).translate(column * width / 2, height / 2 - row * height / 2)
            )
            sheet.merge_transformed_page(page, offset)
            slot += 1
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def merge_labels(labels: Sequence[Label], size: LabelSize = LabelSize.A6) -> Label:
    """One print job of PDF labels (A4 sheets when asked); ZPL labels are concatenated."""
    if not labels:
        raise ValueError("no labels")
    if all(label.format is LabelFormat.ZPL for label in labels):
        return Label(b"".join(label.content for label in labels), LabelFormat.ZPL, None, "etykiety.zpl")
    pdfs = [label.content for label in labels if label.format is LabelFormat.PDF]
    content = a6_on_a4(pdfs) if size is LabelSize.A4 else merge_pdfs(pdfs)
    return Label(content, LabelFormat.PDF, size, "etykiety.pdf")
