"""The billing pages: Polish first, the balance and its entries with filters and pages, the profile,
withdrawals, top-ups, the bank statement import and payouts; every route closed to other accounts'
agents and to the wrong roles, CSRF on every POST."""

from __future__ import annotations

import base64
import io
import re
from decimal import Decimal

import pytest
from flask import url_for
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import EntryKind, LedgerEntry, Payout, PayoutState, Role, SellerAccount, Topup
from desk.orm import utcnow
from desk.services import billing
from desk.services.billing import withdrawals
from desk.services.billing.policy import BillingPolicy
from tests.billing_helpers import fund
from tests.conftest import desk_app
from tests.factories import PASSWORD, make_agent


@pytest.fixture
def shops(app) -> tuple[SellerAccount, SellerAccount]:
    ours, theirs = SellerAccount(name="Sklep Ania"), SellerAccount(name="Cudzy sklep")
    db.session.add_all([ours, theirs])
    db.session.commit()
    found = billing.profile(ours.id)
    found.payout_iban, found.company_name = "PL61109010140000071219812874", "Sklep Ania Anna Nowak"
    db.session.commit()
    fund(ours.id, "300.00")
    fund(theirs.id, "77.00")
    return ours, theirs


def page_of(client, account, **args) -> str:
    response = client.get(url_for("billing.account", account_id=account.id, **args))
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_billing_page_shows_the_balance_entries_and_how_to_top_up(client, login, shops):
    ours, _theirs = shops
    login(make_agent(accounts=[ours]))
    html = page_of(client, ours)
    assert "Rozliczenia konta Sklep Ania" in html
    assert "300,00" in html and "Dostępne na przesyłki" in html
    assert f"SALDO {ours.id}" in html and "PL27114020040000300201355387" in html and "mBank" in html
    assert "Doładowanie" in html and "Obowiązujący cennik" in html
    # an agent neither records top-ups nor withdraws
    assert "Zapisz doładowanie" not in html and "Zleć wypłatę" not in html


def test_entries_are_filtered_by_kind_and_paged(client, login, shops):
    ours, _theirs = shops
    for n in range(60):
        billing.post(billing.Posting(ours.id, EntryKind.SHIPMENT_CHARGE, Decimal("-1.00"), key=f"c{n}"))
    db.session.commit()
    login(make_agent(role=Role.OWNER))
    first = page_of(client, ours)
    assert first.count("<td>Opłata") == 0 and first.count('class="num">-1,00') == 50
    older = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    second = client.get(older).get_data(as_text=True)
    assert second.count('class="num">-1,00') == 10 and "300,00" in second  # the top-up is on page two
    topups = page_of(client, ours, kind="topup")
    assert topups.count('class="num">-1,00') == 0 and 'rel="next"' not in topups
    bad = page_of(client, ours, date_from="wczoraj")
    assert "To nie jest data" in bad


def test_an_owner_saves_the_profile_and_a_bad_nip_comes_back_at_its_field(client, login, shops):
    ours, _theirs = shops
    login(make_agent(role=Role.OWNER))
    form = {"company_name": "Sklep Ania", "nip": "123-456-78-90",
            "payout_iban": "PL61 1090 1014 0000 0712 1981 2874",
            "invoice_mode": "monthly", "payment_mode": "invoice", "credit_limit": "1000"}
    refused = client.post(url_for("billing.edit_profile", account_id=ours.id), data=form)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "To nie jest poprawny NIP" in html and 'value="123-456-78-90"' in html
    assert billing.profile(ours.id).company_name == "Sklep Ania Anna Nowak"  # nothing saved
    url = url_for("billing.edit_profile", account_id=ours.id)
    saved = client.post(url, data=form | {"nip": "8567346215"})
    assert saved.status_code == 302
    db.session.expire_all()
    found = billing.profile(ours.id)
    assert found.nip == "8567346215" and found.invoice_mode.value == "monthly"
    assert found.payment_mode.value == "prepaid" and found.credit_limit == 0  # owners do not set the terms


def test_a_bank_account_shows_its_bank(client, login, shops):
    ours, _theirs = shops
    login(make_agent(role=Role.ADMIN))
    html = client.get(url_for("billing.edit_profile", account_id=ours.id)).get_data(as_text=True)
    assert "Erste Bank Polska" in html and "Limit kredytowy (zł)" in html


def test_a_withdrawal_is_requested_and_a_too_large_one_refused_in_polish(client, login, shops):
    ours, _theirs = shops
    login(make_agent(role=Role.OWNER))
    url = url_for("billing.withdraw", account_id=ours.id)
    refused = client.post(url, data={"amount": "299,00", "idempotency_key": "w1"})
    assert refused.status_code == 422
    assert "Razem z opłatą 5,98 zł to więcej niż saldo; teraz można wypłacić najwyżej 294,12 zł." in (
        refused.get_data(as_text=True)
    )
    done = client.post(url, data={"amount": "100,00", "idempotency_key": "w2"}, follow_redirects=True)
    html = done.get_data(as_text=True)
    assert "Zlecono wypłatę 100,00 zł" in html and "Należności" in html
    assert billing.balance(ours.id) == Decimal("198.00")


