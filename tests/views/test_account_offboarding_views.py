"""The owner's end of a seller account (G10), in Polish: download its data, delete it with a typed
confirmation (tokens gone at once), cancel, and the receipts page after the purge."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from flask import url_for

from desk.extensions import db
from desk.models import AccountOffboarding, AllegroToken, OffboardingState, Role
from desk.services.privacy import offboarding
from desk.services.sync.runner import run_sync
from desk.wiring import get_allegro
from tests.factories import connect_account, make_agent


def _shop(fake_allegro, name="Sklep Zegarki"):
    account, seller = connect_account(fake_allegro, name=name)
    fake_allegro.state.add_checkout_form(seller)
    run_sync(get_allegro(), account.id)
    return account.id


def test_agents_may_not_export_or_delete(app, client, login, fake_allegro):
    account_id = _shop(fake_allegro)
    login(make_agent(role=Role.AGENT, accounts=[]))
    for endpoint in ("accounts.delete", "accounts.disconnect", "accounts.keep"):
        assert client.post(url_for(endpoint, account_id=account_id)).status_code == 403
    assert client.get(url_for("accounts.export", account_id=account_id)).status_code == 403
    assert db.session.get(AllegroToken, account_id) is not None


def test_owner_sees_the_polish_offboarding_section(app, client, login, fake_allegro):
    account_id = _shop(fake_allegro)
    login(make_agent(role=Role.OWNER))
    html = client.get(url_for("accounts.detail", account_id=account_id)).get_data(as_text=True)
    assert "Rezygnacja z konta" in html
    assert "Pobierz dane konta (ZIP)" in html
    assert "Usuń konto i jego dane" in html and "Odłącz konto" in html


def test_owner_downloads_the_accounts_data(app, client, login, fake_allegro):
    account_id = _shop(fake_allegro)
    login(make_agent(role=Role.OWNER))
    response = client.get(url_for("accounts.export", account_id=account_id))
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert f"konto-{account_id}-" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    response.close()  # the spooled file goes with the response
    names = set(archive.namelist())
    assert {"order.json", "order.csv", "manifest.json", "settings.json", "README.txt"} <= names
    assert "allegro_token.json" not in archive.namelist()


def test_deleting_needs_the_typed_name_then_stops_everything_at_once(app, client, login, fake_allegro):
    account_id = _shop(fake_allegro)
    owner = login(make_agent(role=Role.OWNER))
    delete_url = url_for("accounts.delete", account_id=account_id)
    wrong = client.post(delete_url, data={"confirm_name": "inne"}, follow_redirects=True)
    assert "Wpisz nazwę konta, aby potwierdzić usunięcie." in wrong.get_data(as_text=True)
    assert db.session.get(AllegroToken, account_id) is not None

    page = client.post(
        url_for("accounts.delete", account_id=account_id), data={"confirm_name": "Sklep Zegarki"},
        follow_redirects=True,
    )
    html = page.get_data(as_text=True)
    assert "Konto jest odłączone, a jego tokeny Allegro usunięte." in html
    assert "Wszystkie jego dane zostaną usunięte" in html
    assert "Anuluj usunięcie" in html
    db.session.expire_all()
    assert db.session.get(AllegroToken, account_id) is None
    request = offboarding.open_offboarding(account_id)
    assert request.requested_by == owner.id
    assert request.purge_due_at - request.requested_at == dt.timedelta(days=30)

    kept = client.post(url_for("accounts.keep", account_id=account_id), follow_redirects=True)
    assert "Usunięcie anulowane." in kept.get_data(as_text=True)
    assert offboarding.open_offboarding(account_id) is None


def test_disconnecting_needs_the_box_and_uses_its_own_grace_period(app, client, login, fake_allegro):
    app.config["OFFBOARDING_DISCONNECT_DAYS"] = 7
    account_id = _shop(fake_allegro)
    login(make_agent(role=Role.OWNER))
    refused = client.post(url_for("accounts.disconnect", account_id=account_id), follow_redirects=True)
    assert "Zaznacz pole, aby potwierdzić odłączenie." in refused.get_data(as_text=True)
    client.post(url_for("accounts.disconnect", account_id=account_id), data={"confirm": "yes"})
    request = offboarding.open_offboarding(account_id)
    assert request.purge_due_at - request.requested_at == dt.timedelta(days=7)


def test_receipts_page_lists_purged_accounts_without_personal_data(app, client, login, fake_allegro):
    account_id = _shop(fake_allegro, name="Sklep Rowery")
    login(make_agent(role=Role.OWNER))
    client.post(url_for("accounts.delete", account_id=account_id), data={"confirm_name": "Sklep Rowery"})
    request = offboarding.open_offboarding(account_id)
    offboarding.purge_due(now=request.purge_due_at, destroy_key=None)
    receipt = db.session.get(AccountOffboarding, request.id)
    assert receipt.state == OffboardingState.PURGED
    html = client.get(url_for("privacy.offboarding_receipts")).get_data(as_text=True)
    assert "Usunięte konta" in html and "Sklep Rowery" in html and "usunięte" in html
    assert "klucz pseudonimów nie został zniszczony" in html
    assert client.get(url_for("accounts.detail", account_id=account_id)).status_code == 404
