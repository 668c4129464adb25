"""The canary test (issue 18, G3): a buyer's every personal field holds a unique string; after the
erasure none of them is anywhere in the database or the logs, the money and counts are unchanged, and
a sync from the fake Allegro (which still serves the buyer's data) does not bring any of them back."""

from __future__ import annotations

import logging
import os
import stat
from collections import Counter

import pytest
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import ErasedBuyer, ErasedOrder, Order, OrderLine, OutboxMessage, OutboxState, ShipmentCod
from desk.models.issue import Issue
from desk.models.rating import Rating, RatingDayStat
from desk.orm import utcnow
from desk.services.privacy import inventory
from desk.services.privacy.erasure import erase_buyer
from desk.services.privacy.pseudonyms import buyer_pseudonym, destroy_account_key
from desk.services.shared import pseudonym_keys
from desk.services.sync.runner import run_sync
from desk.wiring import get_allegro
from tests.factories import connect_account
from tests.services.privacy.canary import Canaries, canary_form, found_canaries, plant_everything, snapshot


@pytest.fixture
def buyer(app, fake_allegro, caplog):
    """A synced account whose buyer bought twice, opened a discussion and a thread, wrote before buying
    and rated the seller; every personal field of every table then planted with canaries."""
    caplog.set_level(logging.DEBUG)
    account, seller = connect_account(fake_allegro)
    canaries = Canaries()
    form = canary_form(fake_allegro, seller, canaries)
    second = fake_allegro.state.add_checkout_form(
        seller, buyer=fake_allegro.state.checkout_forms[form["id"]]["buyer"]
    )
    other = fake_allegro.state.add_checkout_form(seller)  # another buyer: must stay as it is
    fake_allegro.state.add_issue(seller, checkout_form_id=form["id"], text=canaries.new("chat"))
    fake_allegro.state.add_thread(seller, type="POST_PURCHASE_ISSUE", order_id=form["id"],
                                  sub_type="PRODUCT_ARRIVED_DAMAGED", text=canaries.new("thread"))
    fake_allegro.state.add_thread(seller, buyer_login=canaries.login, text=canaries.new("presale"))
    fake_allegro.state.add_rating(seller, recommended=False, checkout_form_id=form["id"],
                                  comment=canaries.new("comment"))
    run = run_sync(get_allegro(), account.id)
    assert run.state == "ok", run.error
    seeded = plant_everything(account.id, form["id"], canaries, utcnow())
    return {"account": account, "seller": seller, "canaries": canaries, "form": form, "second": second,
            "other": other, "seeded": seeded}


def _books(account_id: int) -> dict:
    """What the erasure must not change: money per day, lines, COD, ratings, repeat buyers."""
    day = func.date(Order.bought_at)
    sums = (
        func.count(), func.sum(Order.total_amount), func.sum(Order.paid_amount), func.sum(Order.delivery_cost)
    )
    query = select(day, *sums).where(Order.account_id == account_id).group_by(day).order_by(day)
    per_day = db.session.execute(query).all()
    lines = db.session.execute(select(func.count(), func.sum(OrderLine.price * OrderLine.quantity))).one()
    buyers = select(Order.buyer_allegro_id).where(Order.account_id == account_id)
    per_buyer = Counter(db.session.scalars(buyers))
    by_verdict = select(Rating.recommended, func.count()).group_by(Rating.recommended)
    ratings = db.session.execute(by_verdict.order_by(Rating.recommended)).all()
    day_sums = select(func.sum(RatingDayStat.total), func.sum(RatingDayStat.not_recommended))
    stats = db.session.execute(day_sums).one()
    return {
        "per_day": [tuple(row) for row in per_day],
        "lines": tuple(lines),
        "repeat_buyers": sorted(per_buyer.values()),
        "cod": db.session.scalar(select(func.sum(ShipmentCod.amount))),
        "ratings": [tuple(row) for row in ratings],
        "rating_stats": tuple(stats),
        "issues": db.session.scalar(select(func.count()).select_from(Issue)),
    }