def test_an_administrator_records_a_top_up_and_bad_input_is_refused(client, login, shops):
    ours, _theirs = shops
    login(make_agent(role=Role.ADMIN))
    url = url_for("billing.record_topup", account_id=ours.id)
    bad = client.post(url, data={"amount": "-5", "reference": "", "booked_on": "2026-12-01",
                                 "idempotency_key": "t"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Kwota musi być większa od zera." in html
    assert "Podaj numer referencyjny albo tytuł przelewu." in html
    assert db.session.scalar(select(func.count(Topup.id))) == 0
    good = {"amount": "49,99", "reference": "PRZELEW 7", "booked_on": "2026-12-01", "idempotency_key": "t2"}
    assert client.post(url, data=good).status_code == 302
    assert client.post(url, data=good).status_code == 302  # the same form again: booked once
    assert billing.balance(ours.id) == Decimal("349.99")


def test_the_bank_statement_is_checked_then_imported(client, login, shops):
    ours, _theirs = shops
    login(make_agent(role=Role.ADMIN))
    data = (f"data;kwota;tytul;nadawca;rachunek;id_transakcji\n2026-12-01;150,00;SALDO {ours.id};Anna;;TX-1\n"
            "2026-12-01;9,00;bez tytułu;Jan;;TX-2\n").encode()
    checked = client.post(url_for("billing.bank_statement_check"), data={"file": (io.BytesIO(data), "w.csv")})
    html = checked.get_data(as_text=True)
    assert checked.status_code == 200 and "do zaksięgowania" in html and "nie znaleziono konta" in html
    assert db.session.scalar(select(func.count(Topup.id))) == 0
    encoded = base64.b64encode(data).decode()
    applied = client.post(url_for("billing.bank_statement_apply"), data={"data": encoded})
    assert "Zaksięgowane doładowania: 1 (150,00 zł)" in applied.get_data(as_text=True)
    assert billing.balance(ours.id) == Decimal("450.00")
    bad_file = {"file": (io.BytesIO(b"a;b\n1;2\n"), "x.csv")}
    broken = client.post(url_for("billing.bank_statement_check"), data=bad_file)
    assert broken.status_code == 422 and "Nagłówek musi zawierać kolumny" in broken.get_data(as_text=True)


def test_payouts_are_exported_downloaded_and_marked_paid(client, login, shops):
    ours, _theirs = shops
    payout = withdrawals.request_withdrawal(ours.id, "100", key="w1", actor_id=None, now=utcnow(),
                                            policy=BillingPolicy())
    login(make_agent(role=Role.ADMIN))
    listed = client.get(url_for("billing.payout_list")).get_data(as_text=True)
    assert f"W/{payout.id}" in listed and "zlecona" in listed
    client.post(url_for("billing.payout_export"), data={})
    db.session.expire_all()
    exported = db.session.get(Payout, payout.id)
    assert exported.state is PayoutState.EXPORTED
    file = client.get(url_for("billing.payout_file", export_id=exported.export_id))
    assert file.status_code == 200 and "PL61109010140000071219812874" in file.get_data(as_text=True)
    client.post(url_for("billing.payout_paid"), data={"payout_ids": [str(payout.id)]})
    db.session.expire_all()
    assert db.session.get(Payout, payout.id).state is PayoutState.PAID


def test_other_accounts_billing_is_out_of_reach_on_every_route(client, login, shops):
    ours, theirs = shops
    login(make_agent(accounts=[ours]))
    assert client.get(url_for("billing.account", account_id=theirs.id)).status_code == 404
    index = client.get(url_for("billing.index")).get_data(as_text=True)
    assert "Sklep Ania" in index and "Cudzy sklep" not in index and "77,00" not in index
    # the routes for owners and administrators refuse an agent before anything else
    for endpoint in ("billing.edit_profile", "billing.withdraw", "billing.record_topup"):
        for account in (ours, theirs):
            refused = client.post(url_for(endpoint, account_id=account.id), data={"amount": "1"})
            assert refused.status_code == 403
    assert client.get(url_for("billing.edit_profile", account_id=theirs.id)).status_code == 403
    for endpoint in ("billing.bank_statement", "billing.payout_list"):
        assert client.get(url_for(endpoint)).status_code == 403
    for endpoint in ("billing.bank_statement_check", "billing.bank_statement_apply", "billing.payout_export",
                     "billing.payout_paid"):
        assert client.post(url_for(endpoint)).status_code == 403
    assert client.get(url_for("billing.payout_file", export_id=1)).status_code == 403
    assert db.session.scalar(select(func.count(LedgerEntry.id))) == 2


def test_an_owner_is_not_an_administrator(client, login, shops):
    ours, _theirs = shops
    login(make_agent(role=Role.OWNER))
    refused = client.post(url_for("billing.record_topup", account_id=ours.id), data={"amount": "1"})
    assert refused.status_code == 403
    assert client.get(url_for("billing.payout_list")).status_code == 403
    assert client.get(url_for("billing.account", account_id=ours.id)).status_code == 200


def test_every_billing_post_needs_its_csrf_token(fake_allegro, database_url):
    with desk_app(fake_allegro, database_url, WTF_CSRF_ENABLED=True) as app:
        account = SellerAccount(name="Konto CSRF")
        db.session.add(account)
        db.session.commit()
        agent = make_agent(role=Role.ADMIN)
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        signed = client.post("/login", data={"email": agent.email, "password": PASSWORD, "csrf_token": token})
        assert signed.status_code == 302
        for url in (f"/billing/accounts/{account.id}/profile", f"/billing/accounts/{account.id}/withdrawals",
                    f"/billing/accounts/{account.id}/topups", "/billing/bank-import",
                    "/billing/bank-import/apply",
                    "/billing/payouts/export", "/billing/payouts/paid"):
            refused = client.post(url, data={"amount": "10", "reference": "x", "booked_on": "2026-12-01"})
            assert refused.status_code == 400, url
            assert "Formularz wygasł" in refused.get_data(as_text=True)
        assert db.session.scalar(select(func.count(LedgerEntry.id))) == 0
