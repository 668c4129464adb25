"""Orders desk services on rows inserted directly: filters, search, keyset, access, bulk preview, notes."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from sqlalchemy import event, insert

from desk.extensions import db
from desk.models import AccountStatus, Order, OrderLine, SellerAccount
from desk.services.errors import NotFoundError, ValidationError
from desk.services.orders import actions as order_actions
from desk.services.orders import listing as orders
from desk.services.orders.listing import OrderFilters, list_orders
from desk.wiring import get_caches
from tests.factories import make_agent

_seq = itertools.count(1)
T0 = dt.datetime(2024, 5, 10, 12, 0, tzinfo=dt.UTC)


def make_account(name: str | None = None) -> SellerAccount:
    account = SellerAccount(name=name or f"Sklep {next(_seq)}", status=AccountStatus.ACTIVE)
    db.session.add(account)
    db.session.commit()
    return account


def make_order(account: SellerAccount, *, items=("Kubek",), **fields) -> Order:
    n = next(_seq)
    values = dict(
        allegro_id=f"{n:08x}-0000-4000-8000-000000000000",
        status="READY_FOR_PROCESSING",
        fulfillment_status="NEW",
        bought_at=T0 + dt.timedelta(minutes=n),
        buyer_login=f"kupujacy_{n}",
        buyer_email=f"k{n}@allegromail.pl",
        buyer_first_name="Anna",
        buyer_last_name="Nowak",
        buyer_phone=f"+48600{n:06d}",
        payment_type="ONLINE",
        total_amount=Decimal("100.00"),
        delivery_method_name="Allegro Paczkomaty InPost",
    )
    values.update(fields)
    order = Order(account_id=account.id, **values)
    order.lines = [
        OrderLine(allegro_id=f"l{n}-{i}", offer_id=str(i), offer_name=name, quantity=1, price=Decimal("10"))
        for i, name in enumerate(items)
    ]
    db.session.add(order)
    db.session.commit()
    return order


def ids(page) -> list[int]:
    return [row.order.id for row in page.rows]


def listed(account_ids=None, **filters) -> list[int]:
    return ids(list_orders(filters=OrderFilters(**filters), account_ids=account_ids, limit=200))


@pytest.fixture
def shop(app):
    return make_account("Sklep A")


def test_each_filter_narrows(app, shop):
    other = make_account("Sklep B")
    base = make_order(shop)
    cancelled = make_order(shop, status="CANCELLED")
    sent = make_order(shop, fulfillment_status="SENT")
    cod = make_order(shop, payment_type="CASH_ON_DELIVERY")
    courier = make_order(shop, delivery_method_name="Kurier DPD")
    elsewhere = make_order(other)
    everything = {base.id, cancelled.id, sent.id, cod.id, courier.id, elsewhere.id}
    assert set(listed()) == everything
    assert listed(account_id=other.id) == [elsewhere.id]
    assert listed(status="CANCELLED") == [cancelled.id]
    assert listed(fulfillment_status="SENT") == [sent.id]
    assert listed(cod_only=True) == [cod.id]
    assert listed(delivery_method="Kurier DPD") == [courier.id]
    methods = orders.delivery_methods(get_caches().delivery_methods)
    assert methods == ["Allegro Paczkomaty InPost", "Kurier DPD"]


def test_date_range_is_read_in_warsaw_time(app, shop):
    # 2024-05-01 23:30 in Warsaw (CEST, UTC+2) is 21:30 UTC: it belongs to 1 May, not 2 May.
    late_evening = make_order(shop, bought_at=dt.datetime(2024, 5, 1, 21, 30, tzinfo=dt.UTC))
    next_morning = make_order(shop, bought_at=dt.datetime(2024, 5, 1, 22, 30, tzinfo=dt.UTC))
    may_first = dt.date(2024, 5, 1)
    may_second = dt.date(2024, 5, 2)
    assert listed(date_from=may_first, date_to=may_first) == [late_evening.id]
    assert listed(date_from=may_second, date_to=may_second) == [next_morning.id]
    assert listed(date_from=may_second) == [next_morning.id]
    assert listed(date_to=may_first) == [late_evening.id]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("0badc0de", "allegro_id"),
        ("0BADC0DE-11", "allegro_id"),
        ("ogrodnik", "login"),
        ("Ogrodnik_7", "login"),
        ("marek.ogr", "email"),
        ("bożena", "first"),
        ("Bożen", "first"),
        ("wiśniewsk", "last"),
        ("Wiśniewska", "last"),
        ("Bożena Wiśniewska", "full"),
        ("wiśniewska bożena", "full"),
        ("+48601222", "phone"),
        ("601 222 333", "phone"),
        ("601-222", "phone"),
    ],
)
def test_search_finds_by_each_field(app, shop, query, field):
    make_order(shop)  # a decoy that must not match
    wanted = make_order(
        shop,
        allegro_id="0badc0de-1111-4000-8000-000000000000",
        buyer_login="ogrodnik_77",
        buyer_email="marek.ogrodnik@allegromail.pl",
        buyer_first_name="Bożena",
        buyer_last_name="Wiśniewska",
        buyer_phone="+48601222333",
    )
    assert listed(query=query) == [wanted.id], field


def test_search_treats_wildcards_literally(app, shop):
    make_order(shop, buyer_login="abc")
    underscored = make_order(shop, buyer_login="a_c")
    assert listed(query="%") == []
    assert listed(query="a_") == [underscored.id]


def test_rows_carry_first_item_and_count_without_a_query_per_order(app, shop):
    for _ in range(12):
        make_order(shop, items=("Kubek termiczny", "Podkładka", "Łyżeczka"))
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        page = list_orders(filters=OrderFilters(), account_ids=None, limit=10)
        for row in page.rows:
            assert (row.first_item, row.more_items, row.account_name) == ("Kubek termiczny", 2, "Sklep A")
            _ = (row.order.buyer_login, row.order.total_amount, row.order.payment_type)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) <= 4, statements  # orders, their lines, account names, their parcels


def _walk(filters: OrderFilters, limit: int) -> list[list[int]]:
    pages, after = [], None
    while True:
        page = list_orders(filters=filters, account_ids=None, after=after, limit=limit)
        pages.append(ids(page))
        if page.next_cursor is None:
            return pages
        after = page.next_cursor


def _expected(all_orders: list[Order], sort: str) -> list[int]:
    column, descending = orders.SORTS[sort]
    present = [o for o in all_orders if getattr(o, column.key) is not None]
    missing = [o for o in all_orders if getattr(o, column.key) is None]
    present.sort(key=lambda o: (getattr(o, column.key), o.id), reverse=descending)
    missing.sort(key=lambda o: o.id, reverse=descending)
    return [o.id for o in present + missing]


@pytest.mark.parametrize("sort", sorted(orders.SORTS))
def test_keyset_pages_hold_every_order_exactly_once(app, shop, sort):
    tie = T0 + dt.timedelta(days=1)
    made = [make_order(shop, bought_at=tie, total_amount=Decimal("50.00")) for _ in range(7)]
    made += [make_order(shop, total_amount=Decimal(f"{n * 3 % 5}9.99")) for n in range(9)]
    made += [make_order(shop, bought_at=None, total_amount=Decimal("50.00")) for _ in range(3)]
    expected = _expected(made, sort)
    for limit in (1, 4, 7, 50):
        pages = _walk(OrderFilters(sort=sort), limit)
        flat = [order_id for page in pages for order_id in page]
        assert flat == expected, limit
        assert all(len(page) == limit for page in pages[:-1])


@pytest.mark.parametrize("sort", ["date_desc", "total_asc"])
def test_previous_pages_mirror_the_next_ones(app, shop, sort):
    for n in range(11):
        make_order(shop, bought_at=None if n % 4 == 0 else T0, total_amount=Decimal(n % 3))
    forward = _walk(OrderFilters(sort=sort), 3)
    after = None
    for _ in forward[:-1]:
        step = list_orders(filters=OrderFilters(sort=sort), account_ids=None, after=after, limit=3)
        after = step.next_cursor
    page = list_orders(filters=OrderFilters(sort=sort), account_ids=None, after=after, limit=3)
    backward = [ids(page)]
    while page.prev_cursor:
        page = list_orders(filters=OrderFilters(sort=sort), account_ids=None, after=page.prev_cursor, limit=3)
        backward.append(ids(page))
    assert backward[::-1] == forward
    assert page.prev_cursor is None  # back on the first page


def test_a_damaged_or_foreign_cursor_gives_the_first_page(app, shop):
    made = [make_order(shop) for _ in range(3)]
    first = list_orders(filters=OrderFilters(), account_ids=None, limit=2)
    for cursor in ("%%%", "bm90IGpzb24", first.next_cursor + "x"):
        assert ids(list_orders(filters=OrderFilters(), account_ids=None, after=cursor, limit=2)) == ids(first)
    foreign = list_orders(filters=OrderFilters(sort="total_asc"), account_ids=None, after=first.next_cursor)
    assert len(foreign.rows) == len(made)


def test_accounts_restrict_what_is_listed(app, shop):
    other = make_account("Sklep B")
    mine = make_order(shop)
    make_order(other)
    assert listed(account_ids={shop.id}) == [mine.id]
    assert listed(account_ids=set()) == []
    assert listed(account_ids={shop.id}, account_id=other.id) == []
    assert listed(account_ids={shop.id}, query="kupujacy") == [mine.id]


def test_detail_of_another_accounts_order_is_not_found(app, shop):
    other = make_account("Sklep B")
    theirs = make_order(other)
    with pytest.raises(NotFoundError):
        orders.order_detail(theirs.id, {shop.id})
    with pytest.raises(NotFoundError):
        orders.order_detail(999_999, None)
    assert orders.order_detail(theirs.id, None).account.name == "Sklep B"


def test_bulk_preview_skips_same_cancelled_and_invisible(app, shop):
    other = make_account("Sklep B")
    ready = make_order(shop, fulfillment_status="PROCESSING")
    already = make_order(shop, fulfillment_status="SENT")
    cancelled = make_order(shop, status="CANCELLED")
    cancelled_by_seller = make_order(shop, fulfillment_status="CANCELLED")
    theirs = make_order(other)
    preview = order_actions.bulk_preview(
        [ready.id, already.id, cancelled.id, cancelled_by_seller.id, theirs.id, 999_999, ready.id],
        "SENT",
        {shop.id},
    )
    skips = {item.order_id: item.skip for item in preview.items}
    assert skips == {
        ready.id: None,
        already.id: order_actions.SKIP_SAME,
        cancelled.id: order_actions.SKIP_CANCELLED,
        cancelled_by_seller.id: order_actions.SKIP_CANCELLED,
        theirs.id: order_actions.SKIP_HIDDEN,
        999_999: order_actions.SKIP_HIDDEN,
    }
    assert [item.order_id for item in preview.to_send] == [ready.id]
    assert next(i for i in preview.items if i.order_id == theirs.id).order is None  # nothing leaks


def test_bulk_preview_refuses_bad_input(app, shop):
    order = make_order(shop)
    with pytest.raises(ValidationError):
        order_actions.bulk_preview([order.id], "RETURNED", None)
    with pytest.raises(ValidationError):
        order_actions.bulk_preview([], "SENT", None)
    with pytest.raises(ValidationError):
        order_actions.bulk_preview(range(1, order_actions.MAX_BULK + 2), "SENT", None)


def test_notes_are_kept_in_order_with_their_author(app, shop):
    order = make_order(shop)
    agent = make_agent(name="Ewa")
    orders.add_note(order.id, text="  Klient prosi o fakturę  ", agent_id=agent.id, account_ids={shop.id})
    orders.add_note(order.id, text="Wysłano fakturę", agent_id=agent.id, account_ids=None)
    detail = orders.order_detail(order.id, None)
    assert [(n.body, n.agent.name) for n in detail.notes] == [
        ("Klient prosi o fakturę", "Ewa"),
        ("Wysłano fakturę", "Ewa"),
    ]
    with pytest.raises(ValidationError):
        orders.add_note(order.id, text="   ", agent_id=agent.id, account_ids=None)
    with pytest.raises(ValidationError):
        orders.add_note(order.id, text="x" * 5001, agent_id=agent.id, account_ids=None)
    with pytest.raises(NotFoundError):
        orders.add_note(order.id, text="cudze", agent_id=agent.id, account_ids={shop.id + 1})


def test_tag_is_set_cleared_and_recorded(app, shop):
    order = make_order(shop)
    agent = make_agent()
    orders.set_tag(order.id, tag="  pilne ", agent_id=agent.id, account_ids=None)
    assert order.tag == "pilne"
    orders.set_tag(order.id, tag="pilne", agent_id=agent.id, account_ids=None)  # unchanged: no history
    orders.set_tag(order.id, tag="", agent_id=agent.id, account_ids=None)
    assert order.tag is None
    history = orders.order_detail(order.id, None).changes
    assert [(c.field, c.old_value, c.new_value, c.agent_id) for c in history] == [
        ("tag", "pilne", None, agent.id),
        ("tag", None, "pilne", agent.id),
    ]
    with pytest.raises(ValidationError):
        orders.set_tag(order.id, tag="x" * 41, agent_id=agent.id, account_ids=None)


def test_a_search_matching_many_orders_still_pages_through_all_of_them(app, shop):
    rows = [
        dict(
            account_id=shop.id,
            allegro_id=f"bulk-{n}",
            status="READY_FOR_PROCESSING",
            buyer_last_name="Kowalski",
            bought_at=T0 + dt.timedelta(seconds=n // 3),
            total_amount=Decimal("1.00"),
            invoice_required=False,
        )
        for n in range(orders.SEARCH_PROBE + 5)
    ]
    db.session.execute(insert(Order), rows)
    db.session.commit()
    make_order(shop, buyer_last_name="Nowak")
    pages = _walk(OrderFilters(query="kowalski"), 200)
    flat = [order_id for page in pages for order_id in page]
    assert len(flat) == len(set(flat)) == orders.SEARCH_PROBE + 5


@pytest.mark.parametrize("matching", [4, 7, 12])
def test_a_search_matching_two_fields_lists_each_order_once(app, shop, monkeypatch, matching):
    # The probe may read an order once per field it matches (PostgreSQL); below, at and past the
    # probe's size the list must still hold every match exactly once.
    monkeypatch.setattr(orders, "SEARCH_PROBE", 10)
    wanted = [
        make_order(shop, buyer_login=f"kowal_{n}", buyer_email=f"kowal_{n}@allegromail.pl")
        for n in range(matching)
    ]
    make_order(shop, buyer_login="nowak_1")
    pages = _walk(OrderFilters(query="kowal"), 5)
    flat = [order_id for page in pages for order_id in page]
    assert sorted(flat) == sorted(order.id for order in wanted)


def test_rows_show_the_newest_live_parcel_of_each_order(app, shop):
    from desk.models import Shipment, ShipmentStatus

    shipped, waiting = make_order(shop), make_order(shop)
    for key, status, state, waybill in (
        ("a", ShipmentStatus.CANCELLED, None, "OLD"),
        ("b", ShipmentStatus.CONFIRMED, "in_transit", "NEW"),
    ):
        db.session.add(
            Shipment(
                account_id=shipped.account_id,
                order_id=shipped.id,
                carrier="dpd",
                service="dpd_classic",
                idempotency_key=key,
                request={},
                status=status,
                tracking_state=state,
                waybills=[waybill],
            )
        )
    db.session.commit()
    rows = {row.order.id: row for row in list_orders(filters=OrderFilters(), account_ids=None).rows}
    assert rows[shipped.id].parcel.waybill == "NEW" and rows[shipped.id].parcel.state == "in_transit"
    assert rows[waiting.id].parcel is None
