"""Nadaj zaznaczone: a dry-run preview per order, then a batch the worker sends item by item, each
exactly once (the carriers' fakes run in-process over loopback; no mocks)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import (
    BatchItemStatus,
    BatchState,
    Order,
    SellerAccount,
    Shipment,
    ShipmentBatchItem,
    ShipmentStatus,
)
from desk.orm import utcnow
from desk.services.errors import NotFoundError, ValidationError
from desk.services.shipping import bulk, codec
from desk.services.shipping.dispatch import ShipmentRefused
from desk.wiring.carriers import FAKE_CARRIERS
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


def test_the_preview_names_every_problem_and_sends_nothing(account, port_for, inpost):
    good = make_order(account)
    wrong = bad_postcode(account)
    pickup = make_order(account, delivery_method_name="Odbiór osobisty")
    rows = {row.order.id: row for row in bulk.preview([good.id, wrong.id, pickup.id], None, port_for)}
    assert rows[good.id].ok and (rows[good.id].carrier, rows[good.id].service) == (
        "inpost",
        "inpost_courier_standard",
    )
    assert rows[good.id].quote.priced and rows[good.id].quote.gross > 0
    assert rows[good.id].preset.name == "Karton" and rows[good.id].request.sender.name == "Anna Sprzedawczyni"
    assert [p.carrier.field for p in rows[wrong.id].problems if p.carrier] == ["receiver.postcode"]
    assert not rows[pickup.id].ok and rows[pickup.id].request is None
    assert "No carrier fits" in rows[pickup.id].problems[0].message
    assert inpost.harness.count(CREATE) == 0 and db.session.scalar(select(func.count(Shipment.id))) == 0


def test_a_batch_sends_each_item_once(account, port_for, inpost):
    orders = [make_order(account) for _ in range(3)]
    wrong = bad_postcode(account)
    batch = bulk.start([o.id for o in orders] + [wrong.id], None, port_for, key="k1", agent_id=None)
    assert batch.total == 4 and batch.state is BatchState.QUEUED
    (to_fix,) = [item for item in batch.items if item.order_id == wrong.id]  # joins as a row to correct
    assert to_fix.status is BatchItemStatus.FAILED and to_fix.next_try_at is None and to_fix.attempts == 0
    assert [p["field"] for p in to_fix.problems] == ["receiver.postcode"] and batch.failed_count == 1
    assert bulk.start([o.id for o in orders], None, port_for, key="k1").id == batch.id  # posted twice
    assert bulk.run_due(port_for) == {"sent": 3, "failed": 0}
    assert bulk.run_due(port_for) == {"sent": 0, "failed": 0}  # nothing is taken twice
    assert inpost.harness.count(CREATE) == 3 and db.session.scalar(select(func.count(Shipment.id))) == 3
    db.session.refresh(batch)
    assert batch.state is BatchState.DONE and (batch.sent_count, batch.failed_count) == (3, 1)
    sent = [item for item in batch.items if item.status is BatchItemStatus.SENT]
    assert len(sent) == 3 and all(item.shipment.idempotency_key == item.idempotency_key for item in sent)
    # the same orders again: they already have a shipment
    rows = bulk.preview([o.id for o in orders], None, port_for)
    assert all(not row.ok for row in rows)


def test_an_order_already_in_a_batch_is_not_queued_again(account, port_for, inpost):
    order = make_order(account)
    bulk.start([order.id], None, port_for, key="first")
    with pytest.raises(ValidationError):
        bulk.start([order.id], None, port_for, key="second")  # another tab, another key
    bulk.run_due(port_for)
    assert inpost.harness.count(CREATE) == 1


def test_cash_on_delivery_is_paid_where_the_account_had_it_paid_last(account, port_for, inpost):
    first = make_order(
        account, payment_type="CASH_ON_DELIVERY", delivery_method_name="Allegro Kurier InPost pobranie"
    )
    (row,) = bulk.preview([first.id], None, port_for)
    assert row.cod_amount == Decimal("89.90")
    assert [p.carrier.field for p in row.problems if p.carrier] == ["cod.iban"]  # no bank account known yet
    db.session.add(
        Shipment(
            account_id=account.id,
            carrier="inpost",
            service="inpost_courier_standard",
            idempotency_key="earlier",
            cod_amount=Decimal("10.00"),
            request={
                **codec.encode(row.request),
                "cod": {
                    "amount": "10.00",
                    "sink": "bank_account",
                    "iban": "PL61109010140000071219812874",
                    "currency": "PLN",
                },
            },
        )
    )
    db.session.commit()
    (row,) = bulk.preview([first.id], None, port_for)
    assert row.ok and row.request.cod.iban == "PL61109010140000071219812874"


def test_a_second_worker_does_not_take_items_another_one_holds(account, port_for, inpost):
    order = make_order(account)
    bulk.start([order.id], None, port_for, key="two")
    (held,) = bulk.claim_due(utcnow())  # worker A took it and is busy elsewhere
    assert bulk.run_due(port_for) == {"sent": 0, "failed": 0}  # worker B finds nothing to do
    bulk.send_item(port_for, held)
    assert held.status is BatchItemStatus.SENT and inpost.harness.count(CREATE) == 1


def test_a_failed_row_is_not_retried_once_its_order_was_sent_another_way(account, port_for, inpost):
    order = make_order(account)
    batch = bulk.start([order.id], None, port_for, key="first")
    inpost.harness.fail_next(CREATE, 422)
    bulk.run_due(port_for)
    bulk.start([order.id], None, port_for, key="second")  # a failed row does not hold its order back
    bulk.run_due(port_for)
    with pytest.raises(ValidationError):
        bulk.retry_item(batch.items[0].id, None, port_for, {})
    assert (
        db.session.scalar(select(func.count(Shipment.id)).where(Shipment.status != ShipmentStatus.FAILED))
        == 1
    )


def test_an_item_taken_over_after_a_crash_is_not_ordered_again(account, port_for, inpost):
    order = make_order(account)
    batch = bulk.start([order.id], None, port_for, key="k2")
    bulk.run_due(port_for)
    item = batch.items[0]
    # as if the worker died after ordering but before recording the outcome, and the hold ran out
    item.status = BatchItemStatus.SENDING
    item.next_try_at = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    db.session.commit()
    assert bulk.run_due(port_for) == {"sent": 1, "failed": 0}
    assert inpost.harness.count(CREATE) == 1 and db.session.scalar(select(func.count(Shipment.id))) == 1


def test_a_failed_row_is_fixed_and_retried_alone(account, port_for, inpost):
    first, second = make_order(account), make_order(account)
    batch = bulk.start([first.id, second.id], None, port_for, key="k3")
    inpost.harness.fail_next(CREATE, 422)  # the carrier refuses the first one it gets
    assert bulk.run_due(port_for) == {"sent": 1, "failed": 1}
    failed = next(item for item in batch.items if item.status is BatchItemStatus.FAILED)
    assert failed.error
    old_key = failed.idempotency_key
    with pytest.raises(ShipmentRefused):
        bulk.retry_item(failed.id, None, port_for, {"receiver_postcode": "30001"})
    assert failed.status is BatchItemStatus.FAILED
    bulk.retry_item(failed.id, None, port_for, {"receiver_postcode": "31-000", "receiver_street": "Nowa 2"})
    assert failed.status is BatchItemStatus.WAITING and failed.idempotency_key != old_key
    assert bulk.run_due(port_for) == {"sent": 1, "failed": 0}
    assert failed.shipment.request["receiver"]["postcode"] == "31-000"
    assert inpost.harness.count(CREATE) == 3  # the refused one, the other row, the retried one
    assert (
        db.session.scalar(select(func.count(Shipment.id)).where(Shipment.status != ShipmentStatus.FAILED))
        == 2
    )
    db.session.refresh(batch)
    assert batch.state is BatchState.DONE and (batch.sent_count, batch.failed_count) == (2, 0)


def test_other_accounts_are_out_of_reach(account, port_for, inpost):
    other = SellerAccount(name="Cudzy")
    db.session.add(other)
    db.session.commit()
    order = make_order(account)
    assert bulk.preview([order.id], {other.id}, port_for) == []
    batch = bulk.start([order.id], None, port_for, key="k4")
    with pytest.raises(NotFoundError):
        bulk.batch_of(batch.id, {other.id})
    with pytest.raises(NotFoundError):
        bulk.retry_item(batch.items[0].id, {other.id}, port_for, {})


def test_three_hundred_orders_go_through_the_worker(account, port_for, inpost):
    orders = [
        Order(
            account_id=account.id,
            allegro_id=f"bulk-{index:04d}",
            status="READY_FOR_PROCESSING",
            total_amount=Decimal("50.00"),
            payment_type="ONLINE",
            delivery_method_name="Allegro Kurier InPost",
            delivery_address={
                "first_name": "Jan",
                "last_name": f"Kowalski {index}",
                "street": "Długa 5",
                "city": "Kraków",
                "zip_code": "30-001",
                "phone_number": "600200300",
            },
        )
        for index in range(300)
    ]
    db.session.add_all(orders)
    db.session.commit()
    rows = bulk.preview([o.id for o in orders], None, port_for)  # what the preview page computes
    assert len(rows) == 300 and all(row.ok for row in rows)
    batch = bulk.start([o.id for o in orders], None, port_for, key="k300")
    assert batch.total == 300
    rounds = 0
    while bulk.run_due(port_for, limit=50)["sent"]:
        rounds += 1
    # speed is measured by benchmarks/shipping_bench.py, not here: here every parcel goes exactly once
    assert rounds == 6
    assert db.session.scalar(select(func.count(Shipment.id))) == 300 and inpost.harness.count(CREATE) == 300
    assert (
        db.session.scalar(
            select(func.count(ShipmentBatchItem.id)).where(ShipmentBatchItem.status == BatchItemStatus.SENT)
        )
        == 300
    )
