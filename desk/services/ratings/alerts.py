"""E-mail to owners about new negative ratings (one message per run listing every new one).

SMTP settings arrive as plain values; without a host (or recipients) nothing is sent and the
ratings stay in the desk's queue, which is the alert that always works.
"""
from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Callable, Iterable
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from sqlalchemy import select, true

from desk.extensions import db
from desk.models import SellerAccount
from desk.models.rating import Rating, RatingAlertSetting
from desk.orm import utcnow
from desk.services.errors import N_, ConflictError, NotFoundError, ValidationError
from desk.services.ratings.actions import format_deadline
from desk.services.shared.mail import SmtpSettings, deliver

log = logging.getLogger(__name__)
MAX_PER_MAIL = 50
COMMENT_PREVIEW = 300




def recipients_for(account_id: int, configured: Iterable[str] = ()) -> list[str]:
    """Addresses for an account: the configured ones plus the owners' enabled settings."""
    query = select(RatingAlertSetting.email).where(
        RatingAlertSetting.enabled.is_(True),
        (RatingAlertSetting.account_id.is_(None)) | (RatingAlertSetting.account_id == account_id),
    )
    found = [e.strip() for e in configured if e and e.strip()] + list(db.session.scalars(query))
    return list(dict.fromkeys(found))


def send_new_negative_alerts(
    smtp: SmtpSettings, *, configured_recipients: Iterable[str] = (),
    translate: Callable[[str], str] = lambda text: text, desk_url: str | None = None,
    now: dt.datetime | None = None,
) -> dict[str, int]:
    """Mail each account's recipients about negatives not mailed yet. Commits; returns counts."""
    now = now or utcnow()
    counts = {"mails": 0, "ratings": 0, "failed": 0}
    if not smtp.host:
        return counts
    pending = db.session.scalars(
        select(Rating)
        .where(Rating.is_new_negative == true(), Rating.alerted_at.is_(None))
        .order_by(Rating.account_id, Rating.rated_at)
    ).all()
    by_account: dict[int, list[Rating]] = {}
    for rating in pending:
        by_account.setdefault(rating.account_id, []).append(rating)
    if isinstance(configured_recipients, str):  # DESK_RATING_ALERT_EMAILS="a@x.pl,b@x.pl"
        configured_recipients = configured_recipients.split(",")
    configured = list(configured_recipients or ())
    for account_id, ratings in by_account.items():
        to = recipients_for(account_id, configured)
        if not to:
            continue
        account = db.session.get(SellerAccount, account_id)
        for start in range(0, len(ratings), MAX_PER_MAIL):
            chunk = ratings[start : start + MAX_PER_MAIL]
            message = compose(account.name, chunk, to=to, sender=smtp.sender, translate=translate,
                              desk_url=desk_url)
            try:
                deliver(smtp, message)
            except (OSError, smtplib.SMTPException) as exc:
                log.warning("rating alert for account %s not sent: %s", account_id, exc)
                counts["failed"] += 1
                continue
            for rating in chunk:
                rating.alerted_at = now
            db.session.commit()
            counts["mails"] += 1
            counts["ratings"] += len(chunk)
    return counts


def compose(
    account_name: str, ratings: list[Rating], *, to: list[str], sender: str,
    translate: Callable[[str], str], desk_url: str | None,
) -> EmailMessage:
    """A plain-text message listing the ratings (comments are quoted, never interpreted)."""
    t = translate
    message = EmailMessage()
    message["Subject"] = t(N_("New negative ratings on %(account)s: %(count)d")) % {
        "account": account_name, "count": len(ratings)
    }
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="allegro-desk")
    intro = t(N_("Buyers gave these ratings that do not recommend %(account)s:")) % {"account": account_name}
    lines = [intro, ""]
    for rating in ratings:
        lines.append(f"- {format_deadline(rating.rated_at)} · {rating.buyer_login or '?'}")
        comment = (rating.comment or "").strip()
        if comment:
            preview = comment if len(comment) <= COMMENT_PREVIEW else comment[:COMMENT_PREVIEW] + "…"
            lines.append("  > " + preview.replace("\n", "\n  > "))
        if rating.removal_possible_to and rating.removal_requested_at is None:
            lines.append("  " + t(N_("Removal can be requested until %(deadline)s.")) % {
                "deadline": format_deadline(rating.removal_possible_to)
            })
        if desk_url:
            lines.append(f"  {desk_url.rstrip('/')}/ratings/{rating.id}")
        lines.append("")
    lines.append(t(N_("Answer them in the desk; this message was sent automatically.")))
    message.set_content("\n".join(lines))
    return message




# --- the owners' list of addresses --------------------------------------------------------------


def list_settings() -> list[RatingAlertSetting]:
    return list(db.session.scalars(select(RatingAlertSetting).order_by(RatingAlertSetting.email)))


def add_setting(*, email: str, account_id: int | None, agent_id: int | None) -> RatingAlertSetting:
    """Add an address that receives alerts (for every account, or one). Commits."""
    address = (email or "").strip()
    if len(address) > 254 or "@" not in address or address.startswith("@") or address.endswith("@") \
            or any(ch.isspace() for ch in address) or "," in address:
        raise ValidationError(N_("Enter a valid e-mail address."))
    if account_id is not None and db.session.get(SellerAccount, account_id) is None:
        raise NotFoundError(N_("Account not found."))
    clash = db.session.scalar(
        select(RatingAlertSetting.id).where(
            RatingAlertSetting.email == address,
            RatingAlertSetting.account_id.is_(None) if account_id is None
            else RatingAlertSetting.account_id == account_id,
        )
    )
    if clash is not None:
        raise ConflictError(N_("This address already receives these alerts."))
    setting = RatingAlertSetting(email=address, account_id=account_id, created_by=agent_id)
    db.session.add(setting)
    db.session.commit()
    return setting


def set_enabled(setting_id: int, enabled: bool) -> RatingAlertSetting:
    setting = db.session.get(RatingAlertSetting, setting_id)
    if setting is None:
        raise NotFoundError(N_("This address is not on the list."))
    setting.enabled = enabled
    db.session.commit()
    return setting


def remove_setting(setting_id: int) -> None:
    setting = db.session.get(RatingAlertSetting, setting_id)
    if setting is None:
        raise NotFoundError(N_("This address is not on the list."))
    db.session.delete(setting)
    db.session.commit()
