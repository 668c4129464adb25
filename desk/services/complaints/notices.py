"""E-mail to the seller about what waits for it in complaints: a carrier's request for more documents, and
an unclaimed parcel back at the broker (14 days to say what to do with it). Each notice is mailed once
(`mailed_at`), to the account's contact address (the sender e-mail, else the billing e-mail). Without an
SMTP host nothing is sent: the desk's pages show both anyway."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage

from sqlalchemy import select

from desk.extensions import db
from desk.models.account import SellerAccount
from desk.models.billing import BillingProfile
from desk.models.complaint import Complaint, ComplaintEvent, ParcelReturn
from desk.models.shipment import Shipment
from desk.services.errors import N_
from desk.services.shared.mail import SmtpSettings, deliver

log = logging.getLogger(__name__)
REQUEST_SUBJECT = N_("Complaint %(id)s: the carrier asks for more documents")
REQUEST_BODY = N_(
    "Hello,\n\nthe carrier asks for more documents in complaint %(id)s about parcel %(waybill)s:\n\n"
    "%(request)s\n\nAdd them on the complaint's page and send them to the carrier: %(url)s\n"
)
RETURN_SUBJECT = N_("Parcel %(waybill)s came back: what should we do with it?")
RETURN_BODY = N_(
    "Hello,\n\nparcel %(waybill)s was not collected and the carrier brought it back to us on %(returned)s.\n"
    "Tell us by %(due)s whether to send it to the buyer again, return it to you or dispose of it: %(url)s\n"
)
Translate = Callable[[str], str]


def mail_pending(
    smtp: SmtpSettings, *, now: dt.datetime, translate: Translate = lambda text: text,
    desk_url: str | None = None, limit: int = 200,
) -> dict[str, int]:
    """Mail the document requests and returned parcels not mailed yet (commits after each); counts."""
    if not smtp.host:
        return {}
    mailer = _Mailer(smtp, translate, now)
    base = (desk_url or "").rstrip("/")
    for event, complaint in _requests(limit):
        values = {"id": complaint.id, "waybill": complaint.waybill or "—", "request": event.text,
                  "url": f"{base}/complaints/{complaint.id}"}
        mailer.send(complaint.account_id, (REQUEST_SUBJECT, REQUEST_BODY), values, event)
    for parcel, waybills in _returns(limit):
        values = {"waybill": ", ".join(waybills or []) or "—",
                  "returned": parcel.returned_at.strftime("%d.%m.%Y"),
                  "due": parcel.instructions_due_on.strftime("%d.%m.%Y"), "url": f"{base}/complaints/returns"}
        mailer.send(parcel.account_id, (RETURN_SUBJECT, RETURN_BODY), values, parcel)
    return dict(mailer.counts)


def _requests(limit: int) -> list[tuple[ComplaintEvent, Complaint]]:
    return db.session.execute(
        select(ComplaintEvent, Complaint)
        .join(Complaint, Complaint.id == ComplaintEvent.complaint_id)
        .where(ComplaintEvent.kind == "carrier_request", ComplaintEvent.mailed_at.is_(None))
        .order_by(ComplaintEvent.id)
        .limit(limit)
    ).all()


def _returns(limit: int) -> list[tuple[ParcelReturn, list | None]]:
    return db.session.execute(
        select(ParcelReturn, Shipment.waybills)
        .join(Shipment, Shipment.id == ParcelReturn.shipment_id)
        .where(ParcelReturn.mailed_at.is_(None), ParcelReturn.decision.is_(None))
        .order_by(ParcelReturn.id)
        .limit(limit)
    ).all()


def address_of(account_id: int) -> str:
    """Where the seller is told: the account's contact e-mail, else its billing e-mail ("" when none)."""
    account = db.session.get(SellerAccount, account_id)
    if account is not None and account.sender_email:
        return account.sender_email
    profile = db.session.get(BillingProfile, account_id)
    return profile.billing_email if profile is not None else ""


@dataclass
class _Mailer:
    smtp: SmtpSettings
    translate: Translate
    now: dt.datetime
    counts: Counter[str] = field(default_factory=Counter)

    def send(self, account_id: int, texts: tuple[str, str], values: dict,
             record: ComplaintEvent | ParcelReturn) -> None:
        """Mail one notice to the account and mark `record` mailed (commits); counted either way."""
        address = address_of(account_id)
        if not address:
            self.counts["no_address"] += 1
            return
        subject, body = texts
        message = EmailMessage()
        message["From"], message["To"] = self.smtp.sender, address
        message["Subject"] = self.translate(subject) % values
        message.set_content(self.translate(body) % values)
        try:
            deliver(self.smtp, message)
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("complaint notice for account %s not mailed: %s", account_id, exc)
            self.counts["failed"] += 1
            return
        record.mailed_at = self.now
        db.session.commit()
        self.counts["sent"] += 1
