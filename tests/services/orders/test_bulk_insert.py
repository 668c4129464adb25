"""Bulk inserts store values exactly as the ORM does, on SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError

from desk.extensions import db
from desk.models import Order, OrderLine, SellerAccount
from desk.services.orders import bulk_insert
from desk.services.orders.bulk_insert import insert_rows

WHEN = dt.datetime(2026, 3, 29, 0, 30, 15, 120000, tzinfo=dt.timezone(dt.timedelta(hours=2)))


def make_account() -> SellerAccount:
    account = SellerAccount(name="Sklep")
    db.session.add(account)
    db.session.commit()
    return account


def _row(account_id: int, allegro_id: str, **extra) -> dict:
    row = {
        "account_id": account_id,
        "allegro_id": allegro_id,
        "status": "READY_FOR_PROCESSING",
        "bought_at": WHEN,
        "synced_at": WHEN,
        "total_amount": Decimal("1234.50"),
        "currency": "PLN",
        "invoice_required": True,
        "delivery_address": {"city": "Łódź", "zip": "90-001", "lines": ["ul. Piotrkowska 1"]},
        "pickup_point": None,
        "surcharges": [],
        "message_to_seller": 'Proszę o "szybką" wysyłkę <b>',
    }
    return row | extra


def test_rows_read_back_as_the_orm_wrote_them(app):
    account = make_account()
    ids = dict(
        insert_rows(
            Order.__table__,
            [_row(account.id, "a-1"), _row(account.id, "a-2")],
            returning=("allegro_id", "id"),
        )
    )
    db.session.commit()
    db.session.expire_all()
    order = db.session.get(Order, ids["a-1"])
    assert order.bought_at == WHEN
    assert order.bought_at.tzinfo is not None
    assert order.total_amount == Decimal("1234.50")
    assert order.invoice_required is True
    assert order.delivery_address == {"city": "Łódź", "zip": "90-001", "lines": ["ul. Piotrkowska 1"]}
    assert order.pickup_point is None
    assert order.surcharges == []
    assert order.message_to_seller == 'Proszę o "szybką" wysyłkę <b>'
    assert set(ids) == {"a-1", "a-2"}


def test_stored_values_are_byte_for_byte_those_the_orm_stores(app):
    account = make_account()
    db.session.add(
        Order(
            account_id=account.id,
            allegro_id="orm",
            status="X",
            total_amount=Decimal("1234.50"),
            bought_at=WHEN,
            synced_at=WHEN,
            invoice_required=True,
        )
    )
    db.session.flush()
    insert_rows(Order.__table__, [_row(account.id, "bulk")])
    db.session.commit()
    raw = (
        db.session.connection()
        .exec_driver_sql(
            "SELECT allegro_id, bought_at, synced_at, total_amount, invoice_required"
            ' FROM "order" ORDER BY allegro_id'
        )
        .all()
    )
    assert raw[0][1:] == raw[1][1:]


def test_bulk_rows_sort_and_compare_with_orm_rows(app):
    account = make_account()
    earlier = WHEN - dt.timedelta(microseconds=1)
    db.session.add(
        Order(
            account_id=account.id, allegro_id="orm", status="X", total_amount=Decimal("1"), bought_at=earlier
        )
    )
    insert_rows(Order.__table__, [_row(account.id, "bulk")])
    db.session.commit()
    newest_first = db.session.scalars(select(Order.allegro_id).order_by(Order.bought_at.desc())).all()
    assert newest_first == ["bulk", "orm"]
    later = db.session.scalars(select(Order.allegro_id).where(Order.bought_at > earlier)).all()
    assert later == ["bulk"]


def test_large_pages_split_under_the_sqlite_variable_limit(app, monkeypatch):
    monkeypatch.setattr(bulk_insert, "SQLITE_MAX_VARIABLES", 100)  # 8 order rows a statement
    account = make_account()
    rows = [_row(account.id, f"id-{n}") for n in range(1500)]
    with _statements() as seen:
        returned = insert_rows(Order.__table__, rows, returning=("allegro_id", "id"))
    order_inserts = [sql for sql in seen if sql.startswith('INSERT INTO "order"')]
    expected = 1 if db.engine.dialect.name == "postgresql" else -(-1500 // (100 // len(rows[0])))
    assert len(order_inserts) == expected
    order_ids = dict(returned)
    lines = [
        {
            "order_id": order_ids[f"id-{n}"],
            "allegro_id": f"l-{n}",
            "offer_id": "1",
            "offer_name": "Kubek",
            "quantity": 1,
            "price": Decimal("9.99"),
            "currency": "PLN",
        }
        for n in range(1500)
    ]
    insert_rows(OrderLine.__table__, lines)
    db.session.commit()
    assert len(returned) == 1500
    assert db.session.scalar(select(db.func.count()).select_from(OrderLine)) == 1500
    assert db.session.scalar(select(db.func.sum(OrderLine.price))) == Decimal("14985.00")


def test_naive_dates_are_refused_as_the_orm_refuses_them(app):
    account = make_account()
    naive = _row(account.id, "naive", bought_at=dt.datetime(2026, 3, 29, 12, 0))
    with pytest.raises(Exception, match="naive datetime"):
        insert_rows(Order.__table__, [naive])


def test_nothing_to_insert_is_no_statement(app):
    with _statements() as seen:
        assert insert_rows(Order.__table__, [], returning=("id",)) == []
    assert seen == []


@contextlib.contextmanager
def _statements():
    """The SQL text of every statement sent to the database inside the block."""
    seen: list[str] = []

    def listener(_conn, _cursor, statement, *_rest):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


def test_skipping_conflicts_leaves_stored_rows_alone_and_returns_only_new_ones(app):
    account = make_account()
    insert_rows(Order.__table__, [_row(account.id, "kept", status="SENT")])
    found = insert_rows(
        Order.__table__,
        [_row(account.id, "kept", status="CHANGED"), _row(account.id, "new")],
        returning=("allegro_id",),
        skip_conflicts=("allegro_id", "account_id"),
    )
    assert found == [("new",)]
    statuses = dict(db.session.execute(select(Order.allegro_id, Order.status)).all())
    assert statuses == {"kept": "SENT", "new": "READY_FOR_PROCESSING"}


def test_without_skipping_a_conflict_fails_the_whole_statement(app):
    account = make_account()
    insert_rows(Order.__table__, [_row(account.id, "kept")])
    db.session.commit()
    with pytest.raises(IntegrityError):
        insert_rows(Order.__table__, [_row(account.id, "kept"), _row(account.id, "new")])
    db.session.rollback()
    assert db.session.scalars(select(Order.allegro_id)).all() == ["kept"]
