"""One bad record never stops an account: it is set aside with its raw JSON and error, the rest of
its page and the cursor go on, and every other step completes."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import Order, QuarantinedRecord
from desk.models.issue import Issue
from desk.models.rating import Rating
from desk.services.orders import sync as order_sync
from desk.services.shared.cursors import get_cursor
from desk.services.sync.runner import run_sync
from desk.wiring import get_allegro
from integrations.allegro.fake import bad_records
from tests.factories import connect_account

FORMS = "GET /order/checkout-forms"
FORM = "GET /order/checkout-forms/{id}"
EVENTS = "GET /order/events"
ISSUES = "GET /sale/issues"
CHAT = "GET /sale/issues/{issueId}/chat"
RATINGS = "GET /sale/user-ratings"


@pytest.fixture
def shop(app, fake_allegro):
    """An account with three orders, two discussions and two ratings waiting on Allegro."""
    account, seller = connect_account(fake_allegro)
    state = fake_allegro.state
    forms = [state.add_checkout_form(seller) for _ in range(3)]
    for form in forms[:2]:
        state.add_issue(seller, checkout_form_id=form["id"])
    state.add_rating(seller)
    state.add_rating(seller)
    return account, seller


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _open() -> list[QuarantinedRecord]:
    query = select(QuarantinedRecord).where(QuarantinedRecord.resolved_at.is_(None))
    query = query.order_by(QuarantinedRecord.id)
    return list(db.session.scalars(query.execution_options(populate_existing=True)))


def _sync(account):
    return run_sync(get_allegro(), account.id)


def _all_steps_ok(run) -> None:
    assert run.state == "ok", run.error
    assert {name: result["state"] for name, result in run.steps.items()} == {
        "orders": "ok", "issues": "ok", "messages": "ok", "ratings": "ok"
    }


@pytest.mark.parametrize(
    ("rewrite", "error"),
    [
        # unreadable: a required price is missing
        (bad_records.drop_field("summary", where="checkoutForms", index=0), "AllegroResponseError"),
        # readable, but the store's NOT NULL constraint refuses a line without its offer
        (bad_records.drop_field("lineItems.0.offer.id", where="checkoutForms", index=0), "IntegrityError"),
        # readable, but a line without a name cannot be stored either
        (bad_records.drop_field("lineItems.0.offer.name", where="checkoutForms", index=0), "TypeError"),
    ],
    ids=["parse-error", "constraint", "store-error"],
)
def test_a_bad_order_in_the_backfill_is_set_aside_and_the_rest_is_stored(fake_allegro, shop, rewrite, error):
    fake_allegro.state.tamper_next(FORMS, rewrite)

    run = _sync(shop[0])

    _all_steps_ok(run)
    (record,) = _open()
    stored = set(db.session.scalars(select(Order.allegro_id)))
    assert len(stored) == 2 and record.allegro_id not in stored
    assert (record.step, record.kind, record.account_id) == ("orders", "checkout_form", shop[0].id)
    assert record.error.startswith(error)
    assert json.loads(record.raw)["id"] == record.allegro_id
    assert get_cursor(shop[0].id, order_sync.BACKFILL_FEED) == order_sync.DONE
    assert (_count(Issue), _count(Rating)) == (2, 2)


def test_an_element_that_is_not_an_object_is_kept_whole(fake_allegro, shop):
    fake_allegro.state.tamper_next(FORMS, bad_records.append_raw("checkoutForms", "nie-obiekt"))

    _all_steps_ok(_sync(shop[0]))

    (record,) = _open()
    assert (record.raw, record.error, record.allegro_id) == ('"nie-obiekt"', "not a JSON object", None)
    assert record.record_key.startswith("sha256:")
    assert _count(Order) == 3


def test_the_same_order_twice_on_a_page_is_stored_once(fake_allegro, shop):
    fake_allegro.state.tamper_next(FORMS, bad_records.duplicate("checkoutForms", index=1))

    _all_steps_ok(_sync(shop[0]))

    assert _open() == [] and _count(Order) == 3


def test_a_form_that_is_another_order_than_asked_is_set_aside_and_the_events_go_on(fake_allegro, shop):
    account, seller = shop
    _all_steps_ok(_sync(account))
    new = fake_allegro.state.add_checkout_form(seller)
    fake_allegro.state.tamper_next(FORM, bad_records.set_field("id", "11111111-2222-3333-4444-555555555555"))
    cursor_before = get_cursor(account.id, order_sync.EVENTS_FEED)

    _all_steps_ok(_sync(account))

    (record,) = _open()
    assert (record.kind, record.allegro_id) == ("checkout_form", new["id"])
    assert "not the" in record.error and new["id"] in record.error
    assert get_cursor(account.id, order_sync.EVENTS_FEED) != cursor_before
    assert db.session.scalar(select(Order).where(Order.allegro_id == new["id"])) is None


def test_an_unreadable_event_moves_the_cursor_past_it(fake_allegro, shop):
    account, seller = shop
    _all_steps_ok(_sync(account))
    fake_allegro.state.add_checkout_form(seller)
    unreadable_time = bad_records.set_field("occurredAt", "wczoraj", where="events", index=-1)
    fake_allegro.state.tamper_next(EVENTS, unreadable_time)

    _all_steps_ok(_sync(account))

    (record,) = _open()
    assert record.kind == "order_event" and "occurredAt" in record.error
    assert get_cursor(account.id, order_sync.EVENTS_FEED) == record.allegro_id


def test_a_record_seen_again_keeps_one_row_and_is_resolved_once_it_can_be_stored(fake_allegro, shop):
    account = shop[0]
    fake_allegro.state.tamper_next(FORMS, bad_records.drop_field("summary", where="checkoutForms", index=0))
    _sync(account)
    (first,) = _open()
    # the sweep re-reads the same order, still bad: the same row, seen twice
    fake_allegro.state.tamper_next(FORMS, bad_records.drop_field("summary", where="checkoutForms", index=0))
    run_sync(get_allegro(), account.id, mode="full")
    (again,) = _open()
    assert (again.id, again.times_seen) == (first.id, 2)

    run_sync(get_allegro(), account.id, mode="full")  # Allegro sends it whole at last

    assert _open() == []
    row = db.session.get(QuarantinedRecord, first.id)
    assert row.resolution == "stored" and row.resolved_at is not None
    assert _count(Order) == 3


def test_an_unreadable_issue_is_set_aside_and_the_other_is_stored(fake_allegro, shop):
    fake_allegro.state.tamper_next(ISSUES, bad_records.drop_field("type", where="issues", index=0), times=2)

    _all_steps_ok(_sync(shop[0]))

    (record,) = _open()
    assert (record.step, record.kind) == ("issues", "issue") and "'type'" in record.error
    assert [issue.allegro_id for issue in db.session.scalars(select(Issue))] != [record.allegro_id]
    assert _count(Issue) == 1 and (_count(Order), _count(Rating)) == (3, 2)


def test_an_unreadable_chat_keeps_the_issue_and_is_read_again_next_time(fake_allegro, shop):
    account = shop[0]
    fake_allegro.state.tamper_next(CHAT, bad_records.drop_field("createdAt", where="chat", index=0))

    _all_steps_ok(_sync(account))

    (record,) = _open()
    assert (record.kind, record.step) == ("issue_chat", "issues")
    issue = db.session.scalar(select(Issue).where(Issue.allegro_id == record.allegro_id))
    assert issue is not None and issue.chat_key is None  # not read: the next sync reads it again

    _all_steps_ok(_sync(account))

    assert _open() == []
    assert db.session.scalar(select(Issue).where(Issue.allegro_id == record.allegro_id)).chat_key is not None


def test_an_unreadable_rating_is_set_aside_and_the_other_is_stored(fake_allegro, shop):
    not_a_boolean = bad_records.set_field("recommended", "tak", where="ratings", index=0)
    fake_allegro.state.tamper_next(RATINGS, not_a_boolean)

    _all_steps_ok(_sync(shop[0]))

    (record,) = _open()
    assert (record.step, record.kind) == ("ratings", "rating")
    assert _count(Rating) == 1 and (_count(Order), _count(Issue)) == (3, 2)