def test_every_personal_column_of_every_buyer_table_is_planted(buyer):
    wanted = {(c.table.name, c.name) for c in inventory.personal_columns(subject=inventory.BUYER)}
    assert wanted - buyer["seeded"] == set(), "a personal column the canary test does not plant"
    assert found_canaries(buyer["canaries"].values), "the canaries are in the database before the erasure"


def test_erasure_leaves_no_canary_and_keeps_the_books(buyer, caplog, fake_allegro):
    account, canaries = buyer["account"], buyer["canaries"]
    before = _books(account.id)
    other = db.session.scalar(select(Order).where(Order.allegro_id == buyer["other"]["id"]))
    other_buyer = (other.buyer_allegro_id, other.buyer_login, other.buyer_last_name)

    result = erase_buyer(account_ids=[account.id], buyer_allegro_id=canaries.buyer_id, now=utcnow(),
                         reason="request")
    db.session.expire_all()

    assert found_canaries(canaries.values, caplog.text) == []
    assert _books(account.id) == before
    assert result.pseudonyms == (buyer_pseudonym(account.id, canaries.buyer_id),)
    assert result.counts["order"] == 2 and result.counts["outbox_cancelled"] == 1
    assert result.counts["shipment_label"] == 1
    other = db.session.scalar(select(Order).where(Order.allegro_id == buyer["other"]["id"]))
    assert (other.buyer_allegro_id, other.buyer_login, other.buyer_last_name) == other_buyer
    cancelled = db.session.scalar(select(OutboxMessage))
    assert (cancelled.state, cancelled.last_error_code) == (OutboxState.FAILED, "erased")
    assert db.session.scalar(select(func.count()).select_from(ErasedOrder)) == 2
    assert db.session.scalar(select(func.count()).select_from(ErasedBuyer)) == 2  # id and login

    # Allegro still serves everything with the buyer's data, and more of it arrives: nothing returns.
    state = fake_allegro.state
    state.update_checkout_form(buyer["form"]["id"], event_type="BUYER_MODIFIED")
    issue_id = next(iter(state.issues))
    state.add_buyer_message(issue_id, canaries.new("again"))
    for run_mode in ("incremental", "full"):
        run = run_sync(get_allegro(), account.id, mode=run_mode)
        assert run.state == "ok", run.error
        db.session.expire_all()
        assert found_canaries(canaries.values, caplog.text) == [], run_mode
    assert _books(account.id) == before


def test_a_second_erasure_changes_nothing_and_a_dry_run_writes_nothing(buyer):
    account, canaries = buyer["account"], buyer["canaries"]
    before = snapshot()
    dry = erase_buyer(account_ids=[account.id], buyer_allegro_id=canaries.buyer_id, now=utcnow(),
                      reason="request", dry_run=True)
    db.session.expire_all()
    assert dry.counts["order"] == 2 and dry.counts["erased_buyer"] == 2
    assert snapshot() == before

    first = erase_buyer(account_ids=[account.id], buyer_allegro_id=canaries.buyer_id, now=utcnow(),
                        reason="request")
    assert first.counts == dry.counts
    again = erase_buyer(account_ids=[account.id], buyer_allegro_id=canaries.buyer_id, now=utcnow(),
                        reason="request")
    assert again.counts == {}


def test_destroying_the_key_makes_new_pseudonyms_differ(buyer):
    account_id = buyer["account"].id
    before = buyer_pseudonym(account_id, "12345678")
    path = pseudonym_keys.current_store().directory / f"account-{account_id}.key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    destroy_account_key(account_id)
    assert not path.exists()
    after = buyer_pseudonym(account_id, "12345678")
    assert after != before and len(after) == 64
    assert buyer_pseudonym(account_id, "12345678") == after  # stable under the new key
