"""The sync page lists the records set aside, and retrying one reads it from Allegro again."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import Order, QuarantinedRecord, Role
from desk.services.sync.lease import acquire_lease
from desk.services.sync.runner import run_sync
from desk.wiring import get_allegro
from integrations.allegro.fake import bad_records
from tests.factories import connect_account, make_agent

FORMS = "GET /order/checkout-forms"
FORM = "GET /order/checkout-forms/{id}"


def _set_aside_one_order(fake_allegro, name="Sklep"):
    account, seller = connect_account(fake_allegro, name=name)
    fake_allegro.state.add_checkout_form(seller)
    fake_allegro.state.add_checkout_form(seller)
    fake_allegro.state.tamper_next(FORMS, bad_records.drop_field("summary", where="checkoutForms", index=0))
    run_sync(get_allegro(), account.id)
    record = db.session.scalar(select(QuarantinedRecord))
    return account, record


def _orders() -> int:
    return db.session.scalar(select(func.count()).select_from(Order))


def test_the_sync_page_lists_a_set_aside_order_in_polish(app, client, login, fake_allegro):
    _account, record = _set_aside_one_order(fake_allegro)
    login(make_agent(role=Role.ADMIN))

    html = client.get(url_for("sync.index")).get_data(as_text=True)

    assert "Odłożone rekordy" in html and "Zamówienie" in html
    assert record.allegro_id in html and "AllegroResponseError" in html
    assert url_for("sync.retry_record", record_id=record.id, _external=False) in html


def test_retry_reads_the_order_again_and_saves_it(app, client, login, fake_allegro):
    _account, record = _set_aside_one_order(fake_allegro)
    login(make_agent(role=Role.ADMIN))
    assert _orders() == 1

    response = client.post(url_for("sync.retry_record", record_id=record.id), follow_redirects=True)

    html = response.get_data(as_text=True)
    assert "Odczytano ponownie i zapisano." in html and "Odłożone rekordy" not in html
    assert _orders() == 2
    db.session.refresh(record)
    assert record.resolution == "stored"


def test_a_retry_that_is_still_bad_keeps_the_record_with_the_new_error(app, client, login, fake_allegro):
    _account, record = _set_aside_one_order(fake_allegro)
    fake_allegro.state.tamper_next(FORM, bad_records.set_field("id", "inne-zamowienie"))
    login(make_agent(role=Role.ADMIN))

    html = client.post(url_for("sync.retry_record", record_id=record.id), follow_redirects=True).get_data(
        as_text=True
    )

    assert "pozostaje odłożony" in html
    db.session.refresh(record)
    assert record.resolved_at is None and record.times_seen == 2 and "inne-zamowienie" in record.error
    assert _orders() == 1


def test_retry_while_the_account_syncs_is_refused_untouched(app, client, login, fake_allegro):
    account, record = _set_aside_one_order(fake_allegro)
    acquire_lease(account.id, "other-host:1", ttl_seconds=60)
    login(make_agent(role=Role.ADMIN))

    html = client.post(url_for("sync.retry_record", record_id=record.id), follow_redirects=True).get_data(
        as_text=True
    )

    assert "jest teraz synchronizowane" in html
    db.session.refresh(record)
    assert record.resolved_at is None and record.times_seen == 1


def test_retry_when_allegro_is_down_says_so_and_keeps_the_record(app, client, login, fake_allegro):
    _account, record = _set_aside_one_order(fake_allegro)
    fake_allegro.state.fail_next(FORM, 503, times=10)
    login(make_agent(role=Role.ADMIN))

    html = client.post(url_for("sync.retry_record", record_id=record.id), follow_redirects=True).get_data(
        as_text=True
    )

    assert "Nie udało się teraz zapytać Allegro" in html
    db.session.refresh(record)
    assert record.resolved_at is None


def test_a_record_gone_from_allegro_is_resolved_as_gone(app, client, login, fake_allegro):
    _account, record = _set_aside_one_order(fake_allegro)
    fake_allegro.state.fail_next(FORM, 404)
    login(make_agent(role=Role.ADMIN))

    client.post(url_for("sync.retry_record", record_id=record.id))

    db.session.refresh(record)
    assert record.resolution == "gone"


def test_agents_see_and_retry_only_their_accounts_records(app, client, login, fake_allegro):
    mine, _ = connect_account(fake_allegro, name="Moje")
    _other, record = _set_aside_one_order(fake_allegro, name="Cudze")
    login(make_agent(role=Role.AGENT, accounts=[mine]))

    assert record.allegro_id not in client.get(url_for("sync.index")).get_data(as_text=True)
    assert client.post(url_for("sync.retry_record", record_id=record.id)).status_code == 404
    assert client.post(url_for("sync.retry_record", record_id=10**6)).status_code == 404
