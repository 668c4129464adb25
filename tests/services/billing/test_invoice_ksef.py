"""The FA(3) XML of invoices and corrections is valid against the official schema (kept in the repo)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from lxml import etree
from sqlalchemy import select

from desk.extensions import db
from desk.models import CorrectionReason, EntryKind, Invoice, InvoiceMode, PaymentMode
from desk.services import billing
from desk.services.billing import invoices
from desk.services.billing.invoices import LineChange, ksef
from desk.services.billing.invoices.timing import Period
from tests.services.billing.invoicing import TERMS, charge, make_account, make_shipment, warsaw

NS = {"fa": ksef.NS}


def text(document: bytes, path: str) -> list[str]:
    return [node.text for node in etree.fromstring(document).xpath(path, namespaces=NS)]


def test_a_periodic_invoice_is_valid_fa3(app):
    account = make_account(mode=InvoiceMode.MONTHLY, payment=PaymentMode.INVOICE)
    shipment = make_shipment(account)
    charge(account, warsaw(2026, 11, 3, 12, 0), shipment=shipment)
    charge(account, warsaw(2026, 11, 9, 12, 0), kind=EntryKind.SURCHARGE, shipment=shipment, gross="13.69",
           reason="Niezgodna waga & <wymiary>")
    invoices.run_period(InvoiceMode.MONTHLY, Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
                        warsaw(2026, 12, 1, 1, 0), TERMS)
    invoice = db.session.scalars(select(Invoice)).one()
    document = ksef.fa3_xml(invoice)
    assert ksef.validate(document) == []
    assert text(document, "//fa:RodzajFaktury") == ["VAT"]
    assert text(document, "//fa:P_2") == [invoice.number]
    assert text(document, "//fa:OkresFa/fa:P_6_Od") == ["2026-11-01"]
    assert text(document, "//fa:P_15") == ["31.91"]
    assert text(document, "//fa:Podmiot2/fa:DaneIdentyfikacyjne/fa:NIP") == ["9512345675"]
    assert text(document, "//fa:Platnosc/fa:TerminPlatnosci/fa:Termin") == ["2026-12-08"]
    assert len(text(document, "//fa:FaWiersz/fa:P_11")) == 2


def test_corrections_are_valid_fa3_kor(app):
    account = make_account()
    shipment = make_shipment(account)
    charge(account, warsaw(2026, 12, 2, 10, 0), shipment=shipment)
    invoices.run_per_order(warsaw(2026, 12, 2, 10, 1), TERMS)
    original = db.session.scalars(select(Invoice)).one()
    lowered = invoices.correct_invoice(
        original.id, reason=CorrectionReason.CHARGES, reason_text="Błędna opłata za ubezpieczenie",
        changes=[LineChange(original.lines[0].id, gross=Decimal("16.99"))], key="c1",
        today=dt.date(2026, 12, 4), terms=TERMS,
    )
    document = ksef.fa3_xml(lowered, original=original)
    assert ksef.validate(document) == []
    assert text(document, "//fa:RodzajFaktury") == ["KOR"]
    assert text(document, "//fa:DaneFaKorygowanej/fa:NrFaKorygowanej") == [original.number]
    assert text(document, "//fa:PrzyczynaKorekty") == ["Błędna opłata za ubezpieczenie"]
    assert text(document, "//fa:P_15") == ["-1.23"]
    assert text(document, "//fa:FaWiersz/fa:StanPrzed") == ["1"]
    billing.profile(account).company_name = "Nowa Nazwa sp. z o.o."
    db.session.commit()
    payer = invoices.correct_invoice(
        original.id, reason=CorrectionReason.PAYER_DATA, reason_text="Błędne dane nabywcy", changes=[],
        key="c2", today=dt.date(2026, 12, 4), terms=TERMS,
    )
    document = ksef.fa3_xml(payer, original=original)
    assert ksef.validate(document) == []
    assert text(document, "//fa:Podmiot2K/fa:DaneIdentyfikacyjne/fa:Nazwa") == ["Sklep Kupującego sp. j."]
    assert text(document, "//fa:Podmiot2/fa:DaneIdentyfikacyjne/fa:Nazwa") == ["Nowa Nazwa sp. z o.o."]


def test_the_schema_refuses_a_broken_document():
    broken = b'<Faktura xmlns="http://crd.gov.pl/wzor/2025/06/25/13775/"><Naglowek/></Faktura>'
    assert ksef.validate(broken) != []


def test_the_pdf_is_polish_with_the_amount_in_words(app):
    from pypdf import PdfReader

    from desk.services.billing.invoices.pdf import invoice_pdf

    account = make_account(payment=PaymentMode.INVOICE)
    charge(account, warsaw(2026, 12, 2, 10, 0), shipment=make_shipment(account))
    invoices.run_per_order(warsaw(2026, 12, 2, 10, 1), TERMS)
    original = db.session.scalars(select(Invoice)).one()
    import io

    page = PdfReader(io.BytesIO(invoice_pdf(original))).pages[0].extract_text()
    assert "Faktura VAT nr FV/2026/12/0001" in page
    assert "osiemnaście złotych, dwadzieścia dwa grosze" in page
    assert "Termin płatności: 09.12.2026" in page and "PL21 1020 0003 1234 5678 9012 3456" in page
    assert "Sklep Kupującego sp. j." in page and "NIP: 5271234563" in page
    correction = invoices.correct_invoice(
        original.id, reason=CorrectionReason.CHARGES, reason_text="Błędna opłata",
        changes=[LineChange(original.lines[0].id, gross=Decimal("16.99"))], key="c1",
        today=dt.date(2026, 12, 4), terms=TERMS,
    )
    page = PdfReader(io.BytesIO(invoice_pdf(correction, original=original))).pages[0].extract_text()
    assert "Faktura korygująca nr KOR/2026/12/0001" in page and "Do faktury FV/2026/12/0001" in page
    assert "-1,23" in page and "minus jeden złoty, dwadzieścia trzy grosze" in page


def test_each_invoice_is_mailed_once_with_its_pdf_and_xml(app, smtp_server):
    import email

    from desk.services.billing.invoices.mailing import mail_invoices
    from desk.services.shared.mail import SmtpSettings

    smtp = SmtpSettings(host="127.0.0.1", port=smtp_server.server_address[1], user=None, password=None,
                        sender="faktury@broker.example", starttls=False, timeout=5)
    account = make_account()
    charge(account, warsaw(2026, 12, 2, 10, 0), shipment=make_shipment(account))
    invoices.run_per_order(warsaw(2026, 12, 2, 10, 1), TERMS)
    assert mail_invoices(smtp) == {"sent": 1}
    assert mail_invoices(smtp) == {}
    [(recipients, raw)] = smtp_server.received
    assert recipients == ["faktury@sklep.example"]
    message = email.message_from_bytes(raw)
    assert message["Subject"] == "Invoice FV/2026/12/0001"
    names = [part.get_filename() for part in message.walk() if part.get_filename()]
    assert names == ["FV_2026_12_0001.pdf", "FV_2026_12_0001.xml"]
