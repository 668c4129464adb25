"""The write kinds are declared in one place; a queued row of an unknown kind is never passed over."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from desk import jobs
from desk.extensions import db
from desk.models import Order, OutboxMessage, OutboxState
from desk.services import outbox, outbox_kinds
from desk.services.errors import ValidationError
from desk.services.issues import writes as issue_writes
from desk.services.orders import writes as order_writes
from desk.services.orders.actions import change_status
from desk.services.ratings import writes as rating_writes
from desk.services.sync.runner import run_sync
from desk.wiring import get_allegro
from tests.factories import connect_account

FULFILLMENT = "PUT /order/checkout-forms/{id}/fulfillment"


def _queued(account_id: int, kind: str) -> OutboxMessage:
    return outbox.enqueue(
        account_id=account_id, kind=kind, target_id="x", payload={}, idempotency_key=f"{kind}:x:1",
        agent_id=None,
    )


def test_every_area_kind_is_in_the_registry():
    areas = (order_writes.HANDLERS, issue_writes.HANDLERS, rating_writes.HANDLERS)
    assert set(outbox_kinds.HANDLERS) == {kind for table in areas for kind in table}
    assert len(outbox_kinds.HANDLERS) == sum(len(table) for table in areas)


def test_a_kind_declared_by_two_areas_is_refused():
    with pytest.raises(ValueError, match="fulfillment_status"):
        tracking = order_writes.HANDLERS["tracking_number"]
        outbox_kinds.merge(order_writes.HANDLERS, {"fulfillment_status": tracking})


def test_start_up_fails_loudly_on_a_queued_row_of_unknown_kind(app, fake_allegro):
    account, _seller = connect_account(fake_allegro)
    _queued(account.id, "parcel_label")  # e.g. a kind renamed since the row was written
    app.config["SCHEDULER_ENABLED"] = True
    with pytest.raises(outbox.UnknownWriteKind, match="parcel_label"):
        jobs.start_scheduler(app)
    assert not app.extensions[jobs.SCHEDULER].running


def test_start_up_passes_when_only_finished_rows_are_of_unknown_kind(app, fake_allegro):
    account, _seller = connect_account(fake_allegro)
    row = _queued(account.id, "parcel_label")
    row.state = OutboxState.SENT
    db.session.commit()
    outbox_kinds.check_queue()  # history of a retired kind does not block anything


def test_the_scheduler_job_raises_on_a_due_row_of_unknown_kind_and_leaves_it_untouched(app, fake_allegro):
    account, _seller = connect_account(fake_allegro)
    row = _queued(account.id, "parcel_label")
    with pytest.raises(outbox.UnknownWriteKind):
        outbox_kinds.deliver_due(get_allegro())
    db.session.refresh(row)
    assert (row.state, row.attempts) == (OutboxState.PENDING, 0)


def test_an_area_delivering_with_its_own_table_refuses_another_areas_row(app, fake_allegro):
    account, _seller = connect_account(fake_allegro)
    row = _queued(account.id, rating_writes.ANSWER)
    with pytest.raises(outbox.UnknownWriteKind, match=rating_writes.ANSWER):
        outbox.deliver(get_allegro(), row.id, order_writes.HANDLERS)


def test_a_form_key_replayed_on_another_order_starts_a_write_there(app, fake_allegro):
    account, seller = connect_account(fake_allegro)
    fake_allegro.state.add_checkout_form(seller)
    fake_allegro.state.add_checkout_form(seller)
    run_sync(get_allegro(), account.id)
    first, second = db.session.scalars(select(Order).order_by(Order.id)).all()
    for order in (first, second, first):
        change_status(
            get_allegro(), order_id=order.id, status="PROCESSING", agent_id=None, idempotency_key="k",
            account_ids=None,
        )
    assert fake_allegro.state.request_count(FULFILLMENT) == 2
    keys = db.session.scalars(select(OutboxMessage.idempotency_key).order_by(OutboxMessage.id)).all()
    prefix = f"fulfillment_status:{account.id}"
    assert keys == [f"{prefix}:{first.id}:k", f"{prefix}:{second.id}:k"]


def test_write_keys_have_one_shape_and_fit_the_column():
    key = outbox.write_key("issue_message", 3, 12, "x" * 500)
    assert key == "issue_message:3:12:" + "x" * outbox.FORM_KEY_MAX
    assert len(key) <= outbox.KEY_MAX
    with pytest.raises(ValidationError):
        outbox.write_key("issue_message", 3, 12, "  ")
