"""Exactly-once write-backs: fulfillment status and tracking numbers through the outbox."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import Order, OutboxMessage, OutboxState
from desk.services import outbox, outbox_kinds
from desk.services.errors import ValidationError
from desk.services.orders.actions import add_tracking, change_status
from desk.services.outbox_kinds import HANDLERS as ALL_KINDS
from desk.services.sync.runner import run_sync
from desk.wiring import get_allegro
from tests.factories import connect_account, make_agent

FULFILLMENT = "PUT /order/checkout-forms/{id}/fulfillment"
SHIPMENTS = "POST /order/checkout-forms/{id}/shipments"


def change_fulfillment_status(gateway, **kwargs) -> OutboxMessage:
    """The status write as an agent who sees every account sends it; its outbox row."""
    return change_status(gateway, account_ids=None, **kwargs).message


def add_tracking_number(gateway, *, carrier_name=None, **kwargs) -> OutboxMessage:
    return add_tracking(gateway, account_ids=None, carrier_name=carrier_name, **kwargs)


@pytest.fixture
def order(app, fake_allegro):
    account, seller = connect_account(fake_allegro)
    form = fake_allegro.state.add_checkout_form(seller)
    run_sync(get_allegro(), account.id)
    return db.session.scalar(select(Order).where(Order.allegro_id == form["id"]))


@pytest.fixture
def agent(app):
    return make_agent()


def _fulfillment(fake, form_id):
    return fake.state.checkout_forms[form_id]["fulfillment"]["status"]


def test_status_change_is_sent_and_the_order_refreshed(app, fake_allegro, order, agent):
    message = change_fulfillment_status(
        get_allegro(), order_id=order.id, status="PROCESSING", agent_id=agent.id, idempotency_key="k1"
    )
    assert message.state is OutboxState.SENT
    assert _fulfillment(fake_allegro, order.allegro_id) == "PROCESSING"
    db.session.refresh(order)
    assert order.fulfillment_status == "PROCESSING"
    change = order.changes[-1]
    assert (change.field, change.new_value, change.agent_id) == ("fulfillment_status", "PROCESSING", agent.id)
    sent = [r for r in fake_allegro.state.requests if r.route == FULFILLMENT]
    assert sent[0].query["checkoutForm.revision"] == [order.revision]


def test_double_submit_with_the_same_key_sends_once(app, fake_allegro, order, agent):
    for _ in range(3):
        change_fulfillment_status(
            get_allegro(), order_id=order.id, status="PROCESSING", agent_id=agent.id, idempotency_key="same"
        )
    assert fake_allegro.state.request_count(FULFILLMENT) == 1
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_tracking_number_whose_connection_drops_after_commit_is_not_sent_twice(
    app, fake_allegro, order, agent
):
    fake_allegro.state.drop_after_commit(SHIPMENTS)
    message = add_tracking_number(
        get_allegro(),
        order_id=order.id,
        carrier_id="INPOST",
        waybill="620000000000000000000001",
        agent_id=agent.id,
        idempotency_key="t1",
    )
    assert message.state is OutboxState.UNKNOWN
    assert len(fake_allegro.state.shipments[order.allegro_id]) == 1  # Allegro did apply it
    message = outbox.deliver(get_allegro(), message.id, ALL_KINDS)
    assert message.state is OutboxState.SENT
    assert fake_allegro.state.request_count(SHIPMENTS) == 1  # confirmed by reading, not resent
    assert len(fake_allegro.state.shipments[order.allegro_id]) == 1


def test_tracking_number_on_5xx_is_confirmed_before_any_retry(app, fake_allegro, order, agent):
    fake_allegro.state.fail_next(SHIPMENTS, 500)
    message = add_tracking_number(
        get_allegro(),
        order_id=order.id,
        carrier_id="DPD",
        waybill="0000123456789U",
        agent_id=agent.id,
        idempotency_key="t2",
    )
    assert message.state is OutboxState.UNKNOWN
    # not applied: the confirm finds nothing, so it sends
    message = outbox.deliver(get_allegro(), message.id, ALL_KINDS)
    assert message.state is OutboxState.SENT
    assert len(fake_allegro.state.shipments[order.allegro_id]) == 1


def test_stale_revision_fails_with_the_reason_and_keeps_the_write(app, fake_allegro, order, agent):
    fake_allegro.state.update_checkout_form(
        order.allegro_id, event_type="BUYER_MODIFIED", messageToSeller="x"
    )
    message = change_fulfillment_status(
        get_allegro(), order_id=order.id, status="SENT", agent_id=agent.id, idempotency_key="k2"
    )
    assert message.state is OutboxState.FAILED
    assert message.last_error
    assert message.payload["status"] == "SENT"  # the agent's intent is kept
    assert _fulfillment(fake_allegro, order.allegro_id) != "SENT"


def test_rate_limited_write_waits_and_is_sent_later(app, fake_allegro, order, agent):
    fake_allegro.state.fail_next(FULFILLMENT, 429, times=5, retry_after=0)
    message = change_fulfillment_status(
        get_allegro(), order_id=order.id, status="PROCESSING", agent_id=agent.id, idempotency_key="k3"
    )
    assert message.state is OutboxState.PENDING
    assert message.last_error_code
    message.next_attempt_at = None
    db.session.commit()
    fake_allegro.state.clear_faults()
    counts = outbox_kinds.deliver_due(get_allegro())
    assert counts == {"sent": 1}
    assert _fulfillment(fake_allegro, order.allegro_id) == "PROCESSING"


def test_message_left_sending_by_a_crash_is_confirmed_not_resent(app, fake_allegro, order, agent):
    import datetime as dt

    message = outbox.enqueue(
        account_id=order.account_id,
        kind="tracking_number",
        target_id=order.allegro_id,
        payload={"carrier_id": "INPOST", "waybill": "W1", "carrier_name": None, "order_id": order.id},
        idempotency_key="crash",
        agent_id=agent.id,
    )
    # Simulate: the process claimed it, Allegro applied it, and the process died before recording.
    get_allegro().client_for(order.account_id).add_shipment(
        order.allegro_id, carrier_id="INPOST", waybill="W1"
    )
    message.state = OutboxState.SENDING
    message.attempts = 1
    message.next_attempt_at = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    db.session.commit()
    assert outbox_kinds.deliver_due(get_allegro()) == {"sent": 1}
    assert len(fake_allegro.state.shipments[order.allegro_id]) == 1


def test_invalid_input_is_refused_before_anything_is_recorded(app, order, agent):
    with pytest.raises(ValidationError):
        change_fulfillment_status(
            get_allegro(), order_id=order.id, status="RETURNED", agent_id=agent.id, idempotency_key="bad"
        )
    with pytest.raises(ValidationError):
        add_tracking_number(
            get_allegro(),
            order_id=order.id,
            carrier_id="OTHER",
            waybill="X",
            agent_id=agent.id,
            idempotency_key="bad2",
        )
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_fulfillment_whose_connection_drops_after_commit_is_not_sent_twice(app, fake_allegro, order, agent):
    fake_allegro.state.drop_after_commit(FULFILLMENT)
    message = change_fulfillment_status(
        get_allegro(),
        order_id=order.id,
        status="READY_FOR_SHIPMENT",
        agent_id=agent.id,
        idempotency_key="drop",
    )
    assert message.state is OutboxState.UNKNOWN
    assert _fulfillment(fake_allegro, order.allegro_id) == "READY_FOR_SHIPMENT"
    message = outbox.deliver(get_allegro(), message.id, ALL_KINDS)
    assert message.state is OutboxState.SENT
    assert fake_allegro.state.request_count(FULFILLMENT) == 1  # confirmed by reading, never resent


def test_fulfillment_on_503_is_confirmed_then_sent_once(app, fake_allegro, order, agent):
    fake_allegro.state.fail_next(FULFILLMENT, 503)
    message = change_fulfillment_status(
        get_allegro(), order_id=order.id, status="PROCESSING", agent_id=agent.id, idempotency_key="503"
    )
    assert message.state is OutboxState.UNKNOWN
    assert outbox.deliver(get_allegro(), message.id, ALL_KINDS).state is OutboxState.SENT
    assert fake_allegro.state.request_count(FULFILLMENT) == 2  # the failed try and one real send
    assert _fulfillment(fake_allegro, order.allegro_id) == "PROCESSING"
