"""The retention job with a fake clock and fake ports that really change the rows (G2 tests a-e)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, update

from desk.extensions import db
from desk.models import Order, RetentionMark, RetentionRun, RetentionSettings, ShipmentLabel
from desk.models.issue import COMMON, Issue, IssueMessage
from desk.orm import utcnow
from desk.services.errors import ConflictError, ValidationError
from desk.services.privacy import retention, retention_policy
from desk.services.privacy.retention import RetentionBusy
from desk.services.privacy.retention_policy import DataClass
from tests.services.privacy import retention_data as data
from tests.services.privacy.retention_fakes import MARKER, Crash, FakeEngine

ORDERS = DataClass.ORDER_IDENTITY.value


def _runs(account_id: int | None = None) -> list[RetentionRun]:
    query = select(RetentionRun).order_by(RetentionRun.id)
    if account_id is not None:
        query = query.where(RetentionRun.account_id == account_id)
    return list(db.session.scalars(query))


def test_an_order_delivered_on_the_last_day_of_2023_is_due_on_1_january_2027(app):
    shop = data.account()
    bought = data.warsaw(2023, 12, 20, 10, 0)
    delivered = data.order(shop.id, bought=bought, delivered=data.warsaw(2023, 12, 31, 12, 0))
    late_evening = data.order(shop.id, bought=bought, updated=data.warsaw(2023, 12, 31, 23, 30))
    # 1 Jan 2024 00:30 in Warsaw is still 2023 in UTC: the year is Warsaw's
    next_year = data.order(shop.id, bought=bought, delivered=data.warsaw(2024, 1, 1, 0, 30))
    engine = FakeEngine()

    retention.run_retention(engine.ports(), now=data.warsaw(2026, 12, 31, 23, 59))
    assert data.identity(delivered.id)[0] == delivered.buyer_login
    assert data.identity(late_evening.id)[0] == late_evening.buyer_login

    run = retention.run_account(engine.ports(), shop.id, now=data.warsaw(2027, 1, 1, 0, 0))
    assert data.identity(delivered.id) == (MARKER, None, MARKER, MARKER, None)
    assert data.identity(late_evening.id)[0] == MARKER
    assert data.identity(next_year.id)[0] != MARKER
    assert run.rows[ORDERS] == 2 and run.counts[ORDERS] == {"order": 2}
    assert run.state == "done" and run.dry_run is False


def test_the_sales_record_keeps_identity_until_the_end_of_the_year_of_sale_plus_six(app):
    shop = data.account()
    retention_policy.set_sales_record(shop.id, True, now=data.warsaw(2026, 1, 1))
    sold = data.order(shop.id, bought=data.warsaw(2020, 6, 1), delivered=data.warsaw(2020, 6, 3))
    engine = FakeEngine()

    retention.run_account(engine.ports(), shop.id, now=data.warsaw(2026, 12, 31, 12))
    assert data.identity(sold.id)[0] != MARKER
    retention.run_account(engine.ports(), shop.id, now=data.warsaw(2027, 1, 1, 0, 1))
    assert data.identity(sold.id)[0] == MARKER


def test_a_ceiling_below_the_floor_is_refused_and_the_default_stays(app):
    shop = data.account()
    now = data.warsaw(2026, 6, 1)
    with pytest.raises(ValidationError) as refused:
        retention_policy.set_ceiling(shop.id, DataClass.ORDER_IDENTITY, 1, agent_id=None, now=now)
    assert "legal minimum" in str(refused.value)
    assert retention_policy.account_policy(shop.id)[DataClass.ORDER_IDENTITY].ceiling == 3

    retention_policy.set_ceiling(shop.id, DataClass.ORDER_IDENTITY, 5, agent_id=None, now=now)
    assert retention_policy.account_policy(shop.id)[DataClass.ORDER_IDENTITY].ceiling == 5
    retention_policy.set_sales_record(shop.id, True, now=now)  # the tax floor (6) now applies
    with pytest.raises(ValidationError):
        retention_policy.set_ceiling(shop.id, DataClass.ORDER_IDENTITY, 5, agent_id=None, now=now)
    assert retention_policy.account_policy(shop.id)[DataClass.ORDER_IDENTITY].ceiling == 6


def _orders(account_id: int, count: int) -> list[Order]:
    return [
        data.order(
            account_id, bought=data.warsaw(2021, 3, 1), delivered=data.warsaw(2021, 3, 4), login=f"k{i}"
        )
        for i in range(count)
    ]


def _end_state(account_id: int) -> list[tuple]:
    orders = db.session.scalars(select(Order).where(Order.account_id == account_id).order_by(Order.id))
    return [
        (o.buyer_login, o.buyer_email, o.buyer_last_name, o.delivery_address, o.total_amount) for o in orders
    ]


def test_a_crash_mid_batch_then_a_rerun_ends_as_one_clean_run_with_one_receipt(app):
    clean, crashed = data.account(), data.account()
    _orders(clean.id, 25)
    _orders(crashed.id, 25)
    now = data.warsaw(2025, 1, 2)
    retention.run_account(FakeEngine().ports(), clean.id, now=now, batch=10)

    engine = FakeEngine(crash_after=15)  # the second batch dies half-way
    with pytest.raises(Crash):
        retention.run_account(engine.ports(), crashed.id, now=now, batch=10)
    db.session.rollback()
    interrupted = _runs(crashed.id)
    assert [run.state for run in interrupted] == ["running"]
    assert interrupted[0].rows[ORDERS] == 10 and interrupted[0].cursor[ORDERS] > 0
    assert "killed" in interrupted[0].error
    marked = db.session.scalar(select(func.count()).where(RetentionMark.account_id == crashed.id))
    assert marked == 10  # the first batch committed, the second rolled back

    engine.crash_after = None
    resumed = retention.run_account(engine.ports(), crashed.id, now=now + dt.timedelta(hours=1), batch=10)
    assert resumed.id == interrupted[0].id and resumed.resumed == 1 and resumed.now == now
    assert resumed.state == "done" and resumed.rows[ORDERS] == 25 and resumed.error is None
    strip = [row[1:] for row in _end_state(clean.id)]
    assert [row[1:] for row in _end_state(crashed.id)] == strip
    assert all(row[0] == MARKER for row in _end_state(crashed.id))

    again = retention.run_account(engine.ports(), crashed.id, now=now + dt.timedelta(days=1), batch=10)
    assert again.rows == {} and len(_runs(crashed.id)) == 2  # a new day's receipt, nothing new in it
    assert db.session.scalar(select(func.count()).where(RetentionMark.account_id == crashed.id)) == 25


def test_held_orders_are_untouched_until_the_hold_is_lifted(app):
    shop = data.account()
    held, free = _orders(shop.id, 2)
    label_id = data.label(shop.id, fetched=data.warsaw(2024, 1, 1), order_id=held.id).id
    engine = FakeEngine(held={held.id})
    now = data.warsaw(2025, 1, 2)

    run = retention.run_account(engine.ports(), shop.id, now=now)
    assert data.identity(held.id)[0] == "k0" and data.identity(free.id)[0] == MARKER
    assert db.session.get(ShipmentLabel, label_id) is not None
    assert run.held == {ORDERS: 1, DataClass.LABEL_FILES.value: 1}
    assert all(held.id not in ids for _, ids, _ in engine.calls)

    engine.held.clear()
    run = retention.run_account(engine.ports(), shop.id, now=now + dt.timedelta(days=1))
    assert data.identity(held.id)[0] == MARKER and run.rows[ORDERS] == 1
    db.session.expire_all()
    assert db.session.get(ShipmentLabel, label_id) is None


def test_a_dry_run_writes_nothing_but_its_receipt(app):
    shop = data.account(active=False)  # a preview comes before the first activation
    _orders(shop.id, 3)
    data.conversation(shop.id, type=COMMON, last_message=data.warsaw(2023, 12, 5))
    data.label(shop.id, fetched=data.warsaw(2024, 1, 1))
    before = data.checksums(skip=("retention_run",))
    engine = FakeEngine()

    run = retention.run_account(engine.ports(), shop.id, now=data.warsaw(2025, 1, 2), dry_run=True, batch=2)
    assert data.checksums(skip=("retention_run",)) == before, run.rows
    assert run.dry_run and run.state == "done"
    assert run.rows == {ORDERS: 3, DataClass.PRESALE_THREADS.value: 1, DataClass.LABEL_FILES.value: 1}
    assert {dry for _, _, dry in engine.calls} == {True}
    with pytest.raises(ConflictError):
        retention.run_account(engine.ports(), shop.id, now=data.warsaw(2025, 1, 2))
    assert retention.run_retention(engine.ports(), now=data.warsaw(2025, 1, 2)) == []  # not active


def test_questions_without_an_order_are_redacted_12_months_after_the_last_message(app):
    shop = data.account()
    now = data.warsaw(2026, 12, 1, 9, 0)
    old = data.conversation(shop.id, type=COMMON, last_message=now - dt.timedelta(days=365, minutes=1))
    recent = data.conversation(shop.id, type=COMMON, last_message=now - dt.timedelta(days=364))
    with_order = data.conversation(
        shop.id, type=COMMON, last_message=now - dt.timedelta(days=700),
        order_id=data.order(shop.id, bought=now - dt.timedelta(days=701)).id,
    )
    engine = FakeEngine()

    run = retention.run_account(engine.ports(), shop.id, now=now)
    assert run.rows[DataClass.PRESALE_THREADS.value] == 1
    assert _texts(old.id) == [MARKER]
    assert _texts(recent.id) != [MARKER] and _texts(with_order.id) != [MARKER]

    # the buyer writes again: the question is due again 12 months after the new message, not before
    later = now + dt.timedelta(days=10)
    data.message(db.session.get(Issue, old.id), later, body="Czy jest jeszcze dostępny?")
    db.session.execute(
        Issue.__table__.update().where(Issue.id == old.id).values(last_message_at=later, activity_at=later)
    )
    db.session.commit()
    retention.run_account(engine.ports(), shop.id, now=later + dt.timedelta(days=300))
    assert MARKER in _texts(old.id) and "Czy jest jeszcze dostępny?" in _texts(old.id)
    assert _texts(recent.id) == [MARKER]  # its own 12 months passed meanwhile
    run = retention.run_account(engine.ports(), shop.id, now=later + dt.timedelta(days=366))
    assert _texts(old.id) == [MARKER, MARKER] and run.rows[DataClass.PRESALE_THREADS.value] == 1


def _texts(issue_id: int) -> list[str]:
    return list(db.session.scalars(
        select(IssueMessage.text).where(IssueMessage.issue_id == issue_id).order_by(IssueMessage.id)
    ))


def test_issue_texts_go_three_years_after_the_end_of_the_year_they_closed(app):
    shop = data.account()
    closed = data.conversation(shop.id, closed=data.warsaw(2023, 5, 1), last_message=data.warsaw(2023, 4, 20))
    still_open = data.conversation(shop.id, last_message=data.warsaw(2022, 1, 1))
    engine = FakeEngine()
    retention.run_account(engine.ports(), shop.id, now=data.warsaw(2026, 12, 31, 12))
    assert _texts(closed.id) != [MARKER]
    retention.run_account(engine.ports(), shop.id, now=data.warsaw(2027, 1, 1, 1))
    assert _texts(closed.id) == [MARKER] and _texts(still_open.id) != [MARKER]
    assert db.session.get(Issue, closed.id).description == MARKER


def test_labels_are_deleted_after_90_days(app):
    shop = data.account()
    now = data.warsaw(2026, 12, 1, 12)
    old = data.label(shop.id, fetched=now - dt.timedelta(days=90, seconds=1)).id
    young = data.label(shop.id, fetched=now - dt.timedelta(days=89)).id
    run = retention.run_account(FakeEngine().ports(), shop.id, now=now)
    db.session.expire_all()
    assert db.session.get(ShipmentLabel, old) is None
    assert db.session.get(ShipmentLabel, young) is not None
    assert run.counts[DataClass.LABEL_FILES.value] == {"shipment_label": 1}


def test_the_daily_run_purges_the_access_log_with_the_longest_ceiling_and_old_receipts(app):
    shop, other = data.account(), data.account()
    retention_policy.set_ceiling(
        other.id, DataClass.ACCESS_LOG, 18, agent_id=None, now=data.warsaw(2020, 1, 1)
    )
    engine = FakeEngine()
    now = dt.datetime(2020, 3, 1, 12, tzinfo=dt.UTC)
    first = retention.run_retention(engine.ports(), now=now)
    assert [run.account_id for run in first] == [shop.id, other.id, None]
    first_receipt = first[0].id
    assert engine.purges == [(now, (now - dt.datetime(2018, 9, 1, 12, tzinfo=dt.UTC)).days)]

    later = retention.run_retention(engine.ports(), now=data.warsaw(2027, 1, 2))
    assert later[0].rows[DataClass.PRIVACY_RECEIPTS.value] == 1  # the 2020 receipt of this account
    assert first_receipt not in {run.id for run in _runs(shop.id)}


def test_an_account_another_process_is_running_is_left_alone_until_its_lease_runs_out(app):
    shop = data.account()
    (order,) = _orders(shop.id, 1)
    now = data.warsaw(2025, 1, 2)
    lease = update(RetentionSettings).where(RetentionSettings.account_id == shop.id)
    db.session.execute(lease.values(lease_until=utcnow() + dt.timedelta(minutes=5)))
    db.session.commit()
    engine = FakeEngine()

    with pytest.raises(RetentionBusy):
        retention.run_account(engine.ports(), shop.id, now=now)
    assert [run.account_id for run in retention.run_retention(engine.ports(), now=now)] == [None]
    assert data.identity(order.id)[0] == "k0" and _runs(shop.id) == []

    db.session.execute(lease.values(lease_until=utcnow() - dt.timedelta(seconds=1)))  # a killed process's
    db.session.commit()
    run = retention.run_account(engine.ports(), shop.id, now=now)
    assert run.rows[ORDERS] == 1 and db.session.get(RetentionSettings, shop.id).lease_until is None
