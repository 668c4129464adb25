"""Two sends at once never queue or ship one order twice: the database keeps one live batch item per
order (two threads, on SQLite and PostgreSQL alike), the loser is told so in Polish, and the worker
sends no item whose order was shipped another way meanwhile."""

from __future__ import annotations

import dataclasses
import threading

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from desk.extensions import db
from desk.models import BatchItemStatus, SellerAccount, Shipment, ShipmentBatch, ShipmentBatchItem
from desk.services.errors import ValidationError
from desk.services.shipping import bulk, codec, dispatch
from desk.wiring.carriers import FAKE_CARRIERS
from tests.billing_helpers import quoted
from tests.services.shipping.bulk_helpers import CREATE, make_account, make_order, ports


@pytest.fixture
def account(app) -> SellerAccount:
    return make_account()


@pytest.fixture
def port_for(app):
    return ports(app)


@pytest.fixture
def inpost(app, port_for):
    return app.extensions[FAKE_CARRIERS]["inpost"].server.state


def _gated(port_for, barrier: threading.Barrier):
    """The carrier ports, but each thread's first use waits for the other thread's: both sends have
    checked which orders are busy (before any port is asked) when either goes on to record its batch."""
    seen = threading.local()

    def port(carrier: str, account_id: int):
        if not getattr(seen, "waited", False):
            seen.waited = True
            barrier.wait(timeout=30)
        return port_for(carrier, account_id)

    return port


def _in_thread(app, target, outcomes: list, errors: list) -> threading.Thread:
    def run() -> None:
        with app.app_context():
            try:
                outcomes.append(target())
            except ValidationError as refused:
                outcomes.append(refused)
            except BaseException as exc:  # noqa: BLE001  (reported by the test)
                errors.append(exc)
            finally:
                db.session.remove()

    return threading.Thread(target=run)


def test_two_sends_of_the_same_orders_at_once_queue_each_order_once(app, account, port_for, inpost):
    orders = [make_order(account) for _ in range(5)]
    ids = [order.id for order in orders]
    gate = _gated(port_for, threading.Barrier(2))
    outcomes: list = []
    errors: list = []
    threads = [
        _in_thread(app, lambda key=key: bulk.start(ids, None, gate, key=key).id, outcomes, errors)
        for key in ("tab-1", "tab-2")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    batches = [found for found in outcomes if isinstance(found, int)]
    (refused,) = [found for found in outcomes if isinstance(found, ValidationError)]
    assert len(batches) == 1 and refused.message == bulk.TAKEN_MEANWHILE
    with force_locale("pl"):
        assert gettext(refused.message).startswith("Inna wysyłka przejęła przed chwilą część tych zamówień")
    db.session.expire_all()
    assert db.session.scalar(select(func.count(ShipmentBatch.id))) == 1
    assert db.session.scalar(select(func.count(ShipmentBatchItem.id))) == 5
    assert bulk.run_due(port_for) == {"sent": 5, "failed": 0}
    assert inpost.harness.count(CREATE) == 5
    assert db.session.scalar(select(func.count(Shipment.id))) == 5


def test_the_database_refuses_a_second_live_item_for_an_order(account, port_for):
    order = make_order(account)
    batch = bulk.start([order.id], None, port_for, key="first")
    (item,) = batch.items
    twin = ShipmentBatchItem(
        batch_id=batch.id, order_id=order.id, account_id=account.id, carrier=item.carrier,
        service=item.service, request=item.request, idempotency_key="bulk-twin",
        status=BatchItemStatus.WAITING,
    )
    db.session.add(twin)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    twin_failed = ShipmentBatchItem(  # a failed row of the same order does not count
        batch_id=batch.id, order_id=order.id, account_id=account.id, carrier=item.carrier,
        service=item.service, request=item.request, idempotency_key="bulk-failed",
        status=BatchItemStatus.FAILED,
    )
    db.session.add(twin_failed)
    db.session.commit()


def test_two_workers_at_once_send_each_item_once(app, account, port_for, inpost):
    orders = [make_order(account) for _ in range(12)]
    bulk.start([order.id for order in orders], None, port_for, key="workers")
    barrier = threading.Barrier(2)
    outcomes: list = []
    errors: list = []

    def work() -> dict[str, int]:
        barrier.wait(timeout=30)
        return bulk.run_due(port_for, limit=12)

    threads = [_in_thread(app, work, outcomes, errors) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    assert sum(found["sent"] for found in outcomes) == 12
    assert inpost.harness.count(CREATE) == 12
    assert db.session.scalar(select(func.count(Shipment.id))) == 12


def test_an_item_whose_order_was_shipped_from_its_page_meanwhile_is_not_sent(account, port_for, inpost):
    order = make_order(account)
    batch = bulk.start([order.id], None, port_for, key="queued")
    (item,) = batch.items
    request = codec.decode(item.request)
    from_page = quoted(dispatch.ShipmentOrder(
        account_id=account.id, carrier="inpost", order_id=order.id,
        request=dataclasses.replace(request, idempotency_key="from-the-order-page"),
    ))
    dispatch.order_shipment(port_for, from_page)
    assert bulk.run_due(port_for) == {"sent": 0, "failed": 1}
    db.session.refresh(item)
    assert item.status is BatchItemStatus.FAILED and item.error == bulk.ALREADY_SHIPPED
    assert item.attempts == 0 and inpost.harness.count(CREATE) == 1


def test_a_retry_that_races_a_new_batch_of_its_order_is_refused(app, account, port_for, inpost):
    order = make_order(account)
    batch = bulk.start([order.id], None, port_for, key="old")
    inpost.harness.fail_next(CREATE, 422)
    bulk.run_due(port_for)
    (failed,) = batch.items
    assert failed.status is BatchItemStatus.FAILED
    outcomes: list = []
    errors: list = []

    def racing_port(carrier: str, account_id: int):
        # the retry has checked that the order is free; another tab queues it now
        if not outcomes:
            thread = _in_thread(app, lambda: bulk.start([order.id], None, port_for, key="new").id,
                                outcomes, errors)
            thread.start()
            thread.join(60)
        return port_for(carrier, account_id)

    with pytest.raises(ValidationError) as refused:
        bulk.retry_item(failed.id, None, racing_port, {"receiver_postcode": "31-000"})
    assert errors == [] and isinstance(outcomes[0], int)
    assert refused.value.message == bulk.IN_ANOTHER_BATCH
    db.session.expire_all()
    assert db.session.get(ShipmentBatchItem, failed.id).status is BatchItemStatus.FAILED
    assert bulk.run_due(port_for) == {"sent": 1, "failed": 0}
    assert inpost.harness.count(CREATE) == 2  # the refused one and the new batch's
