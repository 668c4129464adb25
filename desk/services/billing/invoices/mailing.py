"""Each invoice e-mailed once to its account's billing address, with its PDF and FA(3) XML attached.

`mailed_at` is set when the server took the message; the Message-ID is derived from the invoice number,
so the rare resend after a crash between sending and recording is recognisable as the same message.
"""

from __future__ import annotations

import logging
import smtplib
from collections import Counter
from collections.abc import Callable
from email.message import EmailMessage

from sqlalchemy import select

from desk.extensions import db
from desk.models.billing import BillingProfile
from desk.models.invoice import Invoice
from desk.orm import utcnow
from desk.services.billing.invoices.ksef import fa3_xml
from desk.services.billing.invoices.pdf import invoice_pdf
from desk.services.errors import N_
from desk.services.shared.mail import SmtpSettings, deliver

log = logging.getLogger(__name__)
SUBJECT = N_("Invoice %(number)s")
BODY = N_(
    "Hello,\n\nattached is invoice %(number)s of %(date)s: %(gross)s zł gross, due on %(due)s.\n"
    "The FA(3) XML is attached as well.\n"
)


def file_stem(invoice: Invoice) -> str:
    """FV_2026_12_0001: the number as a file name."""
    return invoice.number.replace("/", "_")


def mail_invoices(
    smtp: SmtpSettings, *, translate: Callable[[str], str] = lambda text: text, limit: int = 200
) -> dict[str, int]:
    """Mail each invoice not mailed yet to its account's billing address; counts sent / failed."""
    if not smtp.host:
        return {}
    counts: Counter[str] = Counter()
    due = db.session.execute(
        select(Invoice, BillingProfile.billing_email)
        .join(BillingProfile, BillingProfile.account_id == Invoice.account_id)
        .where(Invoice.mailed_at.is_(None), BillingProfile.billing_email != "")
        .order_by(Invoice.id)
        .limit(limit)
    ).all()
    for invoice, address in due:
        try:
            deliver(smtp, _message(smtp, invoice, address, translate))
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("invoice %s not mailed: %s", invoice.number, exc)
            counts["failed"] += 1
            continue
        invoice.mailed_at = utcnow()
        db.session.commit()
        counts["sent"] += 1
    return dict(counts)


def _message(
    smtp: SmtpSettings, invoice: Invoice, address: str, translate: Callable[[str], str]
) -> EmailMessage:
    values = {"number": invoice.number, "date": invoice.issue_date.strftime("%d.%m.%Y"),
              "gross": f"{invoice.gross:.2f}".replace(".", ","), "due": invoice.due_date.strftime("%d.%m.%Y")}
    message = EmailMessage()
    message["From"] = smtp.sender
    message["To"] = address
    message["Subject"] = translate(SUBJECT) % values
    message["Message-ID"] = f"<invoice-{file_stem(invoice)}@{smtp.sender.rpartition('@')[2] or 'desk'}>"
    message.set_content(translate(BODY) % values)
    original = invoice.corrects
    message.add_attachment(invoice_pdf(invoice, original=original), maintype="application", subtype="pdf",
                           filename=f"{file_stem(invoice)}.pdf")
    message.add_attachment(fa3_xml(invoice, original=original), maintype="application", subtype="xml",
                           filename=f"{file_stem(invoice)}.xml")
    return message
