"""Pobrania pages: Polish first, each account's COD out of other agents' reach on every route, money
moves (payouts, remittances, holds, offsets) for administrators only, every POST behind its CSRF token,
bad input refused at its field with nothing written."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from flask import url_for
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import EntryKind, Role
from desk.models.cod import CodAccount, CodPayoutBatch, CodRemittance, CodState
from desk.services import billing
from desk.services.billing import Posting
from desk.services.billing.cod import progress
from desk.views.cod.blueprint import today
from integrations.carriers.inpost.fake.cod_remittance import settlement_file
from tests.conftest import desk_app
from tests.factories import PASSWORD, make_agent
from tests.services.billing.cod_helpers import at, make_account, make_cod

D = Decimal


@pytest.fixture
def shops(app):
    """Two accounts, each with COD delivered two working days ago on tier 1 and received (due today or
    earlier), and one parcel still on its way."""
    ours, theirs = make_account("Sklep Nasz"), make_account("Sklep Obcy")
    delivered = today() - dt.timedelta(days=7)
    cods = {
        "ours": make_cod(ours.id, "89.90", tier=1, delivered_on=delivered, received=True),
        "on_way": make_cod(ours.id, "45.00", tier=5),
        "theirs": make_cod(theirs.id, "120.00", tier=1, delivered_on=delivered, received=True),
    }
    progress.run(now=at(today()))
    return ours, theirs, cods


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_the_account_page_says_in_polish_when_each_payment_arrives(client, login, shops):
    ours, _theirs, cods = shops
    login(make_agent(role=Role.AGENT, accounts=[ours]))
    page = client.get(url_for("cod.account", account_id=ours.id))
    html = _text(page)
    assert page.status_code == 200
    assert "Pobrania · Sklep Nasz" in html and "Kiedy wpłyną pieniądze" in html
    assert "w najbliższej wypłacie" in html  # the due one
    assert "5 dni roboczych po doręczeniu" in html  # the one on its way, tier 5
    assert "Erste Bank Polska" in html  # the bank of the account number
    assert cods["theirs"].waybill not in html
    nav = client.get(url_for("cod.index"))
    assert "Sklep Nasz" in _text(nav) and "Sklep Obcy" not in _text(nav)


def test_other_accounts_cod_is_out_of_reach_on_every_route(client, login, shops):
    ours, theirs, cods = shops
    login(make_agent(role=Role.AGENT, accounts=[ours]))
    assert client.get(url_for("cod.account", account_id=theirs.id)).status_code == 404
    assert client.get(url_for("cod.report_csv", account_id=theirs.id)).status_code == 404
    assert client.post(url_for("cod.set_tier", account_id=theirs.id), data={"tier": "1"}).status_code == 404
    assert client.get(url_for("cod.ageing", account_id=theirs.id)).status_code == 404
    ageing = _text(client.get(url_for("cod.ageing")))  # both were due days ago: only ours is listed
    assert cods["ours"].waybill in ageing and cods["theirs"].waybill not in ageing
    ageing_csv = _text(client.get(url_for("cod.ageing", format="csv")))
    assert cods["ours"].waybill in ageing_csv and cods["theirs"].waybill not in ageing_csv
    csv_text = _text(client.get(url_for("cod.report_csv", account_id=ours.id)))
    assert cods["ours"].waybill in csv_text and cods["theirs"].waybill not in csv_text
    theirs_settings = db.session.get(CodAccount, theirs.id)
    assert theirs_settings is None or theirs_settings.default_tier == 5


@pytest.mark.parametrize("role", [Role.AGENT, Role.OWNER])
def test_money_moves_are_for_administrators_only(client, login, shops, role):
    ours, _theirs, _cods = shops
    login(make_agent(role=role, accounts=[ours]))
    for endpoint in ("cod.payouts_page", "cod.remittances_page", "cod.review"):
        assert client.get(url_for(endpoint)).status_code == 403, endpoint
    for endpoint, args in (
        ("cod.build_batch", {}),
        ("cod.export_batch", {"batch_id": 1}),
        ("cod.batch", {"batch_id": 1}),
        ("cod.check_remittance", {}),
        ("cod.apply_remittance", {}),
        ("cod.remittance", {"remittance_id": 1}),
        ("cod.resolve", {"line_id": 1}),
        ("cod.hold", {"account_id": ours.id}),
        ("cod.release", {"account_id": ours.id}),
        ("cod.set_off", {"account_id": ours.id}),
    ):
        method = client.get if endpoint in ("cod.batch", "cod.remittance") else client.post
        assert method(url_for(endpoint, **args)).status_code == 403, endpoint
    assert db.session.scalar(select(func.count(CodPayoutBatch.id))) == 0


def test_an_owner_sees_every_account_and_the_ageing_of_each(client, login, shops):
    ours, theirs, _cods = shops
    login(make_agent(role=Role.OWNER))
    assert client.get(url_for("cod.account", account_id=theirs.id)).status_code == 200
    ageing = client.get(url_for("cod.ageing", format="csv"))
    assert ageing.status_code == 200 and ageing.mimetype == "text/csv"
    assert _text(ageing).splitlines()[0].lstrip("\ufeff").startswith("lista;konto;")


def test_a_wrong_tier_is_refused_at_its_field_and_nothing_saved(client, login, shops):
    ours, _theirs, _cods = shops
    login(make_agent(role=Role.AGENT, accounts=[ours]))
    refused = client.post(url_for("cod.set_tier", account_id=ours.id), data={"tier": "7"})
    assert refused.status_code == 422 and "Wybierz 1, 5 lub 10 dni roboczych." in _text(refused)
    assert db.session.get(CodAccount, ours.id).default_tier == 5
    saved = client.post(url_for("cod.set_tier", account_id=ours.id), data={"tier": "10"})
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(CodAccount, ours.id).default_tier == 10


def test_the_administrator_builds_exports_and_gets_a_copy_the_second_time(client, login, shops):
    ours, theirs, cods = shops
    login(make_agent(role=Role.ADMIN))
    page = client.get(url_for("cod.payouts_page"))
    assert "Sklep Nasz" in _text(page) and "Przygotuj paczkę wypłat" in _text(page)
    built = client.post(url_for("cod.build_batch"))
    batch = db.session.scalar(select(CodPayoutBatch))
    assert built.status_code == 302 and built.headers["Location"].endswith(f"/cod/payouts/{batch.id}")
    assert "Eksportuj przelewy" in _text(client.get(url_for("cod.batch", batch_id=batch.id)))
    exported = client.post(url_for("cod.export_batch", batch_id=batch.id))
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    assert "kopia" not in exported.headers["Content-Disposition"]
    rows = exported.get_data().decode("utf-8-sig").splitlines()
    assert len(rows) == 3 and {row.split(";")[2] for row in rows[1:]} == {"89,90", "120,00"}
    db.session.expire_all()
    assert cods["ours"].state is CodState.PAID and cods["theirs"].state is CodState.PAID
    copy = client.post(url_for("cod.export_batch", batch_id=batch.id))
    assert "kopia" in copy.headers["Content-Disposition"] and copy.get_data() == exported.get_data()
    assert "wypłacono" in _text(client.get(url_for("cod.account", account_id=ours.id)))


def test_a_remittance_is_checked_first_then_imported_and_leftovers_reviewed(client, login, app):
    account = make_account("Sklep Rozliczany")
    record = make_cod(account.id, "100.00", tier=5, delivered_on=today() - dt.timedelta(days=1))
    login(make_agent(role=Role.ADMIN))
    lines = [(record.waybill, D("90.00"), today()), ("404404404", D("5.00"), today())]
    data = settlement_file(lines, settlement_id="RS/7", transfer_date=today())
    checked = client.post(
        url_for("cod.check_remittance"),
        data={"carrier": "inpost", "file": (io.BytesIO(data), "rs7.csv")},
        content_type="multipart/form-data",
    )
    html = _text(checked)
    assert checked.status_code == 200
    assert "Mniej niż oczekiwano" in html and "Nieznany numer przesyłki" in html
    assert db.session.scalar(select(func.count(CodRemittance.id))) == 0  # the dry run wrote nothing
    encoded = re.search(r'name="data" value="([^"]+)"', html).group(1)
    applied = client.post(
        url_for("cod.apply_remittance"), data={"carrier": "inpost", "data": encoded, "file_name": "rs7.csv"}
    )
    assert applied.status_code == 302
    review = _text(client.get(url_for("cod.review")))
    assert record.waybill in review and "404404404" in review
    again = client.post(
        url_for("cod.apply_remittance"), data={"carrier": "inpost", "data": encoded, "file_name": "rs7.csv"}
    )
    assert again.status_code == 422 and "Ten plik zaimportowano" in _text(again)
    line_id = int(re.search(r'id="line-(\d+)"', review).group(1))
    empty = client.post(url_for("cod.resolve", line_id=line_id), data={"note": " "})
    assert empty.status_code == 422 and "Napisz, co postanowiono." in _text(empty)


def test_a_bad_remittance_file_is_refused_with_its_lines_named(client, login, app):
    login(make_agent(role=Role.ADMIN))
    header = b"tracking_number,cod_amount,currency,delivered_at,settlement_id,transfer_date\r\n"
    bad = header + b"X,abc,PLN,x,R,y\r\n"
    refused = client.post(
        url_for("cod.check_remittance"),
        data={"carrier": "inpost", "file": (io.BytesIO(bad), "bad.csv")},
        content_type="multipart/form-data",
    )
    html = _text(refused)
    assert refused.status_code == 422 and "To nie jest kwota: abc." in html and "To nie jest data: x." in html
    assert db.session.scalar(select(func.count(CodRemittance.id))) == 0


def test_holds_and_offsets_from_the_account_page(client, login, shops):
    ours, _theirs, cods = shops
    billing.post(Posting(ours.id, EntryKind.SURCHARGE, D("-20.00"), key="s1", enforce_limit=False))
    db.session.commit()
    progress.run(now=at(today()))
    login(make_agent(role=Role.ADMIN))
    html = _text(client.get(url_for("cod.account", account_id=ours.id)))
    assert "Wypłaty są wstrzymane." in html and "Saldo poniżej zera: 20,00" in html
    client.post(url_for("cod.set_off", account_id=ours.id))
    db.session.expire_all()
    assert cods["ours"].offset_amount == D("20.00") and cods["ours"].state is CodState.DUE
    assert not db.session.get(CodAccount, ours.id).held
    refused = client.post(url_for("cod.hold", account_id=ours.id), data={"reason": ""})
    assert refused.status_code == 302 and not db.session.get(CodAccount, ours.id).held
    client.post(url_for("cod.hold", account_id=ours.id), data={"reason": "Kontrola zwrotów"})
    db.session.expire_all()
    assert "Powód: Kontrola zwrotów" in _text(client.get(url_for("cod.account", account_id=ours.id)))


def test_every_cod_post_needs_its_csrf_token(fake_allegro, database_url):
    with desk_app(fake_allegro, database_url, WTF_CSRF_ENABLED=True) as app, app.test_request_context():
        account = make_account("Sklep CSRF")
        agent = make_agent(role=Role.ADMIN)
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        signed = client.post("/login", data={"email": agent.email, "password": PASSWORD, "csrf_token": token})
        assert signed.status_code == 302
        for url in (
            "/cod/payouts", "/cod/payouts/1/export", "/cod/remittances/check", "/cod/remittances/apply",
            "/cod/review/1", f"/cod/accounts/{account.id}/tier", f"/cod/accounts/{account.id}/hold",
            f"/cod/accounts/{account.id}/release", f"/cod/accounts/{account.id}/offset",
        ):
            refused = client.post(url, data={"tier": "1", "reason": "x"})
            assert refused.status_code == 400, url
            assert "Formularz wygasł" in refused.get_data(as_text=True)
        assert db.session.get(CodAccount, account.id) is None


def test_a_batch_stopped_on_an_earlier_day_is_finished_from_its_page(client, login, shops):
    from desk.models.cod import BatchStatus, CodPayout
    from desk.services.billing.cod import payouts

    yesterday = today() - dt.timedelta(days=1)

    def stop(_account_id: int) -> None:
        raise RuntimeError("the worker died")

    with pytest.raises(RuntimeError):
        payouts.build(yesterday, now=at(yesterday), after_account=stop)
    db.session.rollback()
    batch = db.session.scalar(select(CodPayoutBatch))
    assert batch.status is BatchStatus.OPEN and db.session.scalar(select(func.count(CodPayout.id))) == 1
    login(make_agent(role=Role.ADMIN))
    page = _text(client.get(url_for("cod.batch", batch_id=batch.id)))
    assert "nie została dokończona" in page and f'value="{yesterday.isoformat()}"' in page
    client.post(url_for("cod.build_batch"), data={"pay_date": yesterday.isoformat()})
    db.session.expire_all()
    assert batch.status is BatchStatus.READY and batch.pay_date == yesterday
    assert db.session.scalar(select(func.count(CodPayout.id))) == 2
    assert db.session.scalar(select(func.count(CodPayoutBatch.id))) == 1
