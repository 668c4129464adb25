"""The owners' access-log page: Polish, owners only, filters by buyer, agent, record and dates, counts per
data class and account, paging, and CSV exports that are themselves logged."""
from __future__ import annotations

import csv
import datetime as dt
import io

from flask import url_for

from desk.models import AccessAction, AccessLog, Role
from desk.services.privacy.pseudonyms import buyer_pseudonym
from tests.factories import make_agent
from tests.services.privacy.access_helpers import T0, log_views, logged, make_account, make_order


def code(shop, buyer: str) -> str:
    """How a row names its buyer: a link to the buyer's rows by the account's pseudonym of the Allegro id
    (the cell shows the key's first characters)."""
    key = buyer_pseudonym(shop.id, buyer)
    title = f"Wszystko, co pokazano o tym kupującym: {key}"
    return f'access-log?buyer={key}" title="{title}"><code>{key[:12]}…</code>'



def seed():
    shop = make_account("Sklep z kubkami")
    jan = make_order(shop, buyer="777", buyer_login="jan_kupujacy")
    ewa = make_order(shop, buyer="888", buyer_login="ewa_kupujaca")
    log_views([jan, ewa], agent_id=41, at=T0, classes=("identity", "address"))
    log_views([jan], agent_id=42, at=T0 + dt.timedelta(days=3))
    return shop, jan, ewa


def test_agents_cannot_read_the_log(client, login):
    login(make_agent(role=Role.AGENT))
    assert client.get(url_for("privacy.access_log")).status_code == 403
    assert client.get(url_for("privacy.access_log_export")).status_code == 403


def test_owner_reads_the_log_in_polish_and_sees_it_in_the_area(client, login):
    shop, jan, _ewa = seed()
    login(make_agent(role=Role.OWNER))
    html = client.get(url_for("privacy.access_log")).get_data(as_text=True)
    assert "Rejestr dostępu" in html and "Klucz kupującego" in html and "Wyświetlenie" in html
    assert html.count(code(shop, "777")) == 2 and code(shop, "888") in html
    assert "jan_kupujacy" not in html  # buyers are named by their key only
    area = client.get(url_for("privacy.index")).get_data(as_text=True)
    assert url_for("privacy.access_log", _external=False) in area


def test_who_saw_a_buyer_by_login_with_counts(client, login):
    shop, jan, _ewa = seed()
    owner = login(make_agent(role=Role.OWNER))
    html = client.get(url_for("privacy.access_log", buyer="jan_kupujacy")).get_data(as_text=True)
    assert html.count(code(shop, "777")) == 2 and code(shop, "888") not in html
    assert "Dotyczy 1 kupującego." in html
    assert "Tożsamość" in html and "Sklep z kubkami" in html
    (lookup,) = logged(AccessLog.agent_id == owner.id)
    assert (lookup.action, lookup.search_query) == (AccessAction.SEARCH, "buyer=jan_kupujacy")


def test_a_rows_buyer_key_links_to_everything_shown_of_that_buyer(client, login):
    shop, _jan, _ewa = seed()
    login(make_agent(role=Role.OWNER))
    key = buyer_pseudonym(shop.id, "777")
    html = client.get(url_for("privacy.access_log", buyer=key)).get_data(as_text=True)
    assert html.count(code(shop, "777")) == 2 and code(shop, "888") not in html
    assert "Dotyczy 1 kupującego." in html


def test_what_an_agent_saw_between_dates(client, login):
    seed()
    login(make_agent(role=Role.OWNER))
    html = client.get(url_for("privacy.access_log", agent="41", date_from="2026-11-02",
                              date_to="2026-11-02")).get_data(as_text=True)
    assert "Dotyczy 2 kupujących." in html
    later = client.get(url_for("privacy.access_log", agent="41", date_from="2026-11-03"))
    later = later.get_data(as_text=True)
    assert "Brak zarejestrowanego dostępu dla tych filtrów." in later
    bad = client.get(url_for("privacy.access_log", date_from="jutro")).get_data(as_text=True)
    assert "Wpisz datę" in bad or "31.05.2024" in bad


def test_by_record(client, login):
    shop, jan, ewa = seed()
    login(make_agent(role=Role.OWNER))
    html = client.get(url_for("privacy.access_log", entity_type="order", entity_id=str(ewa.id)))
    text = html.get_data(as_text=True)
    assert code(shop, "888") in text and code(shop, "777") not in text


def test_pages_of_fifty(client, login):
    shop = make_account()
    log_views([make_order(shop) for _ in range(55)])
    login(make_agent(role=Role.OWNER))
    first = client.get(url_for("privacy.access_log")).get_data(as_text=True)
    assert first.count("<tr>") == 51  # heading + 50
    next_url = first.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    second = client.get(next_url).get_data(as_text=True)
    assert second.count("<tr>") == 6


def test_the_export_is_csv_for_excel_and_is_logged(client, login):
    shop, _jan, _ewa = seed()
    jan, ewa = buyer_pseudonym(shop.id, "777"), buyer_pseudonym(shop.id, "888")
    owner = login(make_agent(role=Role.OWNER))
    response = client.get(url_for("privacy.access_log_export", agent="41"))
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))
    assert sorted(r["buyer_ref"] for r in rows) == sorted([jan, ewa])
    (export,) = logged(AccessLog.agent_id == owner.id)
    assert (export.action, export.route, export.search_query) == (
        AccessAction.EXPORT, "privacy.access_log_export", "agent=41")
    buyers = client.get(url_for("privacy.access_log_buyers", buyer="777")).get_data(as_text=True)
    assert list(csv.reader(io.StringIO(buyers[1:]), delimiter=";")) == [["buyer_ref", "rows"], [jan, "2"]]


def test_no_write_through_the_page(client, login):
    seed()
    login(make_agent(role=Role.OWNER))
    for method in (client.post, client.delete, client.put):
        assert method(url_for("privacy.access_log")).status_code in (400, 405)
