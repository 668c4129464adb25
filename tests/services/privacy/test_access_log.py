"""The access log's writes and retention: batched rows per request, searches, keys, purge in batches."""
from __future__ import annotations

import datetime as dt

import pytest

from desk.extensions import db
from desk.models import AccessAction, Shipment
from desk.services.privacy.access_log import (
    Seen,
    purge_access_log,
    record_access,
    seen_entities,
)
from desk.services.privacy.access_log_store import settle
from desk.services.privacy.pseudonyms import buyer_pseudonym
from tests.services.privacy.access_helpers import (
    T0,
    log_views,
    logged,
    make_account,
    make_order,
    seen,
    viewer,
)


def test_a_list_page_writes_one_row_per_entity_in_one_call(app):
    account = make_account()
    orders = [make_order(account) for _ in range(3)]
    shown = [seen(o) for o in orders] + [seen(orders[0])]  # the same order twice on a page
    written = record_access(viewer=viewer(7), action="list", seen=shown, classes=("identity",), now=T0)
    assert written == 3
    rows = logged()
    assert [(r.entity_type, r.entity_id) for r in rows] == [("order", o.id) for o in orders]
    first = rows[0]
    assert (first.agent_id, first.ip, first.route, first.action) == (7, "10.0.0.1", "orders.detail",
                                                                     AccessAction.LIST)
    # the buyer by the account's pseudonym of its Allegro id, never the id itself
    assert (first.account_id, first.data_classes) == (account.id, "identity")
    raw = orders[0].buyer_allegro_id
    assert first.buyer_ref == buyer_pseudonym(account.id, raw) != raw
    assert first.at == T0 and first.search_query is None


def test_a_search_without_hits_still_logs_its_query(app):
    written = record_access(viewer=viewer(), action="search", seen=[], classes=("identity",), now=T0,
                            search_query="Kowalski")
    assert written == 1
    (row,) = logged()
    assert (row.action, row.search_query, row.entity_type, row.buyer_ref) == (
        AccessAction.SEARCH, "Kowalski", None, None)


def test_a_page_that_showed_nothing_writes_nothing(app):
    assert record_access(viewer=viewer(), action="list", seen=[], classes=("identity",), now=T0) == 0
    assert logged() == []


def test_long_user_agents_and_queries_are_cut_and_classes_sorted(app):
    long_viewer = viewer()
    long_viewer = type(long_viewer)(agent_id=1, ip="10.0.0.1", user_agent="x" * 500, route="r")
    record_access(viewer=long_viewer, action="search", seen=[], classes=("contact", "address", "identity"),
                  now=T0, search_query="q" * 300)
    (row,) = logged()
    assert len(row.user_agent) == 200 and len(row.search_query) == 200
    assert row.data_classes == "address,contact,identity"


def test_unknown_data_classes_are_refused(app):
    with pytest.raises(ValueError):
        record_access(viewer=viewer(), action="view", seen=[], classes=("password",), now=T0)


def test_entities_known_by_id_are_resolved_to_account_and_buyer(app):
    account = make_account()
    order = make_order(account, buyer="55501")
    shipment = Shipment(account_id=account.id, order_id=order.id, carrier="inpost", service="paczkomat",
                        idempotency_key="k-1", request={})
    orphan = Shipment(account_id=account.id, carrier="dpd", service="classic", idempotency_key="k-2",
                      request={})
    db.session.add_all([shipment, orphan])
    db.session.commit()
    assert seen_entities("order", [order.id]) == [Seen("order", order.id, account.id, "55501")]
    assert seen_entities("shipment", [shipment.id, orphan.id, shipment.id]) == [
        Seen("shipment", shipment.id, account.id, "55501"),
        Seen("shipment", orphan.id, account.id, None),
    ]
    with pytest.raises(ValueError):
        seen_entities("password", [1])


def test_purge_deletes_only_rows_past_the_retention_in_batches(app):
    account = make_account()
    orders = [make_order(account) for _ in range(7)]
    now = T0 + dt.timedelta(days=365)
    log_views(orders[:5], at=T0 - dt.timedelta(seconds=1))  # a year and a second old
    log_views(orders[5:6], at=T0)  # exactly a year: kept
    log_views(orders[6:], at=now)
    assert purge_access_log(now=now, keep_days=365, batch=2) == 5
    assert sorted(r.entity_id for r in logged()) == [orders[5].id, orders[6].id]
    assert purge_access_log(now=now, keep_days=365, batch=2) == 0  # a rerun finds nothing


def test_purge_refuses_an_empty_batch(app):
    with pytest.raises(ValueError):
        purge_access_log(now=T0, batch=0)


def test_the_log_goes_with_its_seller_account(app):
    account, other = make_account(), make_account()
    log_views([make_order(account), make_order(other)])
    settle(db.engine)
    log_views([make_order(account), make_order(other)])  # and two rows still pending
    db.session.delete(account)
    db.session.commit()
    assert [r.account_id for r in logged()] == [other.id, other.id]


def test_the_daily_job_keeps_twelve_months(app):
    from desk import jobs
    from desk.wiring import use_clock
    from tests.clock import FakeClock

    account = make_account()
    old, recent = make_order(account), make_order(account)
    log_views([old], at=T0)
    log_views([recent], at=T0 + dt.timedelta(days=2))
    use_clock(app, FakeClock(T0 + dt.timedelta(days=366)))
    job = next(job for job in jobs.JOBS if job.name == "purge_access_log")
    assert job.interval(app) == dt.timedelta(days=1)
    assert jobs.purge_access_log_job(app) == {"deleted": 1}
    assert [r.entity_id for r in logged()] == [recent.id]
