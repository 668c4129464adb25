"""Labelled shipments for the close-out tests: ordered through the real dispatch on the in-process fakes."""

from __future__ import annotations

import itertools

from desk.extensions import db
from desk.models import Order, OrderLine, SellerAccount, ShipmentStatus
from desk.services import billing
from desk.services.shipping import dispatch
from desk.services.shipping.dispatch import ShipmentOrder
from desk.wiring.carriers import FAKE_CARRIERS, get_carriers
from tests.billing_helpers import fund, quoted
from tests.integrations.carriers.helpers import request

_keys = itertools.count(1)
DISPATCH = "POST /v1/organizations/{org_id}/dispatch_orders"
LABEL = "GET /v1/shipments/{shipment_id}/label"


def port_for_app(app):
    gateway = get_carriers(app)
    return lambda carrier, account_id: gateway.port(carrier, account_id=account_id)


def inpost_state(app):
    """The fake ShipX of the app, confirming a shipment on its first read."""
    port_for_app(app)("inpost", 0)  # starts the fakes
    state = app.extensions[FAKE_CARRIERS]["inpost"].server.state
    state.seconds_per_step = None
    state.gets_per_step = 1
    return state


def make_account(name: str = "Sklep wysyłkowy", *, sender: bool = True) -> SellerAccount:
    account = SellerAccount(name=name)
    if sender:
        account.sender_name, account.sender_street = "Sklep Ania", "Piotrkowska 12"
        account.sender_city, account.sender_postcode = "Łódź", "90-001"
        account.sender_phone, account.sender_email = "600100200", "sklep@example.pl"
    db.session.add(account)
    db.session.commit()
    return account


def make_order(account: SellerAccount, number: str, lines: list[tuple[str, str, int]]) -> Order:
    order = Order(
        account_id=account.id,
        allegro_id=number,
        status="READY_FOR_PROCESSING",
        total_amount=100,
        buyer_first_name="Zofia",
        buyer_last_name="Żółkiewska",
        buyer_login="zosia_kupuje",
    )
    for index, (name, sku, quantity) in enumerate(lines):
        order.lines.append(
            OrderLine(
                allegro_id=f"{number}-{index}",
                offer_id=f"offer-{index}",
                offer_name=name,
                external_id=sku,
                quantity=quantity,
                price=10,
            )
        )
    db.session.add(order)
    db.session.commit()
    return order


def labelled(
    app,
    account: SellerAccount,
    *,
    dropoff: str = "",
    order: Order | None = None,
    confirm: bool = True,
    carrier: str = "inpost",
    service: str = "inpost_courier_standard",
):
    """A courier shipment of the account (InPost unless told), confirmed by the fake (waybill assigned)."""
    port_for = port_for_app(app)
    key = f"closeout-{next(_keys)}"
    changes = {"service": service, "idempotency_key": key, "dropoff_point": dropoff}
    if billing.balance(account.id) < 100:
        fund(account.id)
    shipment = dispatch.order_shipment(
        port_for,
        quoted(
            ShipmentOrder(
                account_id=account.id,
                carrier=carrier,
                request=request(**changes),
                order_id=order.id if order else None,
            )
        ),
    )
    for _ in range(3 if confirm else 0):
        if shipment.status is ShipmentStatus.CONFIRMED:
            break
        dispatch.check(port_for, shipment)
    if confirm:
        assert shipment.status is ShipmentStatus.CONFIRMED, shipment.last_error
    return shipment
