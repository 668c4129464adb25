"""An agent sends a parcel to a locker from the order page in a real browser: the form starts from the
order, a package preset fills the sizes, the point picker finds the locker, the carrier accepts it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from desk.extensions import db
from desk.models import Order, Role, SellerAccount, Shipment, ShipmentStatus
from desk.services.shipping import ensure_public_price_list
from desk.services.shipping.presets import add_preset
from desk.wiring.carriers import FAKE_CARRIERS, get_carriers
from tests.billing_helpers import fund
from tests.browser.conftest import shot, sign_in
from tests.factories import PASSWORD, make_agent

pytestmark = pytest.mark.browser


def test_one_parcel_to_a_locker_from_the_order_page(app, live_desk, page):
    account = SellerAccount(name="Sklep z kubkami")
    db.session.add(account)
    db.session.flush()
    fund(account.id)
    order = Order(
        account_id=account.id,
        allegro_id="3f2a9c10-8b7d-11ef-9c1b-0242ac120002",
        status="READY_FOR_PROCESSING",
        total_amount=Decimal("64.90"),
        buyer_email="q1w2+e3@allegromail.pl",
        buyer_login="kubkowa",
        delivery_method_name="Allegro Paczkomaty InPost",
        pickup_point={"id": "WAW22M"},
        delivery_address={
            "first_name": "Ewa",
            "last_name": "Lis",
            "street": "Miodowa 3",
            "city": "Kraków",
            "zip_code": "30-001",
            "phone_number": "600300400",
        },
    )
    db.session.add(order)
    db.session.commit()
    add_preset(
        account.id,
        name="Kubek w kartonie",
        length_cm="20",
        width_cm="15",
        height_cm="6",
        weight_kg="0,8",
        template="small",
    )
    get_carriers(app)
    ensure_public_price_list(today=dt.date(2026, 1, 1))
    inpost = app.extensions[FAKE_CARRIERS]["inpost"].server.state
    agent = make_agent(role=Role.AGENT, accounts=[account], name="Ola Agentka")

    sign_in(page, live_desk, agent.email, PASSWORD)
    page.goto(f"{live_desk}/orders/{order.id}")
    page.click("text=Nadaj przesyłkę")
    page.wait_for_load_state()
    assert page.input_value("#f-receiver_name") == "Ewa Lis"
    assert page.input_value("#f-target_point") == "WAW22M"

    page.select_option("#f-preset", label="Kubek w kartonie")
    assert page.input_value("#f-length_cm") == "20" and page.input_value("#f-weight_kg") == "0,8"
    page.click("summary:has-text('Znajdź punkt')")
    page.fill("#pp-city", "Kraków")
    page.fill("#pp-postcode", "")
    page.click("#pp-search")
    page.wait_for_selector("[data-point=KRA010]")
    page.click("[data-point=KRA010]")
    assert page.input_value("#f-target_point") == "KRA010"
    for field, value in (
        ("sender_name", "Ola z kubkami"),
        ("sender_street", "Piotrkowska 12"),
        ("sender_postcode", "90-001"),
        ("sender_city", "Łódź"),
        ("sender_phone", "600100200"),
    ):
        page.fill(f"#f-{field}", value)
    page.click("text=Porównaj ceny")
    page.wait_for_load_state()
    assert page.locator("table.quotes tbody tr").count() >= 5
    assert page.input_value("#f-target_point") == "KRA010"  # the form came back as typed
    shot(page, "ship-form")
    page.locator("table.quotes [data-service='inpost:inpost_locker_standard']").dispatch_event("click")
    assert page.input_value("#f-service") == "inpost:inpost_locker_standard"
    page.click("form.ship-form > button[type=submit]")
    page.wait_for_load_state()
    errors = page.locator(".field-errors, .alert-error").all_inner_texts()
    assert "przyjęta, w realizacji" in page.content(), errors
    shot(page, "ship-shipment")

    shipment = db.session.scalar(select(Shipment))
    assert shipment.status is ShipmentStatus.PENDING and shipment.request["target_point"] == "KRA010"
    assert shipment.request["parcels"][0]["weight_g"] == 800
    assert shipment.price_gross is not None and shipment.quote["lines"][0]["code"] == "parcel"
    assert len(inpost.shipments) == 1


def test_a_cash_on_delivery_parcel_by_dpd(app, live_desk, page):
    account = SellerAccount(
        name="Sklep z rowerami",
        sender_name="Rowery Ania",
        sender_street="Piotrkowska 12",
        sender_city="Łódź",
        sender_postcode="90-001",
        sender_phone="600100200",
    )
    db.session.add(account)
    db.session.flush()
    fund(account.id)
    order = Order(
        account_id=account.id,
        allegro_id="9a1b2c3d-8b7d-11ef-9c1b-0242ac120099",
        status="READY_FOR_PROCESSING",
        total_amount=Decimal("349.00"),
        payment_type="CASH_ON_DELIVERY",
        buyer_email="r1+d2@allegromail.pl",
        delivery_method_name="Allegro Kurier DPD pobranie",
        delivery_address={
            "first_name": "Piotr",
            "last_name": "Wójcik",
            "street": "Polna 7",
            "city": "Poznań",
            "zip_code": "60-001",
            "phone_number": "600400500",
        },
    )
    db.session.add(order)
    db.session.commit()
    get_carriers(app)
    ensure_public_price_list(today=dt.date(2026, 1, 1))
    dpd = app.extensions[FAKE_CARRIERS]["dpd"].server.state
    agent = make_agent(role=Role.AGENT, accounts=[account], name="Ola Agentka")

    sign_in(page, live_desk, agent.email, PASSWORD)
    page.goto(f"{live_desk}/ship/orders/{order.id}")
    assert page.input_value("#f-service") == "dpd:dpd_classic"
    assert page.input_value("#f-cod_amount") == "349,00"
    for field, value in (
        ("sender_name", "Rowery Ania"),
        ("sender_street", "Piotrkowska 12"),
        ("sender_postcode", "90-001"),
        ("sender_city", "Łódź"),
        ("sender_phone", "600100200"),
        ("length_cm", "120"),
        ("width_cm", "60"),
        ("height_cm", "20"),
        ("weight_kg", "14,5"),
    ):
        page.fill(f"#f-{field}", value)
    page.click("form.ship-form > button[type=submit]")
    page.wait_for_load_state()
    errors = page.locator(".field-errors").all_inner_texts()
    assert any("rachunek bankowy" in text for text in errors), errors  # COD needs the payout account
    page.fill("#f-cod_iban", "61 1090 1014 0000 0712 1981 2874")
    page.click("form.ship-form > button[type=submit]")
    page.wait_for_load_state()
    assert "potwierdzona, etykieta gotowa" in page.content() or "przyjęta, w realizacji" in page.content()
    shot(page, "ship-dpd-cod")
    shipment = db.session.scalar(select(Shipment))
    assert shipment.carrier == "dpd" and shipment.cod_amount == Decimal("349.00") and shipment.waybills
    package = next(iter(dpd.packages.values()))
    assert package is not None and shipment.price_gross > 0
