"""The orders desk as agents use it: list, order page, writes to the fake Allegro, access, escaping."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import url_for
from sqlalchemy import select

from desk.extensions import db
from desk.models import Order, OutboxMessage, OutboxState, Role
from desk.services.sync.runner import run_sync
from desk.wiring import get_allegro
from tests.factories import connect_account, make_agent

FULFILLMENT = "PUT /order/checkout-forms/{id}/fulfillment"
SHIPMENTS = "POST /order/checkout-forms/{id}/shipments"
CONFLICT_PL = (
    "Zamówienie zmieniło się w Allegro (np. kupujący zmienił adres). "
    "Odświeżyliśmy dane — sprawdź i spróbuj ponownie."
)
NBSP = "\u00a0"


@pytest.fixture
def shop(app, fake_allegro):
    return connect_account(fake_allegro, name="Sklep A")


def add_order(fake, shop, **overrides) -> Order:
    """A checkout form in the fake, synchronised into the desk."""
    account, seller = shop
    form = fake.state.add_checkout_form(seller, **overrides)
    run_sync(get_allegro(), account.id)
    return db.session.scalar(select(Order).where(Order.allegro_id == form["id"]))


def page(client, endpoint, **values) -> str:
    response = client.get(url_for(endpoint, **values))
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def fulfillment_in_fake(fake, order: Order) -> str:
    return fake.state.checkout_forms[order.allegro_id]["fulfillment"]["status"]


def path(endpoint: str, **values) -> str:
    """The URL as pages write it (relative)."""
    return url_for(endpoint, _external=False, **values)


def form_key(html: str, action: str) -> str:
    """The idempotency key rendered into the form posting to `action`."""
    form = html[html.index(f'action="{action}"'):]
    return re.search(r'name="idempotency_key" value="([^"]+)"', form).group(1)


def test_list_shows_polish_labels_and_money(app, client, login, fake_allegro, shop):
    order = add_order(
        fake_allegro, shop,
        payment={"id": "p1", "type": "CASH_ON_DELIVERY", "provider": "OFFLINE"},
        summary={"totalToPay": {"amount": "1234.56", "currency": "PLN"}},
    )
    login(make_agent(role=Role.ADMIN))
    html = page(client, "orders.index")
    assert f"1{NBSP}234,56{NBSP}zł" in html
    assert "Pobranie" in html
    assert "Do realizacji (opłacone)" in html
    assert "Nowe" in html
    assert order.allegro_id[:8] in html and f'title="{order.allegro_id}"' in html
    assert order.buyer_login in html
    assert order.lines[0].offer_name in html
    assert "Sklep A" in html


def test_list_labels_follow_the_language_switch(app, client, login, fake_allegro, shop):
    # Label tables are translated once per language and kept: switching back and forth must not
    # leave a page in the other language.
    add_order(fake_allegro, shop, payment={"id": "p1", "type": "CASH_ON_DELIVERY", "provider": "OFFLINE"})
    login(make_agent(role=Role.ADMIN))
    for language, status, payment, header in (
        ("pl", "Do realizacji (opłacone)", "Pobranie", "Zamówienia"),
        ("en", "Ready for processing (paid)", "Cash on delivery", "Orders"),
        ("pl", "Do realizacji (opłacone)", "Pobranie", "Zamówienia"),
    ):
        client.post(url_for("home.set_locale"), data={"locale": language, "next": "/"})
        html = page(client, "orders.index")
        assert status in html and payment in html and f"<h1>{header}</h1>" in html


def test_list_filters_and_search_reach_the_service(app, client, login, fake_allegro, shop):
    cod = {"id": "p1", "type": "CASH_ON_DELIVERY", "provider": "OFFLINE"}
    kept = add_order(fake_allegro, shop, payment=cod)
    other = add_order(fake_allegro, shop, payment={"id": "p2", "type": "ONLINE", "provider": "PAYU"})
    login(make_agent(role=Role.OWNER))
    html = page(client, "orders.index", cod="1")
    assert kept.allegro_id in html and other.allegro_id not in html
    html = page(client, "orders.index", q=other.buyer_login)
    assert other.allegro_id in html
    html = page(client, "orders.index", date_from="31.02.2024")
    assert "Podaj datę, np. 31.05.2024." in html


def test_dates_are_read_as_typed_in_poland_or_sent_by_date_inputs(app):
    from desk.views.orders import parse_filters

    args = {"date_from": "01.05.2024", "date_to": "2024-05-31", "sort": "total_asc"}
    filters, invalid = parse_filters(args)
    assert (filters.date_from, filters.date_to) == (dt.date(2024, 5, 1), dt.date(2024, 5, 31))
    assert (filters.sort, invalid) == ("total_asc", [])
    filters, invalid = parse_filters({"date_to": "jutro", "sort": "nonsense", "account": "x"})
    assert (filters.date_to, filters.sort, filters.account_id) == (None, "date_desc", None)
    assert invalid == ["date_to"]


def test_list_pages_with_a_cursor(app, client, login, fake_allegro, shop):
    account, seller = shop
    fake_allegro.state.populate_fast(seller, 55)
    run_sync(get_allegro(), account.id)
    login(make_agent(role=Role.ADMIN))
    first = page(client, "orders.index")
    next_link = re.search(r'href="([^"]*after=[^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    second = client.get(next_link).get_data(as_text=True)
    ids_first = set(re.findall(r'name="order_ids" value="(\d+)"', first))
    ids_second = set(re.findall(r'name="order_ids" value="(\d+)"', second))
    assert len(ids_first) == 50 and len(ids_second) == 5 and not ids_first & ids_second
    assert 'rel="prev"' in second


def test_detail_shows_the_whole_order(app, client, login, fake_allegro, shop):
    order = add_order(
        fake_allegro, shop,
        messageToSeller="Proszę o fakturę na firmę",
        invoice={
            "required": True,
            "address": {
                "street": "ul. Długa 5", "city": "Kraków", "zipCode": "30-001", "countryCode": "PL",
                "company": {"name": "Ogrody Kowalski sp. z o.o.", "taxId": "5261040828",
                            "ids": [{"type": "PL_NIP", "value": "5261040828"}]},
            },
        },
    )
    agent = make_agent(role=Role.ADMIN, name="Ewa Agentka")
    login(agent)
    client.post(url_for("orders.add_note", order_id=order.id), data={"text": "Zadzwonić do klienta"})
    html = page(client, "orders.detail", order_id=order.id)
    for line in order.lines:
        assert line.offer_name in html
    for value in (order.buyer_login, order.buyer_email, order.buyer_phone, order.buyer_first_name):
        assert value in html
    assert "Proszę o fakturę na firmę" in html and "orders-buyer-message" in html
    assert "Ogrody Kowalski sp. z o.o." in html and "5261040828" in html
    assert order.payment_provider in html
    if order.pickup_point:
        assert order.pickup_point["id"] in html
    else:
        assert order.delivery_address["street"] in html
    assert "Zadzwonić do klienta" in html and "Ewa Agentka" in html
    assert "Historia zmian" in html


def test_status_change_reaches_allegro_and_history(app, client, login, fake_allegro, shop):
    order = add_order(fake_allegro, shop)
    login(make_agent(role=Role.AGENT, accounts=[shop[0]], name="Jan Agent"))
    html = page(client, "orders.detail", order_id=order.id)
    action = path("orders.change_status", order_id=order.id)
    response = client.post(action, data={"status": "PROCESSING", "idempotency_key": form_key(html, action)})
    assert response.status_code == 302
    assert fulfillment_in_fake(fake_allegro, order) == "PROCESSING"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Zapisano w Allegro." in html
    assert "W realizacji" in html and "Jan Agent" in html


def test_double_submit_with_the_same_key_sends_once(app, client, login, fake_allegro, shop):
    order = add_order(fake_allegro, shop)
    login(make_agent(role=Role.ADMIN))
    html = page(client, "orders.detail", order_id=order.id)
    action = path("orders.change_status", order_id=order.id)
    data = {"status": "READY_FOR_SHIPMENT", "idempotency_key": form_key(html, action)}
    assert client.post(action, data=data).status_code == 302
    assert client.post(action, data=data).status_code == 302
    assert fake_allegro.state.request_count(FULFILLMENT) == 1
    assert fulfillment_in_fake(fake_allegro, order) == "READY_FOR_SHIPMENT"


def test_conflict_explains_in_polish_keeps_the_choice_and_rereads(app, client, login, fake_allegro, shop):
    order = add_order(fake_allegro, shop)
    changed = fake_allegro.state.update_checkout_form(
        order.allegro_id, event_type=None, messageToSeller="Nowy adres"
    )
    login(make_agent(role=Role.ADMIN))
    html = page(client, "orders.detail", order_id=order.id)
    action = path("orders.change_status", order_id=order.id)
    response = client.post(action, data={"status": "SENT", "idempotency_key": form_key(html, action)})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert CONFLICT_PL in html
    assert '<option value="SENT" selected>' in html
    assert fulfillment_in_fake(fake_allegro, order) == "NEW"
    db.session.refresh(order)
    assert order.revision == changed["revision"]  # re-read: the next try uses the new revision
    assert "Nowy adres" in html
    assert 'action="' + path("orders.retry", order_id=order.id, message_id=1) not in html
    retry_key = form_key(html, action)
    assert client.post(action, data={"status": "SENT", "idempotency_key": retry_key}).status_code == 302
    assert fulfillment_in_fake(fake_allegro, order) == "SENT"


def test_tracking_number_is_added_with_a_carrier_from_allegro(app, client, login, fake_allegro, shop):
    order = add_order(fake_allegro, shop)
    login(make_agent(role=Role.ADMIN))
    html = page(client, "orders.detail", order_id=order.id)
    assert '<option value="INPOST">InPost</option>' in html
    action = path("orders.add_tracking", order_id=order.id)
    waybill = "620111222333444555666777"
    data = {"carrier_id": "INPOST", "waybill": waybill, "idempotency_key": form_key(html, action)}
    assert client.post(action, data=data).status_code == 302
    assert client.post(action, data=data).status_code == 302  # a double click
    shipments = fake_allegro.state.shipments[order.allegro_id]
    assert [(s["carrierId"], s["waybill"]) for s in shipments] == [("INPOST", "620111222333444555666777")]
    html = page(client, "orders.detail", order_id=order.id)
    assert "620111222333444555666777" in html


def test_without_allegros_carrier_list_the_other_carrier_remains(app, client, login, fake_allegro, shop):
    order = add_order(fake_allegro, shop)
    fake_allegro.state.fail_next("GET /order/carriers", 503, times=10)
    login(make_agent(role=Role.ADMIN))
    html = page(client, "orders.detail", order_id=order.id)
    assert "Nie udało się pobrać listy przewoźników z Allegro" in html
    assert '<option value="OTHER">Inny przewoźnik</option>' in html


def test_failed_tracking_keeps_the_input_and_says_why(app, client, login, fake_allegro, shop):
    order = add_order(fake_allegro, shop)
    login(make_agent(role=Role.ADMIN))
    action = path("orders.add_tracking", order_id=order.id)
    response = client.post(action, data={"carrier_id": "OTHER", "waybill": "XY123", "idempotency_key": "t-1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Podaj nazwę przewoźnika" in html
    assert 'value="XY123"' in html and '<option value="OTHER" selected>' in html
    fake_allegro.state.fail_next(SHIPMENTS, 400)
    data = {"carrier_id": "DPD", "waybill": "0000123456789U", "idempotency_key": "t-2"}
    html = client.post(action, data=data).get_data(as_text=True)
    assert 'value="0000123456789U"' in html and "Allegro odrzuciło dane." in html
    assert fake_allegro.state.shipments.get(order.allegro_id, []) == []


def test_failed_write_can_be_retried(app, client, login, fake_allegro, shop):
    order = add_order(fake_allegro, shop)
    login(make_agent(role=Role.ADMIN))
    fake_allegro.state.fail_next(FULFILLMENT, 422)
    action = path("orders.change_status", order_id=order.id)
    assert client.post(action, data={"status": "SUSPENDED", "idempotency_key": "r-1"}).status_code == 422
    message = db.session.scalar(select(OutboxMessage))
    assert message.state is OutboxState.FAILED
    html = page(client, "orders.detail", order_id=order.id)
    retry = path("orders.retry", order_id=order.id, message_id=message.id)
    assert f'action="{retry}"' in html
    assert client.post(retry).status_code == 302
    assert fulfillment_in_fake(fake_allegro, order) == "SUSPENDED"


def test_tag_and_notes_from_the_order_page(app, client, login, fake_allegro, shop):
    order = add_order(fake_allegro, shop)
    login(make_agent(role=Role.ADMIN))
    client.post(url_for("orders.set_tag", order_id=order.id), data={"tag": "pilne"})
    html = page(client, "orders.index")
    assert '<span class="orders-tag">pilne</span>' in html
    response = client.post(url_for("orders.add_note", order_id=order.id), data={"text": "   "})
    assert response.status_code == 422 and "Najpierw wpisz notatkę." in response.get_data(as_text=True)


def test_a_tag_too_long_comes_back_typed_with_the_reason(app, client, login, fake_allegro, shop):
    order = add_order(fake_allegro, shop)
    login(make_agent(role=Role.ADMIN))
    typed = "do wysłania jutro rano po potwierdzeniu z magazynem"
    response = client.post(url_for("orders.set_tag", order_id=order.id), data={"tag": typed})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'value="{typed}"' in html and "Etykieta może mieć najwyżej 40 znaków." in html
    db.session.refresh(order)
    assert order.tag is None


def test_restricted_agent_never_sees_another_accounts_orders(app, client, login, fake_allegro, shop):
    theirs_account = connect_account(fake_allegro, name="Sklep B")
    mine = add_order(fake_allegro, shop)
    theirs = add_order(fake_allegro, theirs_account)
    login(make_agent(role=Role.AGENT, accounts=[shop[0]]))
    for query in ({}, {"account": theirs_account[0].id}, {"q": theirs.buyer_login}):
        html = page(client, "orders.index", **query)
        assert theirs.allegro_id not in html
    assert mine.allegro_id in page(client, "orders.index")
    assert client.get(url_for("orders.detail", order_id=theirs.id)).status_code == 404
    for endpoint, data in (
        ("orders.change_status", {"status": "SENT"}),
        ("orders.add_tracking", {"carrier_id": "DPD", "waybill": "1"}),
        ("orders.add_note", {"text": "x"}),
        ("orders.set_tag", {"tag": "x"}),
        ("orders.refresh", {}),
    ):
        assert client.post(url_for(endpoint, order_id=theirs.id), data=data).status_code == 404, endpoint
    assert fake_allegro.state.request_count(FULFILLMENT) == 0


def test_buyer_and_agent_text_renders_inert(app, client, login, fake_allegro, shop):
    attack = '<script>alert("x")</script>'
    order = add_order(fake_allegro, shop, messageToSeller=attack)
    order.delivery_address = dict(order.delivery_address or {}, street='<img src=x onerror="alert(1)">')
    order.pickup_point = None
    db.session.commit()
    login(make_agent(role=Role.ADMIN))
    client.post(url_for("orders.add_note", order_id=order.id), data={"text": attack})
    client.post(url_for("orders.set_tag", order_id=order.id), data={"tag": "<b>tag</b>"})
    html = page(client, "orders.detail", order_id=order.id)
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>tag</b>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html
    assert "&lt;b&gt;tag&lt;/b&gt;" in html
    assert "&lt;b&gt;tag&lt;/b&gt;" in page(client, "orders.index")


def test_anonymous_visitors_are_sent_to_sign_in(app, client):
    for endpoint in ("orders.index", "admin.index"):
        response = client.get(url_for(endpoint))
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_bulk_change_previews_then_sends_each_order_once(app, client, login, fake_allegro, shop):
    first = add_order(fake_allegro, shop)
    second = add_order(fake_allegro, shop)
    already = add_order(fake_allegro, shop)
    hidden = add_order(fake_allegro, connect_account(fake_allegro, name="Sklep B"))
    login(make_agent(role=Role.AGENT, accounts=[shop[0]]))
    client.post(url_for("orders.change_status", order_id=already.id), data={"status": "SENT"})
    chosen = [first.id, second.id, already.id, hidden.id]
    html = client.post(url_for("orders.bulk_preview"), data={"order_ids": chosen, "status": "SENT"}).get_data(
        as_text=True
    )
    assert "Nowe &rarr; Wysłane" in html
    assert "już w tym statusie" in html and "nie znaleziono lub niewidoczne dla Ciebie" in html
    assert hidden.allegro_id not in html
    batch = re.search(r'name="batch_id" value="([^"]+)"', html).group(1)
    to_send = re.findall(r'name="order_ids" value="(\d+)"', html)
    assert sorted(map(int, to_send)) == sorted([first.id, second.id])
    data = {"order_ids": chosen, "status": "SENT", "batch_id": batch}
    result = client.post(url_for("orders.bulk_confirm"), data=data).get_data(as_text=True)
    assert result.count("wysłano") >= 2
    assert fulfillment_in_fake(fake_allegro, first) == fulfillment_in_fake(fake_allegro, second) == "SENT"
    assert fulfillment_in_fake(fake_allegro, hidden) == "NEW"
    sent_before = fake_allegro.state.request_count(FULFILLMENT)
    client.post(url_for("orders.bulk_confirm"), data=data)  # the same confirmation again
    assert fake_allegro.state.request_count(FULFILLMENT) == sent_before == 3


def test_bulk_preview_without_a_selection_goes_back_with_a_reason(app, client, login, fake_allegro, shop):
    login(make_agent(role=Role.ADMIN))
    response = client.post(url_for("orders.bulk_preview"), data={"status": "SENT", "back": "/orders/?cod=1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/orders/?cod=1")
    assert "Zaznacz co najmniej jedno zamówienie." in client.get("/orders/?cod=1").get_data(as_text=True)
