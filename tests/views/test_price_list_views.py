"""Price list pages: owners and admins only, account scoping, Polish errors kept next to the fields,
read-only lists in force, CSV export and a dry-run import, CSRF on every form."""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from flask import url_for
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import PriceList, PriceRow, Role, SellerAccount
from desk.views.shipping.blueprint import today
from tests.conftest import desk_app
from tests.factories import PASSWORD, make_agent
from tests.services.shipping.helpers import ADDONS, DPD_BANDS, D, make_list


@pytest.fixture
def owner(app):
    return make_agent(role=Role.OWNER, name="Olga Właścicielka")


@pytest.fixture
def shop(app):
    account = SellerAccount(name="Sklep Kwiatek")
    db.session.add(account)
    db.session.commit()
    return account


def tomorrow() -> dt.date:
    return today() + dt.timedelta(days=1)


def html(response, status=200) -> str:
    assert response.status_code == status, response.get_data(as_text=True)[-2000:]
    return response.get_data(as_text=True)


def test_agents_get_403_on_every_price_page(app, client, login, shop):
    price_list = make_list(rows=DPD_BANDS)
    login(make_agent(role=Role.AGENT, accounts=[shop]))
    assert client.get(url_for("shipping.price_lists")).status_code == 403
    assert client.get(url_for("shipping.price_list", list_id=price_list.id)).status_code == 403
    assert client.get(url_for("shipping.export", list_id=price_list.id)).status_code == 403
    assert client.post(url_for("shipping.delete", list_id=price_list.id)).status_code == 403
    assert db.session.get(PriceList, price_list.id) is not None


def test_owner_sees_public_and_account_lists_with_counts(app, client, login, owner, shop):
    make_list(name="Cennik publiczny", rows=DPD_BANDS, addons=ADDONS)
    make_list(name="Cennik Kwiatka", account_id=shop.id, rows=DPD_BANDS[:1])
    login(owner)
    page = html(client.get(url_for("shipping.price_lists")))
    assert "Cenniki" in page and "Cennik publiczny" in page and "Cennik Kwiatka" in page
    assert "Sklep Kwiatek" in page and "Cennik publiczny" in page
    assert "obowiązuje" in page  # the state, in Polish


def test_admin_creates_a_list_and_the_form_keeps_what_was_typed_on_errors(app, client, login, shop):
    login(make_agent(role=Role.ADMIN))
    refused = html(client.post(url_for("shipping.new_price_list"), data={
        "owner": str(shop.id), "name": "Mój <cennik>", "valid_from": "2020-01-01", "valid_to": "jutro",
        "vat_rate": "23,00"}), 400)
    assert 'value="Mój &lt;cennik&gt;"' in refused
    assert "Nowy cennik nie może zaczynać się w przeszłości" in refused
    assert "Podaj datę w formacie RRRR-MM-DD." in refused
    assert db.session.scalar(select(func.count(PriceList.id))) == 0
    created = client.post(url_for("shipping.new_price_list"), data={
        "owner": str(shop.id), "name": "Cennik Kwiatka", "valid_from": tomorrow().isoformat(),
        "vat_rate": "23"})
    assert created.status_code == 302
    price_list = db.session.scalars(select(PriceList)).one()
    assert (price_list.account_id, price_list.valid_from) == (shop.id, tomorrow())


def test_an_overlapping_list_is_refused_in_polish(app, client, login, owner):
    make_list(name="Obecny", valid_from=dt.date(2026, 1, 1))
    login(owner)
    refused = html(client.post(url_for("shipping.new_price_list"), data={
        "owner": "public", "name": "Nowy", "valid_from": tomorrow().isoformat()}), 400)
    assert "nakłada się na cennik „Obecny”" in refused
    copied = client.post(url_for("shipping.new_price_list"), data={
        "owner": "public", "name": "Nowy", "valid_from": tomorrow().isoformat(), "close_previous": "1"})
    assert copied.status_code == 302


