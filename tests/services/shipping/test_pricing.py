"""Price lists: one list per owner per day, read-only once in force, copies from a date, closing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import PriceList, PriceRow, SellerAccount
from desk.services.errors import ConflictError, NotFoundError
from desk.services.shipping import (
    PriceFormError,
    close_price_list,
    create_price_list,
    delete_price_list,
    ensure_public_price_list,
    list_price_lists,
    save_addon,
    save_row,
)
from tests.services.shipping.helpers import DPD_BANDS, TODAY, D, make_list

TOMORROW = TODAY + dt.timedelta(days=1)


def new(account_id=None, *, start=TOMORROW, end=None, name="Nowy", **kwargs):
    fields = {"name": name, "valid_from": start.isoformat(), "valid_to": end.isoformat() if end else ""}
    return create_price_list(
        account_id=account_id, fields=fields, agent_id=None, today=TODAY, account_ids=None, **kwargs
    )


@pytest.fixture
def account(app):
    account = SellerAccount(name="Sklep Kwiatek")
    db.session.add(account)
    db.session.commit()
    return account


def test_overlapping_validity_of_one_owner_is_refused_with_the_clashing_list(app, account):
    make_list(name="Obecny", valid_from=dt.date(2026, 1, 1))
    with pytest.raises(ConflictError) as caught:
        new(start=TOMORROW)
    assert caught.value.params["name"] == "Obecny"
    assert new(account.id).account_id == account.id  # another owner: no clash
    assert new(None, start=TOMORROW, close_previous=True).valid_from == TOMORROW


def test_closing_the_previous_list_ends_it_the_day_before(app):
    current = make_list(name="Obecny", valid_from=dt.date(2026, 1, 1))
    created = new(start=dt.date(2027, 1, 1), close_previous=True)
    db.session.refresh(current)
    assert current.valid_to == dt.date(2026, 12, 31)
    assert created.valid_to is None


def test_a_planned_list_blocks_an_open_ended_one_before_it(app):
    make_list(name="Od lutego", valid_from=dt.date(2027, 2, 1))
    with pytest.raises(ConflictError):
        new(start=dt.date(2027, 1, 1))
    assert new(start=dt.date(2027, 1, 1), end=dt.date(2027, 1, 31)).valid_to == dt.date(2027, 1, 31)


def test_form_errors_are_per_field(app):
    with pytest.raises(PriceFormError) as caught:
        create_price_list(
            account_id=None,
            agent_id=None,
            today=TODAY,
            account_ids=None,
            fields={"name": "", "valid_from": "2026-12-01", "valid_to": "x", "vat_rate": "abc"},
        )
    assert set(caught.value.errors) == {"name", "valid_from", "valid_to", "vat_rate"}


def test_a_copy_from_a_date_takes_every_price(app):
    source = make_list(
        valid_from=dt.date(2026, 1, 1), rows=DPD_BANDS, addons=[{"code": "sms", "net_fixed": D("0.50")}]
    )
    copy = new(start=dt.date(2027, 1, 1), copy_from_id=source.id, close_previous=True)
    assert [(r.weight_to_g, r.net) for r in copy.rows] == [(r.weight_to_g, r.net) for r in source.rows]
    assert [a.code for a in copy.addons] == ["sms"]
    assert db.session.scalar(select(func.count(PriceRow.id))) == 6


def test_a_list_in_force_is_read_only(app):
    started = make_list(valid_from=TODAY, rows=DPD_BANDS)
    row = {
        "carrier": "dpd",
        "service": "dpd_classic",
        "weight_from_g": "10001",
        "weight_to_g": "20000",
        "net": "25,50",
    }
    with pytest.raises(ConflictError):
        save_row(started.id, row, today=TODAY, account_ids=None)
    with pytest.raises(ConflictError):
        save_addon(started.id, {"code": "sms", "net_fixed": "1"}, today=TODAY, account_ids=None)
    with pytest.raises(ConflictError):
        delete_price_list(started.id, today=TODAY, account_ids=None)
    planned = make_list(valid_from=TOMORROW, valid_to=TOMORROW)
    assert save_row(planned.id, row, today=TODAY, account_ids=None).net == D("25.50")


def test_rows_are_checked_and_bands_may_not_overlap(app):
    planned = make_list(valid_from=TOMORROW, rows=DPD_BANDS)
    with pytest.raises(PriceFormError) as caught:
        save_row(
            planned.id,
            {
                "carrier": "dpd",
                "service": "dpd_classic",
                "weight_from_g": "5000",
                "weight_to_g": "6000",
                "net": "1",
            },
            today=TODAY,
            account_ids=None,
        )
    assert caught.value.errors["weight_from_g"][1] == {"start": 1001, "end": 5000}
    with pytest.raises(PriceFormError) as caught:
        save_row(
            planned.id,
            {"carrier": "ups", "service": "x", "weight_from_g": "-1", "weight_to_g": "a", "net": "1,234"},
            today=TODAY,
            account_ids=None,
        )
    assert set(caught.value.errors) == {"carrier", "weight_from_g", "weight_to_g", "net"}
    with pytest.raises(PriceFormError) as caught:
        save_row(
            planned.id,
            {
                "carrier": "inpost",
                "service": "inpost_locker_standard",
                "size_class": "Z",
                "weight_from_g": "0",
                "weight_to_g": "25000",
                "net": "9",
            },
            today=TODAY,
            account_ids=None,
        )
    assert caught.value.errors["size_class"][1] == {"value": "Z", "allowed": "A, B, C"}


def test_closing_never_reaches_into_the_past(app):
    current = make_list(valid_from=dt.date(2026, 1, 1))
    with pytest.raises(PriceFormError):
        close_price_list(current.id, valid_to="2026-11-30", today=TODAY, account_ids=None)
    closed = close_price_list(current.id, valid_to="2026-12-02", today=TODAY, account_ids=None)
    assert closed.valid_to == dt.date(2026, 12, 2)


def test_only_a_list_that_never_started_can_be_deleted(app):
    planned = make_list(valid_from=TOMORROW, rows=DPD_BANDS)
    delete_price_list(planned.id, today=TODAY, account_ids=None)
    assert db.session.scalar(select(func.count(PriceRow.id))) == 0
    assert db.session.get(PriceList, planned.id) is None


def test_other_accounts_lists_are_invisible(app, account):
    other = SellerAccount(name="Obcy")
    db.session.add(other)
    db.session.commit()
    theirs = make_list(account_id=other.id)
    make_list(account_id=account.id, name="Mój")
    make_list(name="Publiczny")
    names = {s.price_list.name for s in list_price_lists(account_ids={account.id}, today=TODAY)}
    assert names == {"Mój", "Publiczny"}
    with pytest.raises(NotFoundError):
        delete_price_list(theirs.id, today=TODAY, account_ids={account.id})


def test_the_demo_list_is_created_once_and_prices_a_locker_parcel(app):
    first = ensure_public_price_list(today=TODAY)
    again = ensure_public_price_list(today=TODAY)
    assert first.id == again.id
    assert db.session.scalar(select(func.count(PriceList.id))) == 1
    from desk.services.shipping import Parcel, quote

    result = quote(
        None,
        carrier="inpost",
        service="inpost_locker_standard",
        at=TODAY,
        parcels=[Parcel(weight_g=1000, size_class="A")],
        cod_amount=D("100"),
    )
    assert result.lines[0].gross == D("16.99")  # the retail gross price in the digest
    assert result.lines[1].net == D("3.30")


def test_two_concurrent_saves_of_one_owner_never_both_succeed(app):
    """The per-owner lock: two agents create overlapping public lists at the same moment."""
    import threading

    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has a single writer; the advisory lock is PostgreSQL's")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def save(name: str) -> None:
        with app.app_context():
            barrier.wait()
            try:
                new(name=name)
                outcomes.append("created")
            except ConflictError:
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=save, args=(f"Lista {n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["created", "refused"]
    assert db.session.scalar(select(func.count(PriceList.id))) == 1
