"""The KSeF structured invoice: FA(3) XML of an invoice or a correction (RodzajFaktury VAT / KOR), built
with lxml and checked against the official schema kept beside this module (fa3/, see its README).
Sending to KSeF is not done here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache
from pathlib import Path

from lxml import etree

from desk.models.invoice import Invoice, InvoiceKind, InvoiceLine, InvoiceState
from desk.services.billing.invoices.parties import address_line

NS = "http://crd.gov.pl/wzor/2025/06/25/13775/"
SCHEMAS = Path(__file__).resolve().parent / "fa3"
SYSTEM = "Allegro Desk"
_BANK_DIGITS = str.maketrans("", "", " -")


class _LocalSchemas(etree.Resolver):
    """The schemas include each other by crd.gov.pl addresses: answer them from fa3/, refuse the rest."""

    def resolve(self, url, public_id, context):
        path = SCHEMAS / Path(url or "").name
        if not path.is_file():
            raise etree.XMLSchemaParseError(f"schema {url!r} is not kept in {SCHEMAS}")
        return self.resolve_filename(str(path), context)


@cache
def schema() -> etree.XMLSchema:
    """The FA(3) schema, loaded from the files kept in the repository (no network)."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_LocalSchemas())
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "schemat_FA(3)_v1-0E.xsd"), parser))


def validate(document: bytes) -> list[str]:
    """The schema's complaints about a document (empty when it is valid)."""
    checker = schema()
    if checker.validate(etree.fromstring(document)):
        return []
    return [f"{error.line}: {error.message}" for error in checker.error_log]


def _add(parent: etree._Element, tag: str, text: object | None = None) -> etree._Element:
    node = etree.SubElement(parent, f"{{{NS}}}{tag}")
    if text is not None:
        node.text = str(text)
    return node


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def fa3_xml(
    invoice: Invoice, *, original: Invoice | None = None, created_at: dt.datetime | None = None
) -> bytes:
    """The FA(3) document of `invoice` (for a correction, `original` is the corrected invoice)."""
    root = etree.Element(f"{{{NS}}}Faktura", nsmap={None: NS})
    header = _add(root, "Naglowek")
    code = _add(header, "KodFormularza", "FA")
    code.set("kodSystemowy", "FA (3)")
    code.set("wersjaSchemy", "1-0E")
    _add(header, "WariantFormularza", 3)
    moment = (created_at or invoice.created_at).astimezone(dt.UTC).replace(microsecond=0)
    _add(header, "DataWytworzeniaFa", moment.isoformat().replace("+00:00", "Z"))
    _add(header, "SystemInfo", SYSTEM)
    _party(_add(root, "Podmiot1"), invoice.seller)
    buyer = _party(_add(root, "Podmiot2"), invoice.buyer)
    _add(buyer, "JST", 2)  # not a local government unit
    _add(buyer, "GV", 2)  # not a VAT group member
    _fa(_add(root, "Fa"), invoice, original)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _party(node: etree._Element, party: dict) -> etree._Element:
    identity = _add(node, "DaneIdentyfikacyjne")
    _add(identity, "NIP", party["nip"])
    _add(identity, "Nazwa", party["name"])
    address = _add(node, "Adres")
    _add(address, "KodKraju", "PL")
    _add(address, "AdresL1", address_line(party))
    return node


def _fa(fa: etree._Element, invoice: Invoice, original: Invoice | None) -> None:
    _add(fa, "KodWaluty", "PLN")
    _add(fa, "P_1", invoice.issue_date.isoformat())
    _add(fa, "P_1M", invoice.seller.get("city") or "Warszawa")
    _add(fa, "P_2", invoice.number)
    if invoice.period_start and invoice.period_end:
        period = _add(fa, "OkresFa")
        _add(period, "P_6_Od", invoice.period_start.isoformat())
        _add(period, "P_6_Do", invoice.period_end.isoformat())
    elif invoice.sale_date and invoice.sale_date != invoice.issue_date:
        _add(fa, "P_6", invoice.sale_date.isoformat())
    _add(fa, "P_13_1", _amount(invoice.net))  # the 23 % rate: every line of the broker's invoices
    _add(fa, "P_14_1", _amount(invoice.vat))
    _add(fa, "P_15", _amount(invoice.gross))
    _annotations(_add(fa, "Adnotacje"))
    correction = invoice.kind is InvoiceKind.CORRECTION
    _add(fa, "RodzajFaktury", "KOR" if correction else "VAT")
    if correction:
        _correction(fa, invoice, original)
    for line in invoice.lines:
        if correction:
            _row(fa, line, before=True)
        _row(fa, line)
    _payment(fa, invoice)


def _annotations(node: etree._Element) -> None:
    for tag in ("P_16", "P_17", "P_18", "P_18A"):  # no cash accounting, self-billing, reverse charge, split
        _add(node, tag, 2)
    _add(_add(node, "Zwolnienie"), "P_19N", 1)
    _add(_add(node, "NoweSrodkiTransportu"), "P_22N", 1)
    _add(node, "P_23", 2)
    _add(_add(node, "PMarzy"), "P_PMarzyN", 1)


def _correction(fa: etree._Element, invoice: Invoice, original: Invoice | None) -> None:
    if original is None:
        raise ValueError("a correction's XML needs the corrected invoice")
    _add(fa, "PrzyczynaKorekty", invoice.correction_text or "Korekta")
    _add(fa, "TypKorekty", 2)  # the correction takes effect when it is issued
    corrected = _add(fa, "DaneFaKorygowanej")
    _add(corrected, "DataWystFaKorygowanej", original.issue_date.isoformat())
    _add(corrected, "NrFaKorygowanej", original.number)
    _add(corrected, "NrKSeFN", 1)  # the original has no KSeF number in the desk (not sent from here)
    if invoice.buyer != original.buyer:  # the payer data corrected: the buyer as the original named it
        before = _add(fa, "Podmiot2K")
        identity = _add(before, "DaneIdentyfikacyjne")
        _add(identity, "NIP", original.buyer["nip"])
        _add(identity, "Nazwa", original.buyer["name"])
        address = _add(before, "Adres")
        _add(address, "KodKraju", "PL")
        _add(address, "AdresL1", address_line(original.buyer))


def _row(fa: etree._Element, line: InvoiceLine, *, before: bool = False) -> None:
    row = _add(fa, "FaWiersz")
    _add(row, "NrWierszaFa", line.position)
    description = line.before_description if before else line.description
    net = line.before_net if before else line.net
    _add(row, "P_7", description)
    _add(row, "P_8A", "usł.")
    _add(row, "P_8B", line.quantity)
    _add(row, "P_9A", _amount(net / line.quantity))
    _add(row, "P_11", _amount(net))
    _add(row, "P_12", line.vat_rate)
    if before:
        _add(row, "StanPrzed", 1)


def _payment(fa: etree._Element, invoice: Invoice) -> None:
    payment = _add(fa, "Platnosc")
    if invoice.state is InvoiceState.PAID and invoice.paid_at is not None:
        _add(payment, "Zaplacono", 1)
        _add(payment, "DataZaplaty", invoice.paid_at.isoformat())
    else:
        _add(_add(payment, "TerminPlatnosci"), "Termin", invoice.due_date.isoformat())
    _add(payment, "FormaPlatnosci", 6)  # bank transfer
    account = (invoice.seller.get("bank_account") or "").translate(_BANK_DIGITS)
    if account:
        _add(_add(payment, "RachunekBankowy"), "NrRB", account[2:] if account[:2].isalpha() else account)
