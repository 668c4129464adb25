"""Shipments are paid at their quoted price when they are recorded: never without the money, never free,
never twice; a shipment the carrier refuses gives its money back once."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import EntryKind, LedgerEntry, PaymentMode, Shipment, ShipmentStatus
from desk.services import billing
from desk.services.shipping import bulk, dispatch
from tests.billing_helpers import fund
from tests.services.shipping import test_dispatch as shipping_fixtures
from tests.services.shipping.bulk_helpers import make_order, ports

# the shipping tests' fixtures: an account with a balance, the carrier ports, the fake InPost
account = shipping_fixtures.account
port_for = shipping_fixtures.port_for
inpost = shipping_fixtures.inpost
order = shipping_fixtures.order
CREATE = shipping_fixtures.CREATE

pytestmark = pytest.mark.usefixtures("inpost")


def entries(account_id: int) -> list[LedgerEntry]:
    return list(db.session.scalars(select(LedgerEntry).where(LedgerEntry.account_id == account_id)
                                   .order_by(LedgerEntry.seq)))


def shipments() -> int:
    return db.session.scalar(select(func.count(Shipment.id)))


def test_the_shipment_is_charged_its_quoted_gross_with_the_row(account, port_for):
    ordered = order(account)
    shipment = dispatch.order_shipment(port_for, ordered)
    charge = entries(account.id)[-1]
    gross = Decimal(ordered.quote["gross"])
    assert charge.kind is EntryKind.SHIPMENT_CHARGE and charge.amount == -gross
    assert charge.key == f"charge:shipment:{shipment.id}" and charge.shipment_id == shipment.id
    assert shipment.price_gross == gross
    assert billing.balance(account.id) == Decimal("1000.00") - gross == billing.ledger_sum(account.id)


def test_the_same_form_twice_is_one_shipment_charged_once(account, port_for):
    first = dispatch.order_shipment(port_for, order(account))
    again = dispatch.order_shipment(port_for, order(account))
    assert first.id == again.id
    kinds = [entry.kind for entry in entries(account.id)]
    assert kinds.count(EntryKind.SHIPMENT_CHARGE) == 1


def _drain(account_id: int, leave: str) -> None:
    """Take the balance down to `leave` zł."""
    change = Decimal(leave) - billing.balance(account_id)
    billing.post(billing.Posting(account_id, EntryKind.CORRECTION, change, key="drain"))
    db.session.commit()


def test_not_enough_balance_records_nothing_and_sends_nothing(account, port_for, inpost):
    _drain(account.id, "5.00")
    ordered = order(account)
    with pytest.raises(dispatch.NotPaid) as refused:
        dispatch.order_shipment(port_for, ordered)
    problem = refused.value.problems[0]
    gross = Decimal(ordered.quote["gross"])
    assert problem.field == "payment" and problem.code == "shortfall"
    assert problem.params == {"needed": str(gross), "available": "5.00", "missing": str(gross - 5)}
    assert shipments() == 0 and inpost.harness.count(CREATE) == 0
    assert billing.balance(account.id) == Decimal("5.00")


def test_an_account_on_invoice_ships_within_its_credit_limit_and_no_further(account, port_for):
    _drain(account.id, "0.00")
    found = billing.profile(account.id)
    found.payment_mode, found.credit_limit = PaymentMode.INVOICE, Decimal("30.00")
    db.session.commit()
    first = dispatch.order_shipment(port_for, order(account, key="k1"))
    assert billing.balance(account.id) == -first.price_gross
    with pytest.raises(dispatch.NotPaid) as refused:
        dispatch.order_shipment(port_for, order(account, key="k2"))
    assert refused.value.problems[0].code == "credit_shortfall"
    assert shipments() == 1


def test_a_shipment_without_a_quote_is_never_created_free(account, port_for, inpost):
    unpriced = dataclasses.replace(order(account), quote=None, price_gross=None)
    with pytest.raises(dispatch.NotPaid) as refused:
        dispatch.order_shipment(port_for, unpriced)
    assert refused.value.problems[0].code == "not_priced"
    assert shipments() == 0 and inpost.harness.count(CREATE) == 0
    assert [entry.kind for entry in entries(account.id)] == [EntryKind.TOPUP]


def test_a_shipment_the_carrier_refuses_is_refunded_once(account, port_for, inpost):
    inpost.harness.fail_next(
        CREATE, 400,
        body='{"status":400,"error":"validation_failed","message":"bad","details":{"receiver":[{"phone":["x"]}]}}',
    )
    shipment = dispatch.order_shipment(port_for, order(account))
    assert shipment.status is ShipmentStatus.FAILED
    dispatch.settle(shipment)  # reported again: the key keeps it one refund
    db.session.commit()
    kinds = [entry.kind for entry in entries(account.id)]
    assert kinds == [EntryKind.TOPUP, EntryKind.SHIPMENT_CHARGE, EntryKind.CANCEL_REFUND]
    assert billing.balance(account.id) == Decimal("1000.00")


def test_a_bulk_row_fails_with_the_shortfall_and_goes_after_a_top_up(app, account):
    port_for = ports(app)
    from desk.services.shipping import presets

    presets.add_preset(account.id, name="Karton", length_cm="30", width_cm="20", height_cm="8",
                       weight_kg="1", template="small")
    account.sender_name, account.sender_street, account.sender_city = "Anna", "Piotrkowska 12", "Łódź"
    account.sender_postcode, account.sender_phone = "90-001", "600100200"
    db.session.commit()
    _drain(account.id, "1.00")
    placed = make_order(account)
    batch = bulk.start([placed.id], None, port_for, key="b1")
    bulk.run_due(port_for)
    item = batch.items[0]
    assert item.status.value == "failed" and item.problems[0]["code"] == "shortfall"
    assert item.shipment_id is None and shipments() == 0
    fund(account.id, "100.00")
    bulk.retry_item(item.id, None, port_for, {})
    bulk.run_due(port_for)
    db.session.refresh(item)
    assert item.status.value == "sent" and shipments() == 1
    assert billing.balance(account.id) == Decimal("101.00") - item.shipment.price_gross
