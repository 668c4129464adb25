"""The shipment form starts from the order: the delivery method picks the carrier and service."""

from __future__ import annotations

from decimal import Decimal

import pytest

from desk.extensions import db
from desk.models import Order, SellerAccount
from desk.services.shipping.prefill import draft_for, fit_for


@pytest.mark.parametrize(
    ("method", "carrier", "service", "cod"),
    [
        ("Allegro Paczkomaty InPost", "inpost", "inpost_locker_standard", False),
        ("Allegro Paczkomaty InPost pobranie", "inpost", "inpost_locker_standard", True),
        ("Allegro Kurier DPD pobranie", "dpd", "dpd_classic", True),
        ("Allegro Odbiór w Punkcie DPD Pickup", "dpd", "dpd_pickup", False),
        ("Allegro Pocztex Kurier 48", "poczta", "pocztex_kurier", False),
        ("Allegro Kurier InPost", "inpost", "inpost_courier_standard", False),
    ],
)
def test_the_delivery_method_decides_the_carrier_and_service(method, carrier, service, cod):
    fit = fit_for(method)
    assert (fit.carrier, fit.service, fit.cash_on_delivery) == (carrier, service, cod)


def test_methods_the_broker_does_not_serve_leave_the_choice_to_the_agent():
    assert fit_for("Odbiór osobisty") is None
    assert fit_for(None) is None


def test_a_draft_takes_receiver_point_cod_value_and_reference_from_the_order(app):
    account = SellerAccount(name="Sklep")
    db.session.add(account)
    db.session.flush()
    order = Order(
        account_id=account.id,
        allegro_id="29738e61-7f6e-11ec-b1d1-f1f0a0a0b0c0",
        status="READY_FOR_PROCESSING",
        total_amount=Decimal("149.99"),
        payment_type="CASH_ON_DELIVERY",
        buyer_email="a1b2c3+d4@allegromail.pl",
        buyer_login="kupujacy_1",
        delivery_method_name="Allegro Paczkomaty InPost pobranie",
        delivery_address={
            "first_name": "Anna",
            "last_name": "Nowak",
            "street": "Długa 5/3",
            "city": "Kraków",
            "zip_code": "30-001",
            "country_code": "PL",
            "phone_number": "+48 600 200 300",
        },
        pickup_point={"id": "KRA010", "name": "Paczkomat KRA010"},
    )
    db.session.add(order)
    db.session.commit()
    draft = draft_for(order)
    assert (draft.fit.carrier, draft.fit.service) == ("inpost", "inpost_locker_standard")
    assert draft.target_point == "KRA010" and draft.cod_amount == Decimal("149.99")
    assert draft.insurance == Decimal("149.99") and draft.reference == order.allegro_id
    receiver = draft.receiver
    assert (receiver.name, receiver.street, receiver.postcode) == ("Anna Nowak", "Długa 5/3", "30-001")
    assert receiver.email == "a1b2c3+d4@allegromail.pl" and receiver.phone == "+48 600 200 300"
