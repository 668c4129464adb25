"""store_each: a refused page is stored record by record in savepoints, inside the caller's
transaction, so what the caller rolls back is never half-committed."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from desk.extensions import db
from desk.models import QuarantinedRecord, SyncCursor
from desk.services.shared.quarantine import Quarantine, record_key, store_each
from tests.factories import connect_account


def _cursors() -> list[str]:
    return sorted(db.session.scalars(select(SyncCursor.feed)))


def _store(account_id):
    def store(feeds):
        for feed in feeds:
            if feed == "bad":
                raise ValueError("a feed the store refuses")
            db.session.add(SyncCursor(account_id=account_id, feed=feed, value="x"))
        db.session.flush()
        return list(feeds)

    return store


def test_a_refused_record_is_handed_back_and_the_others_are_kept(app, fake_allegro):
    account, _ = connect_account(fake_allegro)
    refused = []

    def refuse(feed, exc):
        refused.append((feed, str(exc)))

    stored = store_each(["a", "bad", "b"], _store(account.id), refuse)

    assert stored == ["a", "b"] and refused == [("bad", "a feed the store refuses")]
    assert _cursors() == ["a", "b"]


def test_a_constraint_breach_is_refused_by_the_database_itself(app, fake_allegro):
    account, _ = connect_account(fake_allegro)
    db.session.add(SyncCursor(account_id=account.id, feed="taken", value="x"))
    db.session.commit()
    refused = []

    store_each(["new", "taken"], _store(account.id), lambda feed, exc: refused.append((feed, type(exc))))

    assert refused == [("taken", IntegrityError)] and _cursors() == ["new", "taken"]


def test_nothing_is_committed_until_the_caller_commits(app, fake_allegro):
    account, _ = connect_account(fake_allegro)

    store_each(["a", "bad", "b"], _store(account.id), lambda feed, exc: None)
    db.session.rollback()  # the caller's page failed later: its cursor and rows go together

    assert _cursors() == []


def test_a_record_without_an_id_is_keyed_by_its_content(app, fake_allegro):
    account, _ = connect_account(fake_allegro)
    quarantine = Quarantine(account.id, "orders")

    quarantine.set_aside("checkout_form", None, raw='"x"', error="not a JSON object")
    quarantine.set_aside("checkout_form", None, raw='"x"', error="not a JSON object")
    quarantine.set_aside("checkout_form", "a" * 100, raw="{}", error="too long an id")
    db.session.commit()

    rows = db.session.scalars(select(QuarantinedRecord).order_by(QuarantinedRecord.id)).all()
    assert [row.times_seen for row in rows] == [2, 1]
    assert rows[0].record_key == record_key(None, '"x"') and rows[0].record_key.startswith("sha256:")
    assert len(rows[1].record_key) <= 80 and len(rows[1].allegro_id) == 64
    assert db.session.scalar(select(func.count()).select_from(QuarantinedRecord)) == 2
