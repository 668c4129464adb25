"""Accounts and sync pages: device-flow connection, token health, history, sync now, access rules."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from desk.extensions import db
from desk.models import DeviceAuthorization, Role, SyncRun
from desk.services.sync.runner import run_sync
from desk.wiring import get_allegro
from tests.factories import connect_account, make_agent


def test_admin_connects_an_account_through_the_device_flow(app, client, login, fake_allegro):
    fake_allegro.state.add_seller("sklep_ogrodowy")
    fake_allegro.state.auto_approve_devices = True
    login(make_agent(role=Role.ADMIN))
    response = client.post(url_for("accounts.connect"), data={"name": "Ogród"})
    auth = db.session.scalar(select(DeviceAuthorization))
    assert response.headers["Location"].endswith(url_for("accounts.device", auth_id=auth.id, _external=False))
    page = client.get(url_for("accounts.device", auth_id=auth.id), follow_redirects=True)
    html = page.get_data(as_text=True)
    assert "sklep_ogrodowy" in html
    assert page.status_code == 200


def test_device_page_shows_the_code_while_pending(app, client, login, fake_allegro):
    fake_allegro.state.add_seller("s")
    login(make_agent(role=Role.OWNER))
    client.post(url_for("accounts.connect"), data={"name": "Sklep"})
    auth = db.session.scalar(select(DeviceAuthorization))
    html = client.get(url_for("accounts.device", auth_id=auth.id)).get_data(as_text=True)
    assert auth.user_code in html
    assert 'http-equiv="refresh"' in html


def test_agents_cannot_connect_accounts(app, client, login):
    login(make_agent(role=Role.AGENT))
    assert client.post(url_for("accounts.connect"), data={"name": "X"}).status_code == 403


def test_account_page_shows_token_health_and_history(app, client, login, fake_allegro):
    account, seller = connect_account(fake_allegro, name="Elektronika")
    fake_allegro.state.add_checkout_form(seller)
    run_sync(get_allegro(), account.id)
    login(make_agent(role=Role.ADMIN))
    html = client.get(url_for("accounts.detail", account_id=account.id)).get_data(as_text=True)
    assert "Elektronika" in html
    assert "Historia synchronizacji" in html or "Synchronisation history" in html
    assert ">1<" in html.replace(" ", "")  # one new order in the history row


def test_agent_sees_only_assigned_accounts(app, client, login, fake_allegro):
    mine, _ = connect_account(fake_allegro, name="Moje")
    other, _ = connect_account(fake_allegro, name="Cudze")
    login(make_agent(role=Role.AGENT, accounts=[mine]))
    listing = client.get(url_for("accounts.index")).get_data(as_text=True)
    assert "Moje" in listing and "Cudze" not in listing
    assert client.get(url_for("accounts.detail", account_id=other.id)).status_code == 404
    assert client.post(url_for("sync.run_now", account_id=other.id)).status_code == 404


def test_sync_now_runs_and_lands_in_history(app, client, login, fake_allegro):
    account, seller = connect_account(fake_allegro)
    fake_allegro.state.add_checkout_form(seller)
    login(make_agent(role=Role.ADMIN))
    response = client.post(url_for("sync.run_now", account_id=account.id))
    assert response.status_code == 302
    run = db.session.scalar(select(SyncRun))
    assert run is not None and run.state == "ok"
    assert run.created == 1
    html = client.get(url_for("sync.index")).get_data(as_text=True)
    assert account.name in html


def test_a_partial_run_says_so_in_polish_with_the_failed_step(app, client, login, fake_allegro):
    account, _ = connect_account(fake_allegro)
    fake_allegro.state.fail_next("GET /sale/issues", 503, times=20)
    assert run_sync(get_allegro(), account.id).state == "partial"
    login(make_agent(role=Role.ADMIN))
    html = client.get("/sync/").get_data(as_text=True)
    assert "częściowo" in html and "issues: ServerError" in html


def test_a_missing_account_is_a_polish_404_page(app, client, login):
    login(make_agent(role=Role.ADMIN))
    response = client.get("/accounts/999")
    assert response.status_code == 404
    assert "Nie znaleziono konta." in response.get_data(as_text=True)


def test_the_sync_page_shows_each_accounts_schedule(app, client, login, fake_allegro):
    import datetime as dt

    from desk.models.sync import SyncSchedule
    from desk.orm import utcnow

    quiet, _ = connect_account(fake_allegro, name="Cichy")
    busy, _ = connect_account(fake_allegro, name="Ruchliwy")
    connect_account(fake_allegro, name="Nowy")
    now = utcnow()
    db.session.add_all(
        [
            SyncSchedule(
                account_id=quiet.id,
                next_sync_at=now + dt.timedelta(seconds=610),
                interval_seconds=900,
                idle_streak=4,
            ),
            SyncSchedule(account_id=busy.id, next_sync_at=now, interval_seconds=60, dispatched_at=now),
        ]
    )
    db.session.commit()
    login(make_agent(role=Role.ADMIN))
    html = client.get(url_for("sync.index")).get_data(as_text=True)
    assert "Następna synchronizacja" in html
    assert "za 11 min" in html and "co 15 min" in html and "4 synchronizacji z rzędu bez zmian" in html
    assert "przekazana do wykonania" in html
