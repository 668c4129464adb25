"""Each shipment a carrier accepted is confirmed by e-mail to its account once, in Polish."""

from __future__ import annotations

import email
import email.policy

from flask_babel import force_locale, gettext

from desk.extensions import db
from desk.models import SellerAccount, Shipment, ShipmentStatus
from desk.services.shared.mail import SmtpSettings
from desk.services.shipping import notices


def smtp(port: int | None) -> SmtpSettings:
    return SmtpSettings(
        host="127.0.0.1" if port else None,
        port=port or 25,
        user=None,
        password=None,
        sender="desk@example.pl",
        starttls=False,
        timeout=5,
    )


def shipment(account, status=ShipmentStatus.CONFIRMED, key="k1") -> Shipment:
    found = Shipment(
        account_id=account.id,
        carrier="dpd",
        service="dpd_classic",
        idempotency_key=key,
        request={"receiver": {"name": "Jan Kowalski", "city": "Kraków"}},
        status=status,
        waybills=["1000000000002U"],
        reference="ZAM-7",
        price_gross=20.79,
    )
    db.session.add(found)
    db.session.commit()
    return found


def test_an_accepted_shipment_is_mailed_once_in_polish(app, smtp_server):
    account = SellerAccount(name="Sklep", sender_email="biuro@sklep.pl")
    db.session.add(account)
    db.session.commit()
    accepted = shipment(account)
    shipment(account, ShipmentStatus.FAILED, key="k2")  # refused: nothing to confirm
    with app.test_request_context(), force_locale("pl"):
        counts = notices.mail_accepted(
            smtp(smtp_server.server_address[1]), translate=gettext, desk_url="https://desk.example.pl"
        )
        assert counts == {"sent": 1}
        assert notices.mail_accepted(smtp(smtp_server.server_address[1]), translate=gettext) == {}
    ((recipients, raw),) = smtp_server.received
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert recipients == ["biuro@sklep.pl"]
    assert message["Subject"] == "Przesyłka przyjęta przez DPD: ZAM-7"
    body = message.get_content()
    assert "Numery przesyłek: 1000000000002U" in body and "Cena (brutto): 20,79 zł" in body
    assert f"https://desk.example.pl/ship/{accepted.id}" in body


def test_without_smtp_or_an_address_nothing_is_sent_and_nothing_is_lost(app, smtp_server):
    account = SellerAccount(name="Bez adresu")
    db.session.add(account)
    db.session.commit()
    waiting = shipment(account)
    assert notices.mail_accepted(smtp(None)) == {}
    assert notices.mail_accepted(smtp(smtp_server.server_address[1])) == {"no_address": 1}
    assert waiting.accepted_mail_at is None and smtp_server.received == []
