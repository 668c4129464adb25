"""The invoice as a Polish PDF: seller and buyer, the lines, the VAT summary, the amount in words, the
due date and the bank account. A correction shows each line before and after and the difference.
DejaVu Sans prints the Polish letters where the machine has it (as the packing list does)."""

from __future__ import annotations

import io
from decimal import Decimal

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from desk.models.invoice import Invoice, InvoiceKind, InvoiceState
from desk.services.billing.invoices.amounts import in_words
from desk.services.shared.pdf_fonts import FOLD, font_name

MARGIN = 15 * mm
LINE = 5 * mm
# description, quantity, net, VAT %, VAT, gross (right edges after the first)
COLUMNS = (MARGIN, 120 * mm, 140 * mm, 155 * mm, 172 * mm, A4[0] - MARGIN)


def money(value: Decimal) -> str:
    """1 234,50 (Polish grouping and decimal comma)."""
    return f"{value:,.2f}".replace(",", " ").replace(".", ",")


def invoice_pdf(invoice: Invoice, *, original: Invoice | None = None) -> bytes:
    """The PDF of an invoice or a correction (then `original` is the corrected invoice)."""
    writer = _Writer(invoice.number)
    correction = invoice.kind is InvoiceKind.CORRECTION
    writer.title("Faktura korygująca" if correction else "Faktura VAT", invoice.number)
    writer.text(f"Data wystawienia: {invoice.issue_date:%d.%m.%Y}, {invoice.seller.get('city', '')}")
    if invoice.period_start and invoice.period_end:
        writer.text(f"Okres sprzedaży: {invoice.period_start:%d.%m.%Y} – {invoice.period_end:%d.%m.%Y}")
    elif invoice.sale_date:
        writer.text(f"Data sprzedaży: {invoice.sale_date:%d.%m.%Y}")
    if correction and original is not None:
        writer.text(f"Do faktury {original.number} z dnia {original.issue_date:%d.%m.%Y}")
        writer.text(f"Przyczyna korekty: {invoice.correction_text}")
    writer.gap()
    writer.parties(invoice.seller, invoice.buyer)
    if correction and original is not None and original.buyer != invoice.buyer:
        writer.text(f"Dane nabywcy przed korektą: {_party_line(original.buyer)}")
    writer.gap()
    writer.lines(invoice, correction)
    writer.gap()
    label = "Różnica do zapłaty" if correction else "Razem do zapłaty"
    writer.text(f"{label}: {money(invoice.gross)} zł", size=11)
    writer.text(f"Słownie: {in_words(invoice.gross)}")
    writer.gap()
    if invoice.state is InvoiceState.PAID and invoice.paid_at:
        how = "z salda konta" if invoice.payment_reference == "saldo" else "przelewem"
        writer.text(f"Zapłacono {how} dnia {invoice.paid_at:%d.%m.%Y}.")
    else:
        writer.text(f"Termin płatności: {invoice.due_date:%d.%m.%Y} (przelew)")
    writer.text(f"Rachunek bankowy: {invoice.seller.get('bank_account', '')}")
    return writer.finish()



def _party_line(party: dict) -> str:
    return f"{party['name']}, NIP {party['nip']}, {party['street']}, {party['postcode']} {party['city']}"


class _Writer:
    def __init__(self, title: str) -> None:
        self.buffer = io.BytesIO()
        self.canvas = Canvas(self.buffer, pagesize=A4)
        self.canvas.setTitle(title)
        self.font = font_name()
        self.y = A4[1] - MARGIN

    def _t(self, value: str) -> str:
        return value if self.font != "Helvetica" else value.translate(FOLD)

    def _room(self, lines: int = 1) -> None:
        if self.y - lines * LINE < MARGIN:
            self.canvas.showPage()
            self.y = A4[1] - MARGIN

    def gap(self) -> None:
        self.y -= LINE

    def title(self, kind: str, number: str) -> None:
        self.canvas.setFont(self.font, 16)
        self.canvas.drawString(MARGIN, self.y, self._t(f"{kind} nr {number}"))
        self.y -= 2 * LINE

    def text(self, value: str, size: int = 9) -> None:
        for part in simpleSplit(self._t(value), self.font, size, A4[0] - 2 * MARGIN) or [""]:
            self._room()
            self.canvas.setFont(self.font, size)
            self.canvas.drawString(MARGIN, self.y, part)
            self.y -= LINE

    def parties(self, seller: dict, buyer: dict) -> None:
        self._room(6)
        half = A4[0] / 2
        for x, heading, party in ((MARGIN, "Sprzedawca", seller), (half, "Nabywca", buyer)):
            y = self.y
            self.canvas.setFont(self.font, 10)
            self.canvas.drawString(x, y, self._t(heading))
            self.canvas.setFont(self.font, 9)
            for row in (party["name"], party["street"], f"{party['postcode']} {party['city']}",
                        f"NIP: {party['nip']}"):
                y -= LINE
                self.canvas.drawString(x, y, self._t(row)[:60])
        self.y -= 5 * LINE

    def row(self, cells: tuple[str, ...], size: int = 8) -> None:
        wrapped = simpleSplit(self._t(cells[0]), self.font, size, COLUMNS[1] - COLUMNS[0] - 12 * mm) or [""]
        self._room(len(wrapped))
        self.canvas.setFont(self.font, size)
        for index, part in enumerate(wrapped):
            self.canvas.drawString(COLUMNS[0], self.y, part)
            if index == 0:
                for x, value in zip(COLUMNS[1:], cells[1:], strict=True):
                    self.canvas.drawRightString(x, self.y, self._t(value))
            self.y -= LINE

    def lines(self, invoice: Invoice, correction: bool) -> None:
        self.row(("Lp. Nazwa usługi", "Ilość", "Netto", "VAT %", "VAT", "Brutto"))
        self.canvas.line(MARGIN, self.y + LINE - 1.5 * mm, A4[0] - MARGIN, self.y + LINE - 1.5 * mm)
        for line in invoice.lines:
            if correction:
                self.row((f"{line.position}. przed: {line.before_description}", str(line.quantity),
                          money(line.before_net), f"{line.vat_rate}", money(line.before_vat),
                          money(line.before_gross)))
                self.row((f"{line.position}. po: {line.description}", str(line.quantity), money(line.net),
                          f"{line.vat_rate}", money(line.vat), money(line.gross)))
                self.row(("    różnica", "", money(line.net - line.before_net), "",
                          money(line.vat - line.before_vat), money(line.gross - line.before_gross)))
            else:
                self.row((f"{line.position}. {line.description}", str(line.quantity), money(line.net),
                          f"{line.vat_rate}", money(line.vat), money(line.gross)))
        self.gap()
        self.row(("Podsumowanie VAT: stawka 23 %", "", money(invoice.net), "23", money(invoice.vat),
                  money(invoice.gross)), size=9)

    def finish(self) -> bytes:
        self.canvas.save()
        return self.buffer.getvalue()
