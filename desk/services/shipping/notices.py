"""Every shipment order a carrier accepted is confirmed by e-mail to the seller account's address (the
sender e-mail of its shipping settings), once, in Polish, through the configured SMTP server."""

from __future__ import annotations

import logging
import smtplib
from collections import Counter
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from sqlalchemy import select

from desk.extensions import db
from desk.models import SellerAccount
from desk.models.shipment import Shipment, ShipmentStatus
from desk.orm import utcnow
from desk.services.errors import N_
from desk.services.shared.mail import SmtpSettings, deliver

log = logging.getLogger(__name__)
ACCEPTED = (ShipmentStatus.PENDING, ShipmentStatus.CONFIRMED, ShipmentStatus.SENT)


def mail_accepted(
    smtp: SmtpSettings,
    *,
    translate: Callable[[str], str] = lambda text: text,
    desk_url: str | None = None,
    limit: int = 200,
) -> dict[str, int]:
    """Mail each accepted shipment not yet confirmed by e-mail; counts sent / failed / no address."""
    counts: Counter[str] = Counter()
    if not smtp.host:
        return {}
    due = db.session.execute(
        select(Shipment, SellerAccount)
        .join(SellerAccount, SellerAccount.id == Shipment.account_id)
        .where(Shipment.status.in_(ACCEPTED), Shipment.accepted_mail_at.is_(None))
        .order_by(Shipment.id)
        .limit(limit)
    ).all()
    for shipment, account in due:
        if not account.sender_email:
            counts["no_address"] += 1
            continue
        try:
            deliver(smtp, _message(smtp, shipment, account, translate, desk_url))
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("confirmation of shipment %s not mailed: %s", shipment.id, exc)
            counts["failed"] += 1
            continue
        shipment.accepted_mail_at = utcnow()
        db.session.commit()
        counts["sent"] += 1
    return dict(counts)


def _message(
    smtp: SmtpSettings,
    shipment: Shipment,
    account: SellerAccount,
    t: Callable[[str], str],
    desk_url: str | None,
) -> EmailMessage:
    receiver = shipment.request.get("receiver", {})
    message = EmailMessage()
    message["Subject"] = t(N_("Shipment accepted by %(carrier)s: %(reference)s")) % {
        "carrier": shipment.carrier.upper(),
        "reference": shipment.reference or shipment.id,
    }
    message["From"] = smtp.sender
    message["To"] = account.sender_email
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="desk")
    lines = [
        t(N_("The carrier accepted the shipment order of %(account)s.")) % {"account": account.name},
        "",
        t(N_("Carrier and service: %(carrier)s, %(service)s"))
        % {"carrier": shipment.carrier.upper(), "service": shipment.service},
        t(N_("Receiver: %(name)s, %(city)s"))
        % {"name": receiver.get("name", ""), "city": receiver.get("city", "")},
        t(N_("Waybills: %(waybills)s")) % {"waybills": ", ".join(shipment.waybills) or "—"},
    ]
    if shipment.price_gross is not None:
        lines.append(
            t(N_("Price (gross): %(price)s PLN")) % {"price": f"{shipment.price_gross:.2f}".replace(".", ",")}
        )
    if desk_url:
        lines += ["", f"{desk_url.rstrip('/')}/ship/{shipment.id}"]
    lines += ["", t(N_("This message was sent automatically by the desk."))]
    message.set_content("\n".join(lines))
    return message
