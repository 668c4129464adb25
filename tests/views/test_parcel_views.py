"""The parcel pages as agents use them: the stuck list with its navigation badge, the shipments CSV
export with its date form, the order page's timeline with the note for the buyer, the conversation's
side panel, the orders list's parcel filter; an agent never sees another account's parcels."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from flask import url_for
from sqlalchemy import select

from desk.extensions import db
from desk.models import Order, Role, ShipmentStatus
from desk.orm import utcnow
from desk.services.shipping import dispatch
from desk.services.shipping.tracking import events as tracking
from desk.services.sync.runner import run_sync
from desk.wiring import get_allegro
from desk.wiring.carriers import FAKE_CARRIERS, get_carriers
from tests.billing_helpers import fund, quoted
from tests.factories import connect_account, make_agent, make_thread
from tests.integrations.carriers.helpers import request
from tests.services.shipping.parcel_rows import event, make_shipment


def ago(**delta) -> dt.datetime:
    return utcnow() - dt.timedelta(**delta)


def TODAY() -> str:  # noqa: N802
    return (dt.date.today() + dt.timedelta(days=1)).isoformat()  # a day ahead: any time zone's today


def MONTH_AGO() -> str:  # noqa: N802
    return (dt.date.today() - dt.timedelta(days=30)).isoformat()


@pytest.fixture
def shops(app, fake_allegro):
    """Two connected seller accounts: (account, seller id) each."""
    return connect_account(fake_allegro, name="Sklep A"), connect_account(fake_allegro, name="Sklep B")


def add_order(fake, shop) -> Order:
    account, seller = shop
    form = fake.state.add_checkout_form(seller)
    run_sync(get_allegro(), account.id)
    return db.session.scalar(select(Order).where(Order.allegro_id == form["id"]))


@pytest.fixture
def parcels(shops, fake_allegro):
    """In each account: an order whose parcel is going back (stuck), and one quietly on its way."""
    made = {}
    for (account, seller), name in zip(shops, ("a", "b"), strict=True):
        order = add_order(fake_allegro, (account, seller))
        made[name] = make_shipment(account, order=order, waybills=[f"RET{name.upper()}0001"],
                                   events=[event("returned_to_sender", ago(hours=2), "returning")])
        made[f"{name}_moving"] = make_shipment(account, waybills=[f"MOV{name.upper()}0001"],
                                               events=[event("in_transit", ago(minutes=30), "in_transit")])
    return made


def agent_of(shop):
    return make_agent(role=Role.AGENT, accounts=[shop[0]])


def get(client, endpoint, status=200, **values):
    response = client.get(url_for(endpoint, **values))
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return response


# --- the stuck list and its badge ---------------------------------------------------------------


def test_the_stuck_list_shows_polish_reasons_and_the_badge(client, login, parcels):
    login(make_agent(role=Role.OWNER))
    html = get(client, "parcels.stuck_list").get_data(as_text=True)
    assert "Utknięte przesyłki" in html and "Wraca do nadawcy" in html
    assert "RETA0001" in html and "RETB0001" in html and "InPost" in html
    assert "MOVA0001" not in html  # moving parcels are not stuck
    assert '>Przesyłki <span class="nav-count" title="Utknięte przesyłki">2</span>' in html
    assert url_for("orders.detail", order_id=parcels["a"].order_id, _external=False) in html


def test_the_stuck_list_filters_by_reason_carrier_and_account(client, login, shops, parcels):
    login(make_agent(role=Role.ADMIN))
    only_a = get(client, "parcels.stuck_list", account=shops[0][0].id).get_data(as_text=True)
    assert "RETA0001" in only_a and "RETB0001" not in only_a
    nothing = get(client, "parcels.stuck_list", carrier="dpd").get_data(as_text=True)
    assert "RETA0001" not in nothing and "Brak utkniętych przesyłek" in nothing
    silent = get(client, "parcels.stuck_list", reason="silent").get_data(as_text=True)
    assert "RETA0001" not in silent


def test_an_agent_sees_only_their_accounts_parcels_on_every_parcel_page(client, login, shops, parcels):
    login(agent_of(shops[0]))
    html = get(client, "parcels.stuck_list").get_data(as_text=True)
    assert "RETA0001" in html and "RETB0001" not in html
    assert '<span class="nav-count" title="Utknięte przesyłki">1</span>' in html
    other = get(client, "parcels.stuck_list", account=shops[1][0].id).get_data(as_text=True)
    assert "RETB0001" not in other and "RETA0001" not in other
    assert "Sklep B" not in other  # not even among the account filter's options
    body = get(client, "parcels.export", **{"from": MONTH_AGO(), "to": TODAY()}).get_data(as_text=True)
    assert "RETA0001" in body and "RETB0001" not in body and "MOVB0001" not in body
    get(client, "orders.detail", status=404, order_id=parcels["b"].order_id)


def test_an_agent_without_accounts_sees_no_parcels(client, login, parcels):
    login(make_agent(role=Role.AGENT))
    html = get(client, "parcels.stuck_list").get_data(as_text=True)
    assert "RET" not in html and "nav-count" not in html
    body = get(client, "parcels.export", **{"from": MONTH_AGO(), "to": TODAY()})
    assert len(list(csv.reader(io.StringIO(body.get_data(as_text=True)), delimiter=";"))) == 1


def test_parcels_need_a_signed_in_agent(client, parcels):
    pages = (("parcels.stuck_list", {}), ("parcels.index", {}),
             ("parcels.export", {"from": "2026-01-01", "to": "2026-01-02"}))
    for endpoint, args in pages:
        response = client.get(url_for(endpoint, **args))
        assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- export -------------------------------------------------------------------------------------


def test_the_export_sends_a_polish_csv(client, login, parcels):
    login(make_agent(role=Role.ADMIN))
    first, last = dt.date.today() - dt.timedelta(days=1), dt.date.today() + dt.timedelta(days=1)
    response = get(client, "parcels.export", **{"from": first.isoformat(), "to": last.strftime("%d.%m.%Y")})
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="przesylki-{first:%Y%m%d}-{last:%Y%m%d}.csv"'
    )
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "Zlecono", "Konto", "Zamówienie", "Przewoźnik", "Usługa", "Numery przesyłek", "Status zlecenia",
        "Stan przesyłki", "Ostatnie zdarzenie śledzenia", "Numer referencyjny", "Kwota pobrania (zł)",
        "Cena brutto (zł)",
    ]
    assert len(rows) == 5
    assert {row[7] for row in rows[1:]} == {"Wraca do nadawcy", "W drodze"}
    assert {row[6] for row in rows[1:]} == {"Etykieta gotowa"}


def test_the_export_form_shows_polish_errors_next_to_its_fields_and_keeps_them(client, login, parcels):
    login(make_agent(role=Role.ADMIN))
    form = get(client, "parcels.export").get_data(as_text=True)
    assert "Eksport przesyłek do CSV" in form and 'name="from"' in form
    response = client.get(url_for("parcels.export", **{"from": "31.13.2026", "to": ""}))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'value="31.13.2026"' in html  # the typed value stays
    assert '<ul class="field-errors" id="f-from-errors">\n    <li>Podaj datę, np. 31.05.2024.' in html
    assert '<ul class="field-errors" id="f-to-errors">\n    <li>Podaj datę.</li>' in html
    backwards = client.get(url_for("parcels.export", **{"from": "2026-11-10", "to": "09.11.2026"}))
    assert backwards.status_code == 422
    text = backwards.get_data(as_text=True)
    assert "Data końcowa nie może być wcześniejsza niż początkowa." in text
    assert 'value="2026-11-09"' in text  # the typed day kept, as the date input reads it
    too_long = client.get(url_for("parcels.export", **{"from": "2024-01-01", "to": "2026-01-01"}))
    assert too_long.status_code == 422 and "najwyżej 366 dni" in too_long.get_data(as_text=True)


# --- the order page and the conversation's side panel -------------------------------------------


@pytest.fixture
def shipped(app, shops, fake_allegro):
    """An order of account A with an InPost parcel ordered through the fake and two events read back."""
    account = shops[0][0]
    order = add_order(fake_allegro, shops[0])
    gateway = get_carriers(app)

    def port_for(carrier, account_id):
        return gateway.port(carrier, account_id=account_id)

    inpost = app.extensions[FAKE_CARRIERS]["inpost"].server.state
    inpost.seconds_per_step, inpost.gets_per_step = None, 1
    fund(account.id)
    shipment = dispatch.order_shipment(port_for, quoted(dispatch.ShipmentOrder(
        account_id=account.id, carrier="inpost", order_id=order.id,
        request=request(service="inpost_courier_standard", idempotency_key="order-page-1"),
    )))
    while shipment.status is not ShipmentStatus.CONFIRMED:
        dispatch.check(port_for, shipment)
    t0 = dispatch.utcnow() + dt.timedelta(minutes=1)
    inpost.add_event(shipment.carrier_shipment_id, "collected_from_sender", at=t0)
    inpost.add_event(shipment.carrier_shipment_id, "adopted_at_sorting_center", at=t0 + dt.timedelta(hours=1),
                     location="Pruszków")
    tracking.refresh(port_for, shipment, t0 + dt.timedelta(hours=2))
    return order, shipment


def test_the_order_page_shows_the_timeline_newest_first(client, login, shops, shipped):
    order, shipment = shipped
    login(agent_of(shops[0]))
    html = get(client, "orders.detail", order_id=order.id).get_data(as_text=True)
    section = html[html.index('id="parcels"'):]
    assert "Przesyłki" in html and shipment.waybills[0] in section and "InPost" in section
    assert "Etykieta gotowa" in section and "W drodze" in section  # status and the newest state
    newer, older = section.index("adopted_at_sorting_center"), section.index("collected_from_sender")
    assert newer < older and "Pruszków" in section and "Przekazana przewoźnikowi" in section
    assert "Wiadomość dla kupującego" not in section  # moving: nothing to tell the buyer


def test_a_stuck_parcel_on_the_order_page_comes_with_a_note_for_the_buyer(client, login, shops, parcels):
    login(agent_of(shops[0]))
    html = get(client, "orders.detail", order_id=parcels["a"].order_id).get_data(as_text=True)
    section = html[html.index('id="parcels"'):]
    assert "Wraca do nadawcy" in section
    assert ("Dzień dobry, przewoźnik InPost informuje, że przesyłka nr RETA0001 wraca do nas." in section)


def test_the_note_goes_into_the_message_to_the_buyer_only_for_a_stuck_parcel_of_the_order(
    client, login, shops, parcels
):
    login(agent_of(shops[0]))
    order_id = parcels["a"].order_id
    html = get(client, "orders.detail", order_id=order_id, note=parcels["a"].id).get_data(as_text=True)
    message = html[html.index('id="message"'):]
    assert "przesyłka nr RETA0001 wraca do nas" in message[: message.index("</textarea>")]
    for other in (parcels["a_moving"], parcels["b"]):  # not stuck / another account's parcel
        html = get(client, "orders.detail", order_id=order_id, note=other.id).get_data(as_text=True)
        message = html[html.index('id="message"'):]
        assert "Dzień dobry" not in message[: message.index("</textarea>")]
    get(client, "orders.detail", 404, order_id=parcels["b"].order_id, note=parcels["b"].id)


def test_the_conversation_side_panel_shows_the_parcels_state_and_last_event(client, login, shops, shipped):
    order, shipment = shipped
    issue = make_thread(shops[0][0].id, order=order)
    login(agent_of(shops[0]))
    html = get(client, "issues.detail", issue_id=issue.id).get_data(as_text=True)
    panel = html[html.index('id="order"'):html.index('id="buyer"')]
    assert "<dt>Przesyłka</dt>" in panel and shipment.waybills[0] in panel
    assert "W drodze" in panel and "Pruszków" in panel


def test_the_orders_list_filters_by_parcel_state(client, login, shops, parcels, fake_allegro):
    bare = add_order(fake_allegro, shops[0])
    login(make_agent(role=Role.ADMIN))
    listing = get(client, "orders.index").get_data(as_text=True)
    assert 'name="parcel"' in listing and "Bez przesyłki" in listing and "Do odbioru" in listing

    def shown(state):
        html = get(client, "orders.index", parcel=state).get_data(as_text=True)
        return {o.allegro_id[:8] for o in db.session.scalars(select(Order)) if o.allegro_id[:8] in html}

    returning = {db.session.get(Order, parcels[n].order_id).allegro_id[:8] for n in ("a", "b")}
    assert shown("problem") == returning
    assert shown("none") == {bare.allegro_id[:8]}
    assert shown("delivered") == set()


def test_the_orders_parcel_filter_keeps_to_the_agents_accounts(client, login, shops, parcels):
    login(agent_of(shops[0]))
    html = get(client, "orders.index", parcel="problem").get_data(as_text=True)
    assert db.session.get(Order, parcels["a"].order_id).allegro_id[:8] in html
    assert db.session.get(Order, parcels["b"].order_id).allegro_id[:8] not in html
