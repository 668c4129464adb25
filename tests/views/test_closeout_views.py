"""Zamknięcie dnia: the day screen, downloads, protocols, pickups and the sender form; agents see and
ship only their accounts' parcels; every POST needs its CSRF token."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from desk.extensions import db
from desk.models import AccessAction, AccessLog, Pickup, PickupStatus, Role
from desk.services.shipping.closeout import day as closeout
from desk.services.shipping.closeout import lost_calls, pickups
from tests.conftest import desk_app
from tests.factories import PASSWORD, make_agent
from tests.services.privacy.access_helpers import logged
from tests.services.shipping.closeout_helpers import (
    DISPATCH,
    LABEL,
    inpost_state,
    labelled,
    make_account,
    port_for_app,
)


@pytest.fixture
def inpost(app):
    return inpost_state(app)


@pytest.fixture
def setup(app, inpost):
    mine, theirs = make_account("Moje konto"), make_account("Cudze konto")
    agent = make_agent(role=Role.AGENT, accounts=[mine])
    return mine, theirs, agent


def next_day() -> dt.date:
    return pickups.next_working_day(closeout.today() + dt.timedelta(days=1))


def test_the_day_screen_in_polish_with_groups_and_navigation(app, client, login, setup):
    mine, _theirs, agent = setup
    labelled(app, mine)
    labelled(app, mine, dropoff="KRA01M")
    login(agent)
    html = client.get("/closeout/").get_data(as_text=True)
    assert "Zamknięcie dnia" in html and 'href="/closeout/"' in html
    assert "Odbiór przez kuriera: 1" in html and "Nadanie w punkcie: 1" in html
    assert "Jeszcze bez etykiety" in html and "Pobierz protokół przekazania" in html
    assert "Cudze konto" not in html  # the account chooser lists only the agent's accounts


def test_merged_labels_download_and_the_cache(app, client, login, setup, inpost):
    mine, _theirs, agent = setup
    shipments = [labelled(app, mine) for _ in range(5)]
    login(agent)
    data = {"shipment": [str(s.id) for s in shipments], "format": "a4"}
    response = client.post(f"/closeout/{mine.id}/labels", data=data)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    assert len(PdfReader(io.BytesIO(response.data)).pages) == 2
    zpl = client.post(f"/closeout/{mine.id}/labels", data=data | {"format": "zpl"})
    assert zpl.data.decode().count("^XA") == 5
    one = client.post(f"/closeout/{mine.id}/shipments/{shipments[0].id}/label", data={"single_format": "a6"})
    assert len(PdfReader(io.BytesIO(one.data)).pages) == 1
    assert inpost.harness.count(LABEL) == 10  # five PDFs and five ZPLs, each asked once
    html = client.get("/closeout/").get_data(as_text=True)
    assert "Każda paczka z tego dnia ma etykietę." in html


def test_nothing_selected_is_said_in_polish(app, client, login, setup):
    mine, _theirs, agent = setup
    login(agent)
    response = client.post(f"/closeout/{mine.id}/labels", data={"format": "a4"}, follow_redirects=True)
    assert "Wybierz co najmniej jedną przesyłkę." in response.get_data(as_text=True)


def test_packing_list_and_protocol(app, client, login, setup):
    mine, _theirs, agent = setup
    shipment = labelled(app, mine)
    login(agent)
    packing = client.post(f"/closeout/{mine.id}/packing-list", data={"shipment": [str(shipment.id)]})
    assert packing.mimetype == "application/pdf"
    assert "Lista pakowania" in PdfReader(io.BytesIO(packing.data)).pages[0].extract_text()
    protocol = client.post(f"/closeout/{mine.id}/protocol", data={"carrier": "inpost"})
    assert protocol.mimetype == "application/pdf" and protocol.data.startswith(b"%PDF")
    with app.app_context():  # the protocol names the receivers: the download is in the access log
        shown = [(r.entity_id, r.action) for r in logged(AccessLog.route == "closeout.protocol")]
    assert shown == [(shipment.id, AccessAction.DOWNLOAD)]


def test_the_pickup_form_proposes_and_orders_once(app, client, login, setup, inpost):
    mine, _theirs, agent = setup
    shipment = labelled(app, mine)
    login(agent)
    day = next_day()
    page = client.get(
        f"/closeout/{mine.id}/pickup", query_string={"carrier": "inpost", "day": day.isoformat()}
    )
    html = page.get_data(as_text=True)
    assert "Proponowane terminy" in html
    window = re.search(r'name="window" value="([^"]+)"', html).group(1)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)
    form = {
        "carrier": "inpost",
        "day": day.isoformat(),
        "window": window,
        "shipment": [str(shipment.id)],
        "idempotency_key": key,
    }
    done = client.post(f"/closeout/{mine.id}/pickup", data=form, follow_redirects=True)
    assert "Kurier jest zamówiony." in done.get_data(as_text=True)
    client.post(f"/closeout/{mine.id}/pickup", data=form)
    assert inpost.harness.count(DISPATCH) == 1


def test_pickup_form_errors_in_polish_next_to_the_field_and_the_form_kept(app, client, login, setup, inpost):
    mine, _theirs, agent = setup
    shipment = labelled(app, mine)
    login(agent)
    holiday = client.post(
        f"/closeout/{mine.id}/pickup",
        data={
            "carrier": "inpost",
            "day": "2026-12-25",
            "window": "2026-12-25T09:00:00+01:00|2026-12-25T17:00:00+01:00|",
            "shipment": [str(shipment.id)],
            "idempotency_key": "form-holiday",
        },
    )
    html = holiday.get_data(as_text=True)
    assert holiday.status_code == 422
    assert re.search(r'id="f-day-errors">\s*<li>Kurier przyjeżdża tylko w dni robocze', html)
    assert 'value="2026-12-25"' in html  # the form is kept
    no_window = client.post(
        f"/closeout/{mine.id}/pickup",
        data={"carrier": "inpost", "day": next_day().isoformat(), "shipment": [str(shipment.id)]},
    )
    assert no_window.status_code == 422
    assert "Wybierz jeden z proponowanych terminów." in no_window.get_data(as_text=True)
    assert inpost.harness.count(DISPATCH) == 0


def test_the_sender_form_on_the_account_page(app, client, login, setup):
    mine, _theirs, _agent = setup
    owner = make_agent(role=Role.OWNER)
    login(owner)
    assert "Adres nadawcy" in client.get(f"/accounts/{mine.id}").get_data(as_text=True)
    bad = client.post(
        f"/closeout/{mine.id}/sender",
        data={"name": "Sklep", "street": "Długa 1", "city": "Gdańsk", "postcode": "80827"},
    )
    html = bad.get_data(as_text=True)
    assert (
        bad.status_code == 422
        and "Polski kod pocztowy ma postać 00-950." in html
        and 'value="Długa 1"' in html
    )
    good = client.post(
        f"/closeout/{mine.id}/sender",
        data={"name": "Sklep", "street": "Długa 1", "city": "Gdańsk", "postcode": "80-827"},
    )
    assert good.status_code == 302
    from desk.extensions import db
    from desk.models import SellerAccount

    assert db.session.get(SellerAccount, mine.id).sender_postcode == "80-827"


def test_agents_cannot_change_the_sender_address(app, client, login, setup):
    mine, _theirs, agent = setup
    login(agent)
    assert client.post(f"/closeout/{mine.id}/sender", data={"name": "X"}).status_code == 403


def test_another_accounts_parcels_are_not_found_on_every_route(app, client, login, setup, inpost):
    mine, theirs, agent = setup
    foreign = labelled(app, theirs)
    login(agent)
    day = next_day().isoformat()
    assert client.get("/closeout/", query_string={"account": theirs.id}).status_code == 404
    requests = [
        ("post", f"/closeout/{theirs.id}/labels", {"shipment": [str(foreign.id)], "format": "a4"}),
        ("post", f"/closeout/{theirs.id}/shipments/{foreign.id}/label", {}),
        ("post", f"/closeout/{theirs.id}/packing-list", {"shipment": [str(foreign.id)]}),
        ("post", f"/closeout/{theirs.id}/protocol", {"carrier": "inpost"}),
        ("get", f"/closeout/{theirs.id}/pickup", {"carrier": "inpost", "day": day}),
        (
            "post",
            f"/closeout/{theirs.id}/pickup",
            {"carrier": "inpost", "day": day, "shipment": [str(foreign.id)]},
        ),
        ("get", f"/closeout/{theirs.id}/sender", {}),
        # the agent's own account with another account's shipment
        ("post", f"/closeout/{mine.id}/labels", {"shipment": [str(foreign.id)], "format": "a4"}),
        ("post", f"/closeout/{mine.id}/shipments/{foreign.id}/label", {}),
        ("post", f"/closeout/{mine.id}/packing-list", {"shipment": [str(foreign.id)]}),
    ]
    for method, url, data in requests:
        send = client.get if method == "get" else client.post
        response = send(url, **({"query_string": data} if method == "get" else {"data": data}))
        assert response.status_code in (403, 404), (url, response.status_code)
    own_pickup = client.post(
        f"/closeout/{mine.id}/pickup",
        data={
            "carrier": "inpost",
            "day": day,
            "shipment": [str(foreign.id)],
            "idempotency_key": "x",
            "window": f"{day}T09:00:00+01:00|{day}T17:00:00+01:00|",
        },
    )
    assert own_pickup.status_code == 422  # the foreign shipment is refused on the shipments field
    assert inpost.harness.count(LABEL) == 0 and inpost.harness.count(DISPATCH) == 0
    from desk.extensions import db

    assert db.session.query(Pickup).count() == 0


def test_every_post_needs_its_csrf_token(fake_allegro, database_url):
    with desk_app(fake_allegro, database_url, WTF_CSRF_ENABLED=True) as app:
        account = make_account("Konto CSRF")
        agent = make_agent(role=Role.OWNER)
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        signed = client.post("/login", data={"email": agent.email, "password": PASSWORD, "csrf_token": token})
        assert signed.status_code == 302
        for url in (
            f"/closeout/{account.id}/labels",
            f"/closeout/{account.id}/shipments/1/label",
            f"/closeout/{account.id}/packing-list",
            f"/closeout/{account.id}/protocol",
            f"/closeout/{account.id}/pickup",
            f"/closeout/{account.id}/sender",
            f"/closeout/{account.id}/pickups/1/check",
            f"/closeout/{account.id}/pickups/1/settle",
        ):
            refused = client.post(url, data={"shipment": "1"})
            assert refused.status_code == 400, url
            assert "Formularz wygasł" in refused.get_data(as_text=True)


def _lost_call(app, client, account, inpost):
    """A courier call of the account, ordered on its page, whose answer the fake lost after applying it."""
    shipment = labelled(app, account)
    day = next_day()
    page = client.get(
        f"/closeout/{account.id}/pickup", query_string={"carrier": "inpost", "day": day.isoformat()}
    ).get_data(as_text=True)
    form = {
        "carrier": "inpost",
        "day": day.isoformat(),
        "window": re.search(r'name="window" value="([^"]+)"', page).group(1),
        "shipment": [str(shipment.id)],
        "idempotency_key": "lost-call",
    }
    inpost.harness.fail_after_commit(DISPATCH, 504)
    answered = client.post(f"/closeout/{account.id}/pickup", data=form, follow_redirects=True)
    assert "Odpowiedź przewoźnika nie dotarła" in answered.get_data(as_text=True)
    return db.session.scalar(select(Pickup).where(Pickup.idempotency_key == "lost-call"))


def test_a_lost_call_is_checked_with_the_carrier_from_the_day_screen(app, client, login, setup, inpost):
    mine, _theirs, agent = setup
    login(agent)
    pickup = _lost_call(app, client, mine, inpost)
    day_screen = client.get("/closeout/", query_string={"account": mine.id})  # today's: the parcel's day
    html = day_screen.get_data(as_text=True)
    assert f"/closeout/{mine.id}/pickups/{pickup.id}/check" in html and "Sprawdź u przewoźnika" in html
    pickup.sent_at = pickup.sent_at - lost_calls.SETTLE  # the call has settled at the carrier
    db.session.commit()
    checked = client.post(f"/closeout/{mine.id}/pickups/{pickup.id}/check", follow_redirects=True)
    assert "Przewoźnik ma to zlecenie: kurier przyjedzie." in checked.get_data(as_text=True)
    db.session.refresh(pickup)
    assert pickup.status is PickupStatus.ORDERED and inpost.harness.count(DISPATCH) == 1


def test_an_agent_settles_a_lost_call_and_other_accounts_cannot(app, client, login, setup, inpost):
    mine, theirs, agent = setup
    login(agent)
    foreign_shipment = labelled(app, theirs)
    day = next_day()
    (window,) = pickups.windows(port_for_app(app), theirs.id, "inpost", day, [foreign_shipment.id])
    inpost.harness.fail_after_commit(DISPATCH, 504)
    order = pickups.PickupOrder(theirs.id, "inpost", day, window, (foreign_shipment.id,), "theirs")
    foreign = pickups.order_pickup(port_for_app(app), order)
    assert foreign.status is PickupStatus.CHECKING
    for account in (theirs, mine):  # their account, and mine with their pickup
        for action in ("check", "settle"):
            url = f"/closeout/{account.id}/pickups/{foreign.id}/{action}"
            assert client.post(url, data={"outcome": "coming"}).status_code == 404, url
    db.session.refresh(foreign)
    assert foreign.status is PickupStatus.CHECKING
    own = _lost_call(app, client, mine, inpost)
    settled = client.post(f"/closeout/{mine.id}/pickups/{own.id}/settle", data={"outcome": "none"},
                          follow_redirects=True)
    assert "Zapisano: kuriera można zamówić ponownie." in settled.get_data(as_text=True)
    db.session.refresh(own)
    assert own.status is PickupStatus.ORDERING
    again = client.post(f"/closeout/{mine.id}/pickups/{own.id}/settle", data={"outcome": "coming"},
                        follow_redirects=True)
    assert "Rozstrzygnąć można tylko zlecenie" in again.get_data(as_text=True)
