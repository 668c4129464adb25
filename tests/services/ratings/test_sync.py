"""Rating sync: incremental by lastChangedAt, windows under the 20 000 offset limit, resume, removals."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import Order
from desk.models.rating import Rating, RatingDayStat, RemovalOutcome
from desk.orm import utcnow
from desk.services.ratings.sync import (
    SWEEP_FEED,
    WATERMARK_FEED,
    WINDOW_FEED,
    RatingSyncSettings,
    sync_ratings,
)
from desk.services.shared.cursors import get_cursor
from desk.services.sync.runner import run_sync
from desk.wiring import get_allegro
from integrations.allegro import AllegroError
from tests.factories import connect_account

LIST = "GET /sale/user-ratings"
GET = "GET /sale/user-ratings/{ratingId}"


@pytest.fixture
def seller(app, fake_allegro):
    account, seller_id = connect_account(fake_allegro)
    return account, seller_id


def _sync(account, now=None, **settings):
    client = get_allegro().client_for(account.id)
    return sync_ratings(client, account.id, now=now or utcnow(), settings=RatingSyncSettings(**settings))


def _rating(allegro_id: str) -> Rating:
    return db.session.scalar(select(Rating).where(Rating.allegro_id == allegro_id))


def test_first_sync_stores_every_field_and_links_the_order(app, fake_allegro, seller):
    account, seller_id = seller
    form = fake_allegro.state.add_checkout_form(seller_id)
    run_sync(get_allegro(), account.id)
    old = fake_allegro.state.add_rating(
        seller_id, checkout_form_id=form["id"], comment="Szybko i sprawnie",
        rates={"delivery": 5, "deliveryCost": 4, "description": 5, "service": 3},
        created_at=utcnow() - dt.timedelta(days=3),
    )
    bad = fake_allegro.state.add_rating(seller_id, recommended=False, comment="Paczka <b>zgnieciona</b>")

    stats = _sync(account)

    assert (stats.created, stats.new_negatives) == (2, 1)
    row = _rating(old["id"])
    order = db.session.scalar(select(Order).where(Order.allegro_id == form["id"]))
    assert row.order_id == order.id and row.checkout_form_id == form["id"]
    assert row.recommended is True and row.comment == "Szybko i sprawnie"
    assert row.rates == {"delivery": 5, "delivery_cost": 4, "description": 5, "service": 3}
    assert row.buyer_login == form["buyer"]["login"]
    assert row.offers and row.offers[0]["title"]
    negative = _rating(bad["id"])
    assert negative.is_new_negative and negative.removal_possible_to is not None
    assert negative.comment == "Paczka <b>zgnieciona</b>"
    newest = dt.datetime.fromisoformat(bad["lastChangedAt"].replace("Z", "+00:00"))
    assert dt.datetime.fromisoformat(get_cursor(account.id, WATERMARK_FEED)) == newest
    assert get_cursor(account.id, WINDOW_FEED) == ""
    days = db.session.scalars(select(RatingDayStat).where(RatingDayStat.account_id == account.id)).all()
    assert sum(d.total for d in days) == 2 and sum(d.unanswered_negative for d in days) == 1
    assert sum(d.rate_service_sum for d in days) == 3


def test_next_sync_asks_only_for_changes_since_the_watermark_minus_the_overlap(app, fake_allegro, seller):
    account, seller_id = seller
    first = fake_allegro.state.add_rating(seller_id)
    _sync(account)
    watermark = dt.datetime.fromisoformat(get_cursor(account.id, WATERMARK_FEED))
    assert watermark == dt.datetime.fromisoformat(first["lastChangedAt"].replace("Z", "+00:00"))

    stats = _sync(account)

    sent = fake_allegro.state.requests_for(LIST)[-1]
    gte = dt.datetime.fromisoformat(sent.query["lastChangedAt.gte"][0].replace("Z", "+00:00"))
    assert gte == watermark - RatingSyncSettings().overlap
    assert (stats.created, stats.updated, stats.unchanged) == (0, 0, 1)


def test_a_rating_edited_to_negative_joins_the_alert_queue(app, fake_allegro, seller):
    account, seller_id = seller
    rating = fake_allegro.state.add_rating(seller_id, created_at=utcnow() - dt.timedelta(days=40))
    _sync(account)
    assert not _rating(rating["id"]).is_new_negative

    fake_allegro.state.edit_rating(rating["id"], recommended=False, comment="Jednak nie")
    stats = _sync(account)

    row = _rating(rating["id"])
    assert stats.new_negatives == 1 and stats.updated == 1
    assert row.is_new_negative and not row.recommended and row.comment == "Jednak nie"
    assert row.edited_at is not None


def test_first_sync_does_not_flood_the_queue_with_old_negatives(app, fake_allegro, seller):
    account, seller_id = seller
    long_ago = utcnow() - dt.timedelta(days=90)
    old = fake_allegro.state.add_rating(seller_id, recommended=False, created_at=long_ago)
    _sync(account)
    assert not _rating(old["id"]).is_new_negative
    new = fake_allegro.state.add_rating(seller_id, recommended=False, created_at=long_ago)
    _sync(account)
    assert _rating(new["id"]).is_new_negative  # seen for the first time after the first sync


def test_long_histories_narrow_the_window_instead_of_passing_the_offset_limit(app, fake_allegro, seller):
    account, seller_id = seller
    start = utcnow() - dt.timedelta(days=20)
    ids = [
        fake_allegro.state.add_rating(seller_id, created_at=start + dt.timedelta(hours=n))["id"]
        for n in range(11)
    ]
    stats = _sync(account, page_size=2, max_offset=4)

    assert stats.created == 11
    assert db.session.scalar(select(func.count()).select_from(Rating)) == 11
    sent = fake_allegro.state.requests_for(LIST)
    assert max(int(r.query["offset"][0]) for r in sent) <= 4
    assert any("lastChangedAt.lte" in r.query for r in sent)
    assert {r.allegro_id for r in db.session.scalars(select(Rating))} == set(ids)


def test_a_sync_killed_mid_pass_resumes_where_it_stopped(app, fake_allegro, seller):
    account, seller_id = seller
    start = utcnow() - dt.timedelta(days=5)
    for n in range(7):
        fake_allegro.state.add_rating(seller_id, created_at=start + dt.timedelta(hours=n))
    client = get_allegro().client_for(account.id)
    settings = RatingSyncSettings(page_size=2, max_offset=4)
    calls = {"n": 0}

    def on_page():  # the third page is refused, after two pages were committed
        calls["n"] += 1
        if calls["n"] == 2:
            fake_allegro.state.fail_next(LIST, 403)

    with pytest.raises(AllegroError):
        sync_ratings(client, account.id, now=utcnow(), settings=RatingSyncSettings(
            page_size=2, max_offset=4, on_page=on_page))
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Rating)) == 4  # two pages committed
    window = get_cursor(account.id, WINDOW_FEED)
    assert window and window.endswith("|4")

    stats = sync_ratings(client, account.id, now=utcnow(), settings=settings)

    assert db.session.scalar(select(func.count()).select_from(Rating)) == 7
    assert stats.created == 3
    assert get_cursor(account.id, WINDOW_FEED) == ""
    sent = fake_allegro.state.requests_for(LIST)
    refused = next(i for i, r in enumerate(sent) if r.status == 403)
    assert sent[refused + 1].query["offset"] == ["4"]  # resumed, not restarted


def test_removal_accepted_by_allegro_is_detected_by_a_404(app, fake_allegro, seller):
    account, seller_id = seller
    rating = fake_allegro.state.add_rating(seller_id, recommended=False)
    _sync(account)
    get_allegro().client_for(account.id).request_rating_removal(rating["id"], "Kupujący pomylił sprzedawcę")
    fake_allegro.state.edit_rating(rating["id"])  # the request must be seen: move lastChangedAt
    _sync(account)
    assert _rating(rating["id"]).removal_outcome is RemovalOutcome.PENDING

    fake_allegro.state.resolve_removal(rating["id"], accepted=True)
    stats = _sync(account, removal_check_every=dt.timedelta(0))

    row = _rating(rating["id"])
    assert stats.removed == 1 and row.removal_outcome is RemovalOutcome.REMOVED
    assert not row.is_new_negative
    day = db.session.get(RatingDayStat, (account.id, row.rated_on))
    assert (day.removed, day.not_recommended, day.unanswered_negative) == (1, 0, 0)
    assert fake_allegro.state.request_count(GET) >= 1


def test_removal_the_buyer_never_accepts_is_refused_after_two_weeks(app, fake_allegro, seller):
    account, seller_id = seller
    rating = fake_allegro.state.add_rating(seller_id, recommended=False)
    _sync(account)
    get_allegro().client_for(account.id).request_rating_removal(rating["id"], "Prośba o usunięcie")
    fake_allegro.state.resolve_removal(rating["id"], accepted=False)
    later = utcnow() + dt.timedelta(days=15)
    _sync(account, now=later, removal_check_every=dt.timedelta(0))
    assert _rating(rating["id"]).removal_outcome is RemovalOutcome.REFUSED


def test_the_periodic_sweep_sees_exclusions_and_silent_removals(app, fake_allegro, seller):
    account, seller_id = seller
    kept_at = utcnow() - dt.timedelta(days=2)
    kept = fake_allegro.state.add_rating(seller_id, created_at=kept_at)
    gone = fake_allegro.state.add_rating(seller_id, recommended=False, created_at=kept_at)
    fake_allegro.state.add_rating(seller_id)  # the newest change: the watermark is now
    _sync(account)
    assert get_cursor(account.id, SWEEP_FEED)
    fake_allegro.state.exclude_rating(kept["id"], "Ocena nie jest unikalna")
    fake_allegro.state.remove_rating(gone["id"], by="byBuyer")

    _sync(account)  # within six hours: no sweep, nothing visible changed
    assert not _rating(kept["id"]).excluded

    stats = _sync(account, now=utcnow() + dt.timedelta(hours=7))

    row = _rating(kept["id"])
    assert row.excluded and row.excluded_reason == "Ocena nie jest unikalna"
    assert stats.removed == 1 and _rating(gone["id"]).removal_outcome is RemovalOutcome.REMOVED
    day = db.session.get(RatingDayStat, (account.id, row.rated_on))
    assert (day.excluded, day.recommended, day.removed) == (1, 0, 1)
