"""E-mail through the configured SMTP server, shared by every area that notifies people (rating alerts,
shipment confirmations). Without a host nothing is sent: the desk itself is the notice that always works."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage


@dataclass(frozen=True)
class SmtpSettings:
    """The SMTP server mail goes through (desk.wiring builds it from the SMTP_* settings)."""

    host: str | None  # None: e-mail is off
    port: int
    user: str | None
    password: str | None
    sender: str
    starttls: bool
    timeout: float


def deliver(smtp: SmtpSettings, message: EmailMessage) -> None:
    """Send one message through the configured SMTP server."""
    with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout) as server:
        if smtp.starttls:
            server.starttls()
        if smtp.user:
            server.login(smtp.user, smtp.password or "")
        server.send_message(message)
