"""The packing list: per order its number, buyer, and each item with its SKU and quantity, as a PDF to
print beside the labels. The text is Polish (the packing room's language); DejaVu Sans prints the
Polish letters where the machine has it."""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from desk.extensions import db
from desk.models.order import Order
from desk.models.shipment import Shipment
from desk.services.shared.pdf_fonts import FOLD, font_name
from desk.services.shipping.closeout.labels import Document

MARGIN = 15 * mm
LINE = 5.5 * mm
COLUMNS = (MARGIN, 135 * mm, 180 * mm)  # item, SKU, quantity (right-aligned at the page's edge)


def packing_list(shipments: Sequence[Shipment], *, title: str = "Lista pakowania") -> Document:
    """A PDF listing, for each order of the shipments (once per order), what goes into the parcel."""
    writer = _Writer(title)
    seen: set[int] = set()
    for shipment in shipments:
        order = db.session.get(Order, shipment.order_id) if shipment.order_id else None
        if order is not None and order.id in seen:
            continue
        if order is not None:
            seen.add(order.id)
        writer.order(shipment, order)
    return Document(writer.finish(), "lista-pakowania.pdf", "application/pdf")


def buyer_of(order: Order) -> str:
    """The buyer as the packer reads it: name (login), or the company, or the login alone."""
    name = " ".join(part for part in (order.buyer_first_name, order.buyer_last_name) if part)
    name = name or order.buyer_company or ""
    if order.buyer_login:
        return f"{name} ({order.buyer_login})" if name else order.buyer_login
    return name or "—"



class _Writer:
    """Draws blocks top to bottom, starting a new page when one does not fit."""

    def __init__(self, title: str) -> None:
        self.buffer = io.BytesIO()
        self.canvas = Canvas(self.buffer, pagesize=A4)
        self.canvas.setTitle(title)
        self.font = font_name()
        self.title = title
        self.page = 0
        self._new_page()

    def text(self, value: str) -> str:
        return value if self.font != "Helvetica" else value.translate(FOLD)

    def _new_page(self) -> None:
        if self.page:
            self.canvas.showPage()
        self.page += 1
        self.y = A4[1] - MARGIN
        self.canvas.setFont(self.font, 14)
        self.canvas.drawString(MARGIN, self.y, self.text(f"{self.title} — strona {self.page}"))
        self.y -= 2 * LINE

    def _room(self, lines: int) -> None:
        if self.y - lines * LINE < MARGIN:
            self._new_page()

    def order(self, shipment: Shipment, order: Order | None) -> None:
        lines = order.lines if order is not None else []
        self._room(4 + min(len(lines), 3))
        canvas = self.canvas
        canvas.setFont(self.font, 11)
        if order is None:
            heading = f"Przesyłka {shipment.reference or shipment.id} (bez zamówienia)"
        else:
            heading = f"Zamówienie {order.allegro_id} · Kupujący: {buyer_of(order)}"
        canvas.drawString(MARGIN, self.y, self.text(heading))
        self.y -= LINE
        canvas.setFont(self.font, 9)
        waybills = ", ".join(shipment.waybills or []) or "—"
        canvas.drawString(MARGIN, self.y, self.text(f"{shipment.carrier} · list przewozowy: {waybills}"))
        self.y -= LINE
        if not lines:
            self.y -= LINE
            return
        self._row("Produkt", "SKU", "Ilość")
        canvas.line(MARGIN, self.y + LINE - 1.5 * mm, A4[0] - MARGIN, self.y + LINE - 1.5 * mm)
        for line in lines:
            self._row(line.offer_name, line.external_id or "—", str(line.quantity))
        self.y -= LINE

    def _row(self, item: str, sku: str, quantity: str) -> None:
        wrapped = simpleSplit(self.text(item), self.font, 9, COLUMNS[1] - COLUMNS[0] - 3 * mm) or [""]
        self._room(len(wrapped))
        for index, part in enumerate(wrapped):
            self.canvas.drawString(COLUMNS[0], self.y, part)
            if index == 0:
                self.canvas.drawString(COLUMNS[1], self.y, self.text(sku))
                self.canvas.drawRightString(A4[0] - MARGIN, self.y, quantity)
            self.y -= LINE

    def finish(self) -> bytes:
        self.canvas.save()
        return self.buffer.getvalue()
