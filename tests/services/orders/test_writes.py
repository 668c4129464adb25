"""Order services that talk to the fake Allegro: re-reads, carriers, conflicts and bulk status changes."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from desk.extensions import db
from desk.models import Order, OutboxState
from desk.services.errors import DeskError, NotFoundError, ValidationError
from desk.services.orders import actions as order_actions
from desk.services.orders.cache import TtlCache
from desk.services.sync.runner import run_sync
from desk.wiring import get_allegro, get_caches
from tests.factories import connect_account, make_agent

FULFILLMENT = "PUT /order/checkout-forms/{id}/fulfillment"
CARRIERS = "GET /order/carriers"
FORM = "GET /order/checkout-forms/{id}"


@pytest.fixture
def shop(app, fake_allegro):
    return connect_account(fake_allegro, name="Sklep A")


def add_order(fake, shop, **overrides) -> Order:
    account, seller = shop
    form = fake.state.add_checkout_form(seller, **overrides)
    run_sync(get_allegro(), account.id)
    return db.session.scalar(select(Order).where(Order.allegro_id == form["id"]))


def test_refresh_reads_the_form_again_and_records_the_change(app, fake_allegro, shop):
    order = add_order(fake_allegro, shop)
    changed = fake_allegro.state.update_checkout_form(
        order.allegro_id, event_type=None, status="CANCELLED", messageToSeller="Rezygnuję"
    )
    order_actions.refresh_order(get_allegro(), order.id)
    assert (order.revision, order.status) == (changed["revision"], "CANCELLED")
    assert order.message_to_seller == "Rezygnuję"
    assert [(c.source, c.field, c.new_value) for c in order.changes] == [("refresh", "status", "CANCELLED")]
    with pytest.raises(NotFoundError):
        order_actions.refresh_order(get_allegro(), order.id, {order.account_id + 1})


def test_refresh_when_allegro_fails_is_a_desk_error(app, fake_allegro, shop):
    order = add_order(fake_allegro, shop)
    fake_allegro.state.fail_next(FORM, 503, times=10)
    with pytest.raises(DeskError):
        order_actions.refresh_order(get_allegro(), order.id)


def test_carriers_are_read_once_an_hour(app, fake_allegro, shop):
    account, _ = shop
    clock = [0.0]
    cache = TtlCache(3600, clock=lambda: clock[0])
    first = order_actions.list_carriers(get_allegro(), account.id, cache)
    clock[0] = 3599
    again = order_actions.list_carriers(get_allegro(), account.id, cache)
    assert ("INPOST", "InPost") in [(c.id, c.name) for c in first]
    assert again == first
    assert fake_allegro.state.request_count(CARRIERS) == 1
    clock[0] = 3600  # an hour later
    order_actions.list_carriers(get_allegro(), account.id, cache)
    assert fake_allegro.state.request_count(CARRIERS) == 2


def test_unreachable_carriers_are_not_cached(app, fake_allegro, shop):
    account, _ = shop
    fake_allegro.state.fail_next(CARRIERS, 503, times=10)
    cache = get_caches().carriers
    assert order_actions.list_carriers(get_allegro(), account.id, cache) == []
    fake_allegro.state.clear_faults()
    assert order_actions.list_carriers(get_allegro(), account.id, cache) != []


def test_conflict_is_reported_and_the_order_reread(app, fake_allegro, shop):
    order = add_order(fake_allegro, shop)
    changed = fake_allegro.state.update_checkout_form(order.allegro_id, event_type=None)
    result = order_actions.change_status(
        get_allegro(), order_id=order.id, status="SENT", agent_id=None, idempotency_key="c1", account_ids=None
    )
    assert result.conflict and result.message.state is OutboxState.FAILED
    assert order.revision == changed["revision"]
    again = order_actions.change_status(
        get_allegro(), order_id=order.id, status="SENT", agent_id=None, idempotency_key="c2", account_ids=None
    )
    assert not again.conflict and again.message.state is OutboxState.SENT


def test_writes_to_invisible_orders_are_refused_before_anything_is_recorded(app, fake_allegro, shop):
    order = add_order(fake_allegro, shop)
    hidden = {order.account_id + 1}
    with pytest.raises(NotFoundError):
        order_actions.change_status(get_allegro(), order_id=order.id, status="SENT", agent_id=None,
                             idempotency_key="x", account_ids=hidden)
    with pytest.raises(NotFoundError):
        order_actions.add_tracking(get_allegro(), order_id=order.id, carrier_id="DPD", waybill="1",
                            carrier_name=None, agent_id=None, idempotency_key="y", account_ids=hidden)
    assert fake_allegro.state.request_count(FULFILLMENT) == 0


def test_bulk_change_sends_each_order_once_and_reports_every_outcome(app, fake_allegro, shop):
    agent = make_agent()
    ready = [add_order(fake_allegro, shop) for _ in range(3)]
    cancelled = add_order(fake_allegro, shop, events=("BOUGHT", "FILLED_IN", "BUYER_CANCELLED"))
    other = add_order(fake_allegro, connect_account(fake_allegro, name="Sklep B"))
    fake_allegro.state.fail_next(FULFILLMENT, 422)  # the first one is refused by Allegro
    chosen = [o.id for o in ready] + [cancelled.id, other.id]
    batch = str(uuid.uuid4())
    result = order_actions.bulk_change_status(
        get_allegro(), order_ids=chosen, status="PROCESSING", batch_id=batch, agent_id=agent.id,
        account_ids={shop[0].id},
    )
    outcomes = {item.order_id: (item.skip, item.outcome) for item in result.items}
    assert outcomes == {
        ready[0].id: (None, OutboxState.FAILED),
        ready[1].id: (None, OutboxState.SENT),
        ready[2].id: (None, OutboxState.SENT),
        cancelled.id: (order_actions.SKIP_CANCELLED, None),
        other.id: (order_actions.SKIP_HIDDEN, None),
    }
    assert [item.before for item in result.items[:3]] == ["NEW"] * 3
    states = [fake_allegro.state.checkout_forms[o.allegro_id]["fulfillment"]["status"] for o in ready]
    assert states == ["NEW", "PROCESSING", "PROCESSING"]
    sent = fake_allegro.state.request_count(FULFILLMENT)
    order_actions.bulk_change_status(get_allegro(), order_ids=chosen, status="PROCESSING", batch_id=batch,
                              agent_id=agent.id, account_ids={shop[0].id})
    assert fake_allegro.state.request_count(FULFILLMENT) == sent == 3
    with pytest.raises(ValidationError):
        order_actions.bulk_change_status(
            get_allegro(), order_ids=chosen, status="PROCESSING", batch_id="nope",
            agent_id=agent.id, account_ids=None,
        )
