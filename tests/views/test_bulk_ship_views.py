"""Nadaj zaznaczone from the orders list: the preview table, the batch page following the worker, a failed
row fixed and retried alone, other accounts out of reach on every route, CSRF on every POST."""

from __future__ import annotations

import re

import pytest
from flask import url_for
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import BatchItemStatus, Role, SellerAccount, Shipment, ShipmentBatch
from desk.services.shipping import bulk
from desk.wiring.carriers import FAKE_CARRIERS, get_carriers
from tests.conftest import desk_app
from tests.factories import PASSWORD, make_agent
from tests.services.shipping.bulk_helpers import CREATE, bad_postcode, make_account, make_order, ports


@pytest.fixture
def account(app) -> SellerAccount:
    return make_account()


@pytest.fixture
def port_for(app):
    return ports(app)


@pytest.fixture
def inpost(app, port_for):
    return app.extensions[FAKE_CARRIERS]["inpost"].server.state


@pytest.fixture
def agent(login, account):
    agent = make_agent(role=Role.AGENT, accounts=[account])
    login(agent)
    return agent


def test_the_orders_list_offers_send_selected(client, agent, account, inpost):
    make_order(account)
    html = client.get(url_for("orders.index")).get_data(as_text=True)
    assert "Nadaj zaznaczone" in html and url_for("ship.bulk_preview", _external=False) in html


def test_the_preview_shows_each_row_and_its_problems_in_polish(client, agent, account, inpost):
    good = make_order(account)
    wrong = bad_postcode(account)
    pickup = make_order(account, delivery_method_name="Odbiór osobisty")
    response = client.post(url_for("ship.bulk_preview"), data={"order_ids": [good.id, wrong.id, pickup.id]})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Odbiorca, kod pocztowy: musi mieć postać 00-950." in html
    assert "Żaden przewoźnik nie pasuje do sposobu dostawy Odbiór osobisty" in html
    assert html.count('name="send"') == 2 and f'name="send" value="{good.id}"' in html
    assert f'name="send" value="{wrong.id}"' in html and "wiersz do poprawienia" in html  # fixed later
    assert "INPOST" in html and "Karton" in html and "zł" in html
    assert "Anna Sprzedawczyni" in html
    assert inpost.harness.count(CREATE) == 0


def test_start_follow_and_retry_a_failed_row(client, agent, account, port_for, inpost):
    first, second, left_out = make_order(account), make_order(account), make_order(account)
    page = client.post(
        url_for("ship.bulk_preview"), data={"order_ids": [first.id, second.id, left_out.id]}
    ).get_data(as_text=True)
    key = re.search(r'name="batch_key" value="([^"]+)"', page).group(1)
    form = {"order_ids": [first.id, second.id, left_out.id], "send": [first.id, second.id], "batch_key": key}
    started = client.post(url_for("ship.bulk_start"), data=form)
    again = client.post(url_for("ship.bulk_start"), data=form)  # a double click
    batch = db.session.scalar(select(ShipmentBatch))
    assert started.status_code == again.status_code == 302 and started.location == again.location
    assert db.session.scalar(select(func.count(ShipmentBatch.id))) == 1 and batch.total == 2
    waiting = client.get(started.location).get_data(as_text=True)
    assert 'http-equiv="refresh"' in waiting and "oczekuje: 2" in waiting
    inpost.harness.fail_next(CREATE, 422)
    bulk.run_due(port_for)
    done = client.get(started.location).get_data(as_text=True)
    assert 'http-equiv="refresh"' not in done and "Przewoźnik odrzucił ten wiersz." in done
    failed = next(item for item in batch.items if item.status is BatchItemStatus.FAILED)
    sent = next(item for item in batch.items if item.status is BatchItemStatus.SENT)
    assert url_for("ship.shipment", shipment_id=sent.shipment_id, _external=False) in done
    bad = client.post(url_for("ship.bulk_retry", item_id=failed.id), data={"receiver_postcode": "3000"})
    assert bad.status_code == 422 and "Odbiorca, kod pocztowy: musi mieć postać 00-950." in bad.get_data(
        as_text=True
    )
    good = client.post(url_for("ship.bulk_retry", item_id=failed.id), data={"receiver_postcode": "31-000"})
    assert good.status_code == 302
    bulk.run_due(port_for)
    bulk.run_due(port_for)
    db.session.refresh(failed)
    assert failed.status is BatchItemStatus.SENT
    assert inpost.harness.count(CREATE) == 3
    assert db.session.scalar(select(func.count(Shipment.id)).where(Shipment.order_id == left_out.id)) == 0