def test_rows_of_a_planned_list_are_edited_with_errors_next_to_the_field(app, client, login, owner):
    planned = make_list(valid_from=tomorrow(), rows=DPD_BANDS)
    login(owner)
    page = html(client.get(url_for("shipping.price_list", list_id=planned.id)))
    assert "Dodaj cenę" in page
    bad = html(client.post(url_for("shipping.save_row", list_id=planned.id), data={
        "carrier": "dpd", "service": "dpd_classic", "weight_from_g": "9000", "weight_to_g": "12000",
        "net": "12,5zł"}), 400)
    assert re.search(r'id="row-net-errors">\s*<li>Podaj kwotę w złotych, np. 12,50.</li>', bad)
    assert 'value="12,5zł"' in bad
    overlap = html(client.post(url_for("shipping.save_row", list_id=planned.id), data={
        "carrier": "dpd", "service": "dpd_classic", "weight_from_g": "9000", "weight_to_g": "12000",
        "net": "12,50"}), 400)
    assert re.search(r'id="row-weight_from_g-errors">\s*<li>Przedział wagi nakłada się', overlap)
    ok = client.post(url_for("shipping.save_row", list_id=planned.id), data={
        "carrier": "dpd", "service": "dpd_classic", "weight_from_g": "10001", "weight_to_g": "20000",
        "net": "25,50"})
    assert ok.status_code == 302
    assert db.session.scalar(select(PriceRow.net).where(PriceRow.weight_to_g == 20000)) == D("25.50")
    addon = client.post(url_for("shipping.save_addon", list_id=planned.id), data={
        "code": "cod", "net_fixed": "2,30", "percent": "1,00"})
    assert addon.status_code == 302


def test_a_list_in_force_is_read_only_and_says_why(app, client, login, owner):
    in_force = make_list(valid_from=dt.date(2026, 1, 1), rows=DPD_BANDS)
    login(owner)
    page = html(client.get(url_for("shipping.price_list", list_id=in_force.id)))
    assert "tylko do odczytu" in page
    assert "Dodaj cenę" not in page
    refused = client.post(url_for("shipping.save_row", list_id=in_force.id), data={
        "carrier": "dpd", "service": "dpd_classic", "weight_from_g": "10001", "weight_to_g": "20000",
        "net": "1"}, follow_redirects=True)
    assert "utwórz nowy cennik od wybranej daty" in html(refused)
    deleted = client.post(url_for("shipping.delete", list_id=in_force.id), follow_redirects=True)
    assert "Usunąć można tylko cennik" in html(deleted)
    assert db.session.scalar(select(func.count(PriceRow.id))) == 3


def test_export_and_dry_run_import_show_problems_then_apply(app, client, login, owner):
    source = make_list(rows=DPD_BANDS, addons=ADDONS)
    planned = make_list(valid_from=tomorrow(), valid_to=tomorrow())
    login(owner)
    exported = client.get(url_for("shipping.export", list_id=source.id))
    assert exported.status_code == 200
    assert exported.headers["Content-Disposition"].startswith("attachment;")
    assert exported.data.startswith("\ufeff".encode())
    bad = exported.data.replace(b"15,90", b"15,9x")
    checked = html(client.post(url_for("shipping.import_dry_run", list_id=planned.id),
                               data={"file": (io.BytesIO(bad), "cennik.csv")}), 400)
    assert "Plik zawiera błędy; niczego nie zaimportowano." in checked
    assert re.search(r"<td class=\"num\">2</td><td>Netto \(zł\)</td><td>Podaj kwotę", checked)
    assert db.session.scalar(select(func.count(PriceRow.id))) == 3
    dry = html(client.post(url_for("shipping.import_dry_run", list_id=planned.id),
                           data={"file": (io.BytesIO(exported.data), "cennik.csv")}))
    assert "do dodania: 7" in dry
    data = re.search(r'name="data" value="([^"]+)"', dry).group(1)
    applied = client.post(url_for("shipping.import_apply", list_id=planned.id), data={"data": data})
    assert applied.status_code == 302
    db.session.expire_all()
    assert len(db.session.get(PriceList, planned.id).rows) == 3


def test_another_accounts_list_is_404_for_someone_who_cannot_see_it(app, client, login, owner, shop):
    theirs = make_list(account_id=shop.id, valid_from=tomorrow())
    from desk.services.errors import NotFoundError
    from desk.services.shipping import get_price_list

    with pytest.raises(NotFoundError):  # an agent's set of accounts, as the views pass it
        get_price_list(theirs.id, account_ids=set())
    login(owner)  # owners see every account
    assert client.get(url_for("shipping.price_list", list_id=theirs.id)).status_code == 200
    assert client.get(url_for("shipping.price_list", list_id=theirs.id + 100)).status_code == 404


def test_forms_need_their_csrf_token(fake_allegro, database_url):
    with desk_app(fake_allegro, database_url, WTF_CSRF_ENABLED=True) as app:
        agent = make_agent(role=Role.OWNER)
        client = app.test_client()
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True))
        client.post("/login", data={"email": agent.email, "password": PASSWORD, "csrf_token": token.group(1)})
        form = {"owner": "public", "name": "Nowy", "valid_from": tomorrow().isoformat()}
        assert client.post("/shipping/prices/new", data=form).status_code == 400
        page = client.get("/shipping/prices/new").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        assert client.post("/shipping/prices/new", data={**form, "csrf_token": token}).status_code == 302
