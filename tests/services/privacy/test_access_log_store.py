"""The access log's store: requests write to the pending table, `settle` moves the rows into the indexed log
in their order of arrival, each exactly once; the PostgreSQL connections the inserts are sent on."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading

import pytest
from sqlalchemy import func, select, text

from desk import jobs
from desk.extensions import db
from desk.models import AccessLog, AccessLogPending
from desk.services.privacy.access_log import prepare_rows, record_access
from desk.services.privacy.access_log_pg import SENDER
from desk.services.privacy.access_log_store import send_rows, settle, write_rows
from tests.services.privacy.access_helpers import (
    T0,
    log_views,
    logged,
    make_account,
    make_order,
    seen,
    viewer,
)

COLUMNS = ("at", "agent_id", "ip", "user_agent", "route", "action", "entity_type", "entity_id", "account_id",
           "buyer_ref", "data_classes", "search_query")


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def as_tuples(rows) -> list[tuple]:
    return [tuple(getattr(row, name) for name in COLUMNS) for row in rows]


def test_a_request_writes_to_the_pending_table_and_settle_moves_every_column(app):
    account = make_account()
    orders = [make_order(account) for _ in range(3)]
    record_access(viewer=viewer(5), action="list", seen=[seen(o) for o in orders], classes=("identity",),
                  now=T0)
    record_access(viewer=viewer(6), action="search", seen=[], classes=("identity",), now=T0,
                  search_query="Kowalska")
    assert (count(AccessLogPending), count(AccessLog)) == (4, 0)
    pending = as_tuples(db.session.scalars(select(AccessLogPending).order_by(AccessLogPending.id)))
    assert settle(db.engine) == 4
    assert as_tuples(logged()) == pending  # nothing changed on the way, the order kept
    assert count(AccessLogPending) == 0
    assert settle(db.engine) == 0  # a rerun finds nothing


def test_settle_goes_batch_by_batch_in_order_of_arrival(app):
    account = make_account()
    orders = [make_order(account) for _ in range(7)]
    log_views(orders)  # one request per order
    assert settle(db.engine, batch=3) == 7
    assert [r.entity_id for r in logged()] == [o.id for o in orders]


def test_settle_refuses_an_empty_batch(app):
    with pytest.raises(ValueError):
        settle(db.engine, batch=0)


def test_a_time_is_stored_as_the_orm_stores_it(app):
    """The insert bypasses the ORM's statement layer; a window query must still find its rows."""
    account = make_account()
    order = make_order(account)
    moment = dt.datetime(2026, 11, 2, 11, 0, 0, 5, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    log_views([order], at=moment)
    (row,) = logged(AccessLog.at >= moment, AccessLog.at < moment + dt.timedelta(microseconds=1))
    assert row.at == moment and row.at.tzinfo == dt.UTC


def test_the_job_settles_every_minute(app):
    account = make_account()
    log_views([make_order(account), make_order(account)])
    job = next(job for job in jobs.JOBS if job.name == "settle_access_log")
    assert job.interval(app) == dt.timedelta(minutes=1)
    assert jobs.settle_access_log_job(app) == {"moved": 2}
    assert (count(AccessLogPending), count(AccessLog)) == (0, 2)


def test_settles_running_at_once_move_each_row_once(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's single writer orders settles; the tests' in-memory database is one connection")
    account = make_account()
    orders = [make_order(account) for _ in range(40)]
    log_views(orders)
    moved: list[int] = []
    engine = db.engine
    threads = [threading.Thread(target=lambda: moved.append(settle(engine, batch=3))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(moved) == 40
    assert sorted(r.entity_id for r in logged()) == sorted(o.id for o in orders)


def test_a_log_connection_cut_by_the_server_is_replaced(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the log keeps connections of its own on PostgreSQL only")
    account = make_account()
    first, second = make_order(account), make_order(account)

    def write(order) -> None:
        rows = prepare_rows(viewer=viewer(), action="view", seen=[seen(order)], classes=("identity",), now=T0)
        write_rows(db.engine, rows)

    done: list[str] = []
    ended: list = []

    def run() -> None:
        nonlocal ended  # (on a thread of its own, as a web thread writes)
        with app.app_context():
            write(first)
            with db.engine.connect() as admin:  # the server ends the writer's connection
                ended = admin.execute(text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
                    "AND datname = current_database() AND query LIKE 'WITH quick AS%'"
                )).all()
                admin.commit()
            write(second)
            SENDER.close()
            done.append("ok")

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert done == ["ok"] and (True,) in ended
    assert [r.entity_id for r in logged()] == [first.id, second.id]


def test_inserts_under_way_at_once_each_have_a_connection_given_back_after(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the log keeps connections of its own on PostgreSQL only")
    account = make_account()
    first, second = make_order(account), make_order(account)
    SENDER.close()
    answers = [send_rows(db.engine, prepare_rows(viewer=viewer(), action="view", seen=[seen(order)],
                                                 classes=("identity",), now=T0))
               for order in (first, second)]  # both sent before either is read
    assert [answer.result(timeout=5) for answer in answers] == [1, 1]
    assert len(SENDER._free[next(iter(SENDER._free))]) == 2
    assert [r.entity_id for r in logged()] == [first.id, second.id]


def test_a_process_ends_its_log_connections_when_it_exits(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the log keeps connections of its own on PostgreSQL only")
    script = (
        "import sys; from sqlalchemy import create_engine; "
        "from desk.services.privacy.access_log_pg import SENDER; "
        "engine = create_engine(sys.argv[1]); "
        "SENDER._give_back(engine, SENDER._take(engine))"  # a free connection is left when the process ends
    )
    url = db.engine.url.render_as_string(hide_password=False)
    done = subprocess.run([sys.executable, "-W", "always::ResourceWarning", "-c", script, url],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "ResourceWarning" not in done.stderr  # closed, not dropped open