def test_other_accounts_are_out_of_reach_on_every_route(client, login, account, port_for, inpost):
    order = make_order(account)
    batch = bulk.start([order.id], None, port_for, key="cross")
    inpost.harness.fail_next(CREATE, 422)
    bulk.run_due(port_for)
    item = batch.items[0]
    assert item.status is BatchItemStatus.FAILED
    other = SellerAccount(name="Cudzy sklep")
    db.session.add(other)
    db.session.commit()
    login(make_agent(role=Role.AGENT, accounts=[other]))
    preview = client.post(url_for("ship.bulk_preview"), data={"order_ids": [order.id]})
    assert preview.status_code == 200 and order.allegro_id[:8] not in preview.get_data(as_text=True)
    started = client.post(
        url_for("ship.bulk_start"), data={"order_ids": [order.id], "send": [order.id], "batch_key": "x"}
    )
    assert started.status_code == 302 and db.session.scalar(select(func.count(ShipmentBatch.id))) == 1
    preset = account_preset(account)
    foreign_preset = client.post(
        url_for("ship.bulk_preview"), data={"order_ids": [order.id], "preset": preset}
    )
    assert foreign_preset.status_code == 404
    assert client.get(url_for("ship.bulk_batch", batch_id=batch.id)).status_code == 404
    retried = client.post(url_for("ship.bulk_retry", item_id=item.id), data={"receiver_postcode": "31-000"})
    assert retried.status_code == 404
    db.session.refresh(item)
    assert item.status is BatchItemStatus.FAILED and inpost.harness.count(CREATE) == 1


def account_preset(account) -> int:
    from desk.services.shipping import presets

    return presets.presets_of(account.id)[0].id


def test_every_bulk_post_needs_its_csrf_token(fake_allegro, database_url):
    with desk_app(fake_allegro, database_url, WTF_CSRF_ENABLED=True) as app:
        get_carriers(app)
        agent = make_agent(role=Role.OWNER)
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        signed = client.post("/login", data={"email": agent.email, "password": PASSWORD, "csrf_token": token})
        assert signed.status_code == 302
        for url in ("/ship/bulk/preview", "/ship/bulk/start", "/ship/bulk/items/1/retry"):
            refused = client.post(url, data={"order_ids": "1", "batch_key": "k"})
            assert refused.status_code == 400, url
            assert "Formularz wygasł" in refused.get_data(as_text=True)
        assert db.session.scalar(select(func.count(ShipmentBatch.id))) == 0


def test_a_row_whose_parcel_is_wrong_is_corrected_on_the_batch_page(client, agent, account, port_for, inpost):
    from desk.services.shipping import presets

    order = make_order(account)
    long = presets.add_preset(account.id, name="Rura", length_cm="130", width_cm="20", height_cm="10",
                              weight_kg="1")
    batch = bulk.start([order.id], None, port_for, preset=long.id, key="long")
    (item,) = batch.items
    page = client.get(url_for("ship.bulk_batch", batch_id=batch.id)).get_data(as_text=True)
    assert "Dla tego wiersza nic nie zostało wysłane" in page
    assert f'id="fix-{item.id}-length_cm"' in page and f'id="fix-{item.id}-preset"' in page
    assert f'id="fix-{item.id}-service"' not in page  # the service is not what is wrong
    typed = bulk.fixable_values(item) | {"length_cm": "dużo"}
    refused = client.post(url_for("ship.bulk_retry", item_id=item.id), data=typed)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    errors = html[html.index(f'id="fix-{item.id}-length_cm-errors"'):]
    assert "To nie jest liczba: dużo" in errors[: errors.index("</ul>")]  # next to the length, in Polish
    assert f'id="fix-{item.id}-length_cm" name="length_cm" value="dużo"' in html  # what was typed stays
    sent = client.post(url_for("ship.bulk_retry", item_id=item.id), data=typed | {"length_cm": "60"})
    assert sent.status_code == 302
    assert bulk.run_due(port_for) == {"sent": 1, "failed": 0} and inpost.harness.count(CREATE) == 1
