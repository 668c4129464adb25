"""The orders list narrowed by the state of the orders' parcels (read from the shipment table: the orders
area never imports the shipping area), keeping keyset paging and the caller's accounts."""

from __future__ import annotations

import pytest

from desk.extensions import db
from desk.models import SellerAccount, ShipmentStatus
from desk.services.orders import listing
from desk.services.orders.listing import OrderFilters
from tests.services.shipping.parcel_rows import event, make_order, make_shipment, warsaw

AT = warsaw(2026, 11, 20, 9)


@pytest.fixture
def shop(app):
    account = SellerAccount(name="Sklep A")
    db.session.add(account)
    db.session.commit()
    return account


@pytest.fixture
def orders(shop):
    """One order per parcel state, and orders with no parcel, a failed one, or one of two parcels moving."""
    made = {}
    for name, code, state in (
        ("moving", "in_transit", "in_transit"), ("pickup", "ready_to_pickup", "ready_for_pickup"),
        ("delivered", "delivered", "delivered"), ("problem", "undelivered", "problem"),
        ("returned", "returned", "returned"),
    ):
        made[name] = make_order(shop)
        make_shipment(shop, order=made[name], events=[event(code, AT, state)])
    made["waiting"] = make_order(shop)
    make_shipment(shop, order=made["waiting"])  # labelled, no event yet
    made["bare"] = make_order(shop)
    made["failed"] = make_order(shop)
    make_shipment(shop, order=made["failed"], status=ShipmentStatus.FAILED, waybills=[])
    made["two"] = make_order(shop)
    make_shipment(shop, order=made["two"], events=[event("delivered", AT, "delivered")])
    make_shipment(shop, order=made["two"], events=[event("in_transit", AT, "in_transit")])
    return made


def ids(parcel: str, account_ids=None, **more) -> set[int]:
    page = listing.list_orders(filters=OrderFilters(parcel=parcel, **more), account_ids=account_ids)
    return {row.order.id for row in page.rows}


def test_each_parcel_state_selects_its_orders(orders):
    assert ids("moving") == {orders["moving"].id, orders["two"].id}
    assert ids("pickup") == {orders["pickup"].id}
    assert ids("delivered") == {orders["delivered"].id, orders["two"].id}
    assert ids("problem") == {orders["problem"].id, orders["returned"].id}
    assert ids("waiting") == {orders["waiting"].id}
    # no parcel: none ordered, or the only one refused by the carrier
    assert ids("none") == {orders["bare"].id, orders["failed"].id}
    assert len(ids(None)) == len(orders)


def test_the_parcel_filter_keeps_keyset_pages_and_accounts(orders, shop):
    first = listing.list_orders(filters=OrderFilters(parcel="problem"), account_ids=None, limit=1)
    second = listing.list_orders(filters=OrderFilters(parcel="problem"), account_ids=None, limit=1,
                                 after=first.next_cursor)
    assert {first.rows[0].order.id, second.rows[0].order.id} == {orders["problem"].id, orders["returned"].id}
    assert second.next_cursor is None
    assert ids("problem", account_ids={shop.id + 1}) == set()
    assert ids("problem", account_ids={shop.id}, sort="total_desc") == ids("problem")
