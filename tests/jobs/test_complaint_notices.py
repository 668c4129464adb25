"""The complaints job e-mails the seller, in Polish and once each, when a carrier asks for more documents and
when an unclaimed parcel comes back to the broker."""

from __future__ import annotations

from email import message_from_bytes, policy

from desk import jobs
from desk.extensions import db
from desk.models import ComplaintEvent
from desk.services.complaints import carrier, handling, returns
from desk.wiring import use_clock
from tests.clock import FakeClock
from tests.services.complaints.helpers import (
    LIMITS,
    NOW,
    account,
    damage_files,
    damage_form,
    delivered_parcel,
    later,
)


def _mails(smtp_server) -> list:
    return [(to, message_from_bytes(data, policy=policy.default)) for to, data in smtp_server.received]


def test_document_requests_and_returned_parcels_are_mailed_once(app, smtp_server):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.server_address[1],
                      PUBLIC_URL="https://desk.example.pl/")
    use_clock(app, FakeClock(later(NOW, days=1)))
    seller = account()
    _order, shipment = delivered_parcel(seller, carrier="allegro")
    complaint = carrier.start(shipment.id, None, damage_form(), damage_files(), limits=LIMITS, actor_id=None,
                              now=NOW, submit=True)
    handling.forward_manually(complaint, {"received_on": NOW.date().isoformat()}, actor_id=None, now=NOW)
    handling.record_request(complaint, {"message": "Prosimy o zdjęcia opakowania."}, ["photo"],
                            actor_id=None, now=NOW)
    _other, back = delivered_parcel(seller, carrier="allegro")
    returns.record(back, returned_at=NOW, now=NOW)
    db.session.commit()

    counts = jobs.complaints_job(app)
    assert counts["mail_sent"] == 2
    (to_request, request), (to_return, returned) = _mails(smtp_server)
    assert to_request == [seller.sender_email] == to_return
    assert request["Subject"] == f"Reklamacja {complaint.id}: przewoźnik prosi o dodatkowe dokumenty"
    body = request.get_content()
    assert "Prosimy o zdjęcia opakowania." in body
    assert f"https://desk.example.pl/complaints/{complaint.id}" in body
    assert returned["Subject"].startswith(f"Przesyłka {back.waybills[0]} wróciła")
    assert "odesłać do Ciebie" in returned.get_content() and "04.12.2026" in returned.get_content()

    assert "mail_sent" not in jobs.complaints_job(app)  # each notice once
    assert len(smtp_server.received) == 2
    assert db.session.query(ComplaintEvent).filter(ComplaintEvent.mailed_at.isnot(None)).count() == 1


def test_without_smtp_nothing_is_mailed_and_nothing_is_marked(app, smtp_server):
    use_clock(app, FakeClock(later(NOW, days=1)))
    seller = account()
    _other, back = delivered_parcel(seller, carrier="allegro")
    parcel = returns.record(back, returned_at=NOW, now=NOW)
    db.session.commit()
    assert not any(key.startswith("mail_") for key in jobs.complaints_job(app))
    assert parcel.mailed_at is None and smtp_server.received == []
