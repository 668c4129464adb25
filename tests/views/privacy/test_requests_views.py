"""The owners' request and hold pages in Polish: an erasure handled from intake to closing with its export
downloaded, holds set and lifted, agents refused; and restricted buyers invisible in agents' order search."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from flask import url_for
from sqlalchemy import select

from desk.extensions import db
from desk.models import LegalHold, Order, PrivacyEvent, PrivacyRequest, Role
from desk.models.privacy_request import HoldReason, HoldScope, RequestState, RequestType
from desk.services.privacy.restrictions import restrict
from desk.wiring.privacy_requests import use_privacy_ports
from tests.factories import make_agent
from tests.services.privacy.helpers import account, fake_ports, seed_buyer

BUYER = "buyer-55"


@pytest.fixture
def shops(app):
    shop_a, shop_b = account("Sklep A"), account("Sklep B")
    seed_buyer(shop_a, BUYER, login="zosia_k", first="Zofia", last="Kwiatkowska")
    seed_buyer(shop_b, BUYER, login="zosia_k", first="Zofia", last="Kwiatkowska")
    ports, eraser = fake_ports()
    use_privacy_ports(app, ports)
    return shop_a, shop_b, eraser


def post(client, endpoint, **data):
    return client.post(
        url_for(endpoint, **{k: v for k, v in data.items() if k in ("request_id", "action", "hold_id")}),
        data={k: v for k, v in data.items() if k not in ("request_id", "action", "hold_id")},
    )


def test_an_owner_handles_an_erasure_request(client, login, shops):
    _a, _b, eraser = shops
    login(make_agent(role=Role.OWNER))
    response = client.post(
        url_for("privacy.request_new"),
        data={
            "type": "erasure",
            "buyer_allegro_id": BUYER,
            "channel": "allegro",
            "requester_name": "Zofia K.",
            "requester_contact": "zosia@example.pl",
            "details": "Usuńcie moje dane",
        },
    )
    assert response.status_code == 302
    request = db.session.scalar(select(PrivacyRequest))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Usunięcie danych" in page and "Otrzymany" in page and "Tożsamość sprawdzona" in page

    rid = request.id
    assert (
        post(
            client,
            "privacy.request_step",
            request_id=rid,
            action="identity",
            note="Wiadomość z konta Allegro kupującego",
        ).status_code
        == 302
    )
    post(client, "privacy.request_step", request_id=rid, action="scope")
    page = client.get(url_for("privacy.request_detail", request_id=rid)).get_data(as_text=True)
    assert "Zamówienia" in page and "Nie dotyczą jej żadne blokady." in page
    post(client, "privacy.request_step", request_id=rid, action="decide", decision="erase", reason="")
    post(client, "privacy.request_step", request_id=rid, action="export")
    post(client, "privacy.request_step", request_id=rid, action="execute")
    post(client, "privacy.request_step", request_id=rid, action="answer", note="Odpowiedź przez Allegro")
    post(client, "privacy.request_step", request_id=rid, action="close")
    db.session.expire_all()
    request = db.session.get(PrivacyRequest, rid)
    assert request.state is RequestState.CLOSED and len(eraser.calls) == 1
    assert request.export_manifest["records"]["order"]
    assert db.session.scalar(select(Order.buyer_last_name).limit(1)) is None
    actions = [e.action for e in db.session.scalars(select(PrivacyEvent).order_by(PrivacyEvent.id))]
    assert actions == [
        "received",
        "identity_checked",
        "scoped",
        "decided",
        "exported",
        "executed",
        "answered",
        "closed",
    ]

    page = client.get(url_for("privacy.request_detail", request_id=rid)).get_data(as_text=True)
    assert "Potwierdzenie" in page and "Zamknięty" in page
    export_id = request.export_manifest["export_id"]
    download = client.get(url_for("privacy.export_download", export_id=export_id))
    assert download.status_code == 200 and download.mimetype == "application/zip"
    doc = json.loads(zipfile.ZipFile(io.BytesIO(download.data)).read("buyer.json"))
    assert doc["buyer"]["last_names"] == ["Kwiatkowska"]  # exported before the erasure
    listing = client.get(url_for("privacy.requests_index")).get_data(as_text=True)
    assert f"#{rid}" in listing and "Wnioski" in listing


def test_a_step_out_of_order_is_a_polish_message(client, login, shops):
    login(make_agent(role=Role.OWNER))
    client.post(url_for("privacy.request_new"), data={"type": "access", "buyer_allegro_id": BUYER})
    rid = db.session.scalar(select(PrivacyRequest.id))
    response = post(client, "privacy.request_step", request_id=rid, action="execute")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Ten krok nie jest teraz możliwy." in page


def test_holds_page_sets_and_lifts(client, login, shops):
    shop_a, _b, _eraser = shops
    login(make_agent(role=Role.OWNER))
    response = post(
        client,
        "privacy.set_hold",
        account_id=shop_a.id,
        scope="buyer",
        target=BUYER,
        reason="court_case",
        review_on="2020-01-01",
    )
    assert "Data przeglądu nie może być w przeszłości." in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    post(
        client,
        "privacy.set_hold",
        account_id=shop_a.id,
        scope="buyer",
        target=BUYER,
        reason="court_case",
        note="Sygn. akt I C 123/27",
    )
    hold = db.session.scalar(select(LegalHold))
    page = client.get(url_for("privacy.holds")).get_data(as_text=True)
    assert "Blokady prawne" in page and "Sprawa sądowa" in page and "Aktywna" in page
    post(client, "privacy.lift_hold", hold_id=hold.id)
    db.session.expire_all()
    assert db.session.get(LegalHold, hold.id).lifted_at is not None


def test_agents_are_refused(client, login, shops):
    login(make_agent(role=Role.AGENT, accounts=[shops[0]]))
    assert client.get(url_for("privacy.requests_index")).status_code == 403
    assert client.get(url_for("privacy.holds")).status_code == 403


def test_restricted_buyers_are_invisible_in_agents_search(client, login, shops):
    shop_a, _b, _eraser = shops
    other = seed_buyer(shop_a, "buyer-66", login="zosia_kowal", first="Zofia", last="Kowal")
    restrict(
        account_id=shop_a.id, buyer_allegro_id=BUYER, request_id=None, holds=[], erase_when_released=False
    )
    db.session.commit()
    restricted = db.session.scalar(
        select(Order.allegro_id).where(Order.account_id == shop_a.id, Order.buyer_allegro_id == BUYER)
    )
    login(make_agent(role=Role.AGENT, accounts=[shop_a]))
    page = client.get(url_for("orders.index", q="zosia")).get_data(as_text=True)
    assert other.order.allegro_id in page and restricted not in page
    client.post(url_for("auth.logout"))
    login(make_agent(role=Role.OWNER))
    page = client.get(url_for("orders.index", q="zosia")).get_data(as_text=True)
    assert other.order.allegro_id in page and restricted in page


def test_owners_see_privacy_tasks_on_their_day(client, login, shops, app):
    import datetime as dt

    from desk.orm import utcnow
    from desk.services.privacy import hold_admin
    from desk.services.privacy.requests import Intake, create_request

    shop_a, _b, _eraser = shops
    owner = make_agent(role=Role.OWNER)
    hold = hold_admin.set_hold(
        hold_admin.HoldForm(
            shop_a.id, HoldScope.BUYER, HoldReason.CLAIM, target=BUYER, review_on=utcnow().date()
        ),
        account_ids=[shop_a.id],
        agent_id=owner.id,
        now=utcnow(),
    )
    received = utcnow() - dt.timedelta(days=25)
    create_request(
        Intake(type=RequestType.ACCESS, buyer_allegro_id=BUYER, received_at=received),
        agent_id=owner.id,
        now=utcnow(),
    )
    login(owner)
    page = client.get(url_for("home.index")).get_data(as_text=True)
    assert "Blokady prawne do przeglądu" in page and "Wnioski kupujących z terminem w ciągu tygodnia" in page
    assert hold.review_on is not None
    client.post(url_for("auth.logout"))
    login(make_agent(role=Role.AGENT, accounts=[shop_a]))
    assert "Blokady prawne do przeglądu" not in client.get(url_for("home.index")).get_data(as_text=True)
    assert "Wnioski" not in client.get(url_for("home.index")).get_data(as_text=True)
