"""Nadaj przesyłkę: the form prefilled from the order, one shipment per form, errors in Polish at their
fields with the form kept, and other accounts' orders out of reach."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from flask import url_for
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import Order, Role, SellerAccount, Shipment, ShipmentStatus
from desk.services.shipping import ensure_public_price_list
from desk.wiring.carriers import FAKE_CARRIERS, get_carriers
from tests.billing_helpers import fund
from tests.factories import make_agent

CREATE = "POST /v1/organizations/{org_id}/shipments"
SENDER = {
    "sender_name": "Anna Sprzedawczyni",
    "sender_company": "Sklep Ania",
    "sender_street": "Piotrkowska 12",
    "sender_postcode": "90-001",
    "sender_city": "Łódź",
    "sender_phone": "600100200",
    "sender_email": "sklep@example.pl",
}


@pytest.fixture
def account(app) -> SellerAccount:
    account = SellerAccount(name="Sklep Paczkowy")
    db.session.add(account)
    db.session.commit()
    fund(account.id)
    return account


@pytest.fixture
def inpost(app):
    get_carriers(app)  # starts the fakes
    ensure_public_price_list(today=dt.date(2026, 1, 1))  # every shipment is priced by a list
    return app.extensions[FAKE_CARRIERS]["inpost"].server.state


def locker_order(account, **changes) -> Order:
    values = dict(
        account_id=account.id,
        allegro_id="7f3c1e2a-5b6d-11ef-8a1b-0242ac120002",
        status="READY_FOR_PROCESSING",
        total_amount=Decimal("89.90"),
        payment_type="CASH_ON_DELIVERY",
        buyer_email="k1+x@allegromail.pl",
        delivery_method_name="Allegro Paczkomaty InPost pobranie",
        pickup_point={"id": "KRA010"},
        delivery_address={
            "first_name": "Jan",
            "last_name": "Kowalski",
            "street": "Długa 5",
            "city": "Kraków",
            "zip_code": "30-001",
            "phone_number": "600200300",
        },
    )
    values.update(changes)
    order = Order(**values)
    db.session.add(order)
    db.session.commit()
    return order


def posted(html: str) -> dict[str, str]:
    """The form's values as the page renders them (what a browser would post back)."""
    form = html[html.index('class="ship-form"') :]
    values = dict(
        re.findall(r'<input type="(?:hidden|text|tel|email)"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form)
    )
    values.update(re.findall(r'<input[^>]*id="f-([^"]+)" name="[^"]+"[^>]*value="([^"]*)"', form))
    selected = re.search(r'<option value="([^"]+)" selected>', form)
    values["service"] = selected.group(1) if selected else ""
    return {key: value.replace("&#43;", "+") for key, value in values.items()}


def test_the_form_starts_from_the_order(client, login, account, inpost):
    login(make_agent(role=Role.AGENT, accounts=[account]))
    order = locker_order(account)
    html = client.get(url_for("ship.new", order_id=order.id)).get_data(as_text=True)
    values = posted(html)
    assert values["service"] == "inpost:inpost_locker_standard"
    assert values["target_point"] == "KRA010" and values["cod_amount"] == "89,90"
    assert values["receiver_name"] == "Jan Kowalski" and values["reference"] == order.allegro_id
    assert "Nadaj przesyłkę" in html


def test_a_shipment_is_ordered_once_per_form(client, login, account, inpost):
    login(make_agent(role=Role.AGENT, accounts=[account]))
    order = locker_order(account, payment_type="ONLINE", delivery_method_name="Allegro Paczkomaty InPost")
    form = posted(client.get(url_for("ship.new", order_id=order.id)).get_data(as_text=True))
    form |= SENDER | {
        "length_cm": "30",
        "width_cm": "20",
        "height_cm": "8",
        "weight_kg": "1,2",
        "template": "small",
    }
    first = client.post(url_for("ship.create", order_id=order.id), data=form)
    again = client.post(url_for("ship.create", order_id=order.id), data=form)  # a double click
    assert first.status_code == again.status_code == 302
    shipment = db.session.scalar(select(Shipment))
    assert first.location.endswith(url_for("ship.shipment", shipment_id=shipment.id, _external=False))
    assert db.session.scalar(select(func.count(Shipment.id))) == 1 and inpost.harness.count(CREATE) == 1
    assert shipment.status is ShipmentStatus.PENDING and shipment.order_id == order.id
    assert shipment.request["parcels"][0] == {
        "length_mm": 300,
        "width_mm": 200,
        "height_mm": 80,
        "weight_g": 1200,
        "template": "small",
        "content": "",
        "non_standard": False,
    }
    page = client.get(first.location).get_data(as_text=True)
    assert "przyjęta, w realizacji" in page


def test_bad_fields_come_back_in_polish_next_to_the_field_with_the_form_kept(client, login, account, inpost):
    login(make_agent(role=Role.AGENT, accounts=[account]))
    order = locker_order(account)
    form = posted(client.get(url_for("ship.new", order_id=order.id)).get_data(as_text=True))
    form |= SENDER | {
        "receiver_postcode": "30001",
        "cod_iban": "PL00 1234",
        "weight_kg": "1,0",
        "length_cm": "20",
        "width_cm": "10",
        "height_cm": "5",
        "template": "small",
    }
    response = client.post(url_for("ship.create", order_id=order.id), data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Odbiorca, kod pocztowy: musi mieć postać 00-950." in html
    assert "Pobranie, rachunek bankowy: nie jest poprawnym numerem rachunku." in html
    assert 'value="30001"' in html and 'value="Jan Kowalski"' in html  # what was typed stays
    assert inpost.harness.count() == 0 and db.session.scalar(select(Shipment)) is None


def test_a_number_that_is_not_one_is_named(client, login, account, inpost):
    login(make_agent(role=Role.AGENT, accounts=[account]))
    order = locker_order(account)
    form = posted(client.get(url_for("ship.new", order_id=order.id)).get_data(as_text=True))
    response = client.post(url_for("ship.create", order_id=order.id), data=form | {"weight_kg": "dużo"})
    assert response.status_code == 422
    assert "To nie jest liczba: dużo" in response.get_data(as_text=True)


def test_other_accounts_orders_and_shipments_are_out_of_reach(client, login, account, inpost):
    other = SellerAccount(name="Cudzy sklep")
    db.session.add(other)
    db.session.commit()
    order = locker_order(account)
    login(make_agent(role=Role.AGENT, accounts=[other]))
    assert client.get(url_for("ship.new", order_id=order.id)).status_code == 404
    assert client.post(url_for("ship.create", order_id=order.id), data={}).status_code == 404
    shipment = Shipment(account_id=account.id, carrier="inpost", service="x", idempotency_key="k", request={})
    db.session.add(shipment)
    db.session.commit()
    for endpoint in ("ship.shipment",):
        assert client.get(url_for(endpoint, shipment_id=shipment.id)).status_code == 404
    for endpoint in ("ship.cancel", "ship.check_now"):
        assert client.post(url_for(endpoint, shipment_id=shipment.id)).status_code == 404


def test_cancelling_says_why_not_when_the_carrier_refuses(client, login, account, inpost):
    login(make_agent(role=Role.OWNER))
    order = locker_order(account, payment_type="ONLINE", delivery_method_name="Allegro Paczkomaty InPost")
    form = posted(client.get(url_for("ship.new", order_id=order.id)).get_data(as_text=True))
    form |= SENDER | {
        "length_cm": "30",
        "width_cm": "20",
        "height_cm": "8",
        "weight_kg": "1",
        "template": "small",
    }
    client.post(url_for("ship.create", order_id=order.id), data=form)
    shipment = db.session.scalar(select(Shipment))
    inpost.process_all()
    client.post(url_for("ship.check_now", shipment_id=shipment.id))
    page = client.post(url_for("ship.cancel", shipment_id=shipment.id), follow_redirects=True).get_data(
        as_text=True
    )
    # the desk knows InPost's rule (cancel only before the label is bought) and says so without asking
    assert "Przewoźnik pozwala anulować tylko przed wygenerowaniem etykiety." in page


def test_package_presets_are_saved_per_account_and_offered_in_the_form(client, login, account, inpost):
    login(make_agent(role=Role.AGENT, accounts=[account]))
    data = {
        "account_id": str(account.id),
        "name": "Karton 30×20×10",
        "length_cm": "30",
        "width_cm": "20",
        "height_cm": "10",
        "weight_kg": "1,5",
    }
    assert client.post(url_for("ship.add_preset"), data=data).status_code == 302
    again = client.post(url_for("ship.add_preset"), data=data)
    assert again.status_code == 422 and "To konto ma już szablon o nazwie Karton 30×20×10." in again.get_data(
        as_text=True
    )
    bad = client.post(url_for("ship.add_preset"), data=data | {"name": "Inny", "weight_kg": "ciężki"})
    assert "Waga: to nie jest liczba." in bad.get_data(as_text=True) and 'value="ciężki"' in bad.get_data(
        as_text=True
    )
    order = locker_order(account)
    html = client.get(url_for("ship.new", order_id=order.id)).get_data(as_text=True)
    assert 'data-length-cm="30" data-width-cm="20"' in html and 'data-weight-kg="1,5"' in html


def test_presets_of_other_accounts_are_out_of_reach(client, login, account, inpost):
    other = SellerAccount(name="Cudzy")
    db.session.add(other)
    db.session.commit()
    from desk.services.shipping.presets import add_preset

    preset = add_preset(
        account.id, name="Mała koperta", length_cm="25", width_cm="18", height_cm="2", weight_kg="0,2"
    )
    login(make_agent(role=Role.AGENT, accounts=[other]))
    assert "Mała koperta" not in client.get(url_for("ship.presets_page")).get_data(as_text=True)
    assert client.post(url_for("ship.delete_preset", preset_id=preset.id)).status_code == 404
    data = {
        "account_id": str(account.id),
        "name": "X",
        "length_cm": "1",
        "width_cm": "1",
        "height_cm": "1",
        "weight_kg": "1",
    }
    assert client.post(url_for("ship.add_preset"), data=data).status_code == 404


@pytest.mark.parametrize(("carrier", "city"), [("inpost", "Kraków"), ("dpd", "Kraków"), ("poczta", "Kraków")])
def test_the_point_picker_lists_each_carriers_points_with_a_choose_button(
    client, login, account, inpost, carrier, city
):
    login(make_agent(role=Role.AGENT, accounts=[account]))
    response = client.get(
        url_for("ship.points_page", account_id=account.id, carrier=carrier, city=city, fragment=1)
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.count('data-point="') >= 1
    assert "Wybierz ten punkt" in html


def test_the_point_picker_explains_a_search_that_cannot_work(client, login, account, inpost):
    login(make_agent(role=Role.AGENT, accounts=[account]))
    bad = client.get(url_for("ship.points_page", account_id=account.id, carrier="inpost", postcode="30001"))
    assert bad.status_code == 422 and "Kod pocztowy ma postać 00-950." in bad.get_data(as_text=True)
    empty = client.get(url_for("ship.points_page", account_id=account.id, carrier="inpost"))
    assert "Podaj kod pocztowy albo miejscowość." in empty.get_data(as_text=True)
    other = SellerAccount(name="Obcy")
    db.session.add(other)
    db.session.commit()
    assert (
        client.get(
            url_for("ship.points_page", account_id=other.id, carrier="inpost", city="Kraków")
        ).status_code
        == 404
    )


def test_prices_side_by_side_and_the_chosen_price_kept_with_the_shipment(client, login, account, inpost):
    login(make_agent(role=Role.AGENT, accounts=[account]))
    order = locker_order(account, payment_type="ONLINE", delivery_method_name="Allegro Paczkomaty InPost")
    form = posted(client.get(url_for("ship.new", order_id=order.id)).get_data(as_text=True))
    form |= SENDER | {
        "length_cm": "30",
        "width_cm": "20",
        "height_cm": "8",
        "weight_kg": "1",
        "template": "small",
    }
    compared = client.post(url_for("ship.compare", order_id=order.id), data=form).get_data(as_text=True)
    table = compared[compared.index('class="table quotes"') : compared.index("</table>")]
    assert "INPOST · " in table and "DPD · " in table and "POCZTA · " in table
    assert table.count('data-service="') >= 3 and "nie wyceniono" in table  # Pocztex needs its own format
    assert 'value="Anna Sprzedawczyni"' in compared  # the form comes back as typed
    client.post(url_for("ship.create", order_id=order.id), data=form)
    shipment = db.session.scalar(select(Shipment))
    assert shipment.quote["list_name"] and shipment.price_gross == Decimal(shipment.quote["gross"]) > 0


def test_a_service_the_price_list_does_not_price_is_not_sent(client, login, account, inpost):
    login(make_agent(role=Role.AGENT, accounts=[account]))
    order = locker_order(
        account, payment_type="ONLINE", delivery_method_name="Allegro Pocztex Kurier 48", pickup_point=None
    )
    form = posted(client.get(url_for("ship.new", order_id=order.id)).get_data(as_text=True))
    form |= SENDER | {"length_cm": "30", "width_cm": "20", "height_cm": "8", "weight_kg": "1"}
    response = client.post(url_for("ship.create", order_id=order.id), data=form)
    assert response.status_code == 422
    assert "Ta usługa nie ma ceny w cenniku" in response.get_data(as_text=True)
    assert db.session.scalar(select(Shipment)) is None
