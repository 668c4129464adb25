"""The surcharges pages as agents and administrators use them: the inbox with its filters, a surcharge's
evidence, accepting and disputing, deciding disputes and linking, the billing-file import with its
preview, the shipment's page; an agent limited to some accounts never sees or acts on another's."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from flask import url_for
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import EntryKind, LedgerEntry, Role, Surcharge, SurchargeState
from desk.services.billing import surcharges
from integrations.carriers.fakekit import FakeCharge
from tests.conftest import desk_app
from tests.factories import PASSWORD, make_agent
from tests.services.billing.surcharge_helpers import D, billing_file, make_account, parser, ship


@pytest.fixture
def shops(app):
    """Two accounts with a DPD shipment each, and a surcharge on each waiting for review, plus one
    surcharge whose waybill no shipment has."""
    mine, theirs = make_account("Sklep Ani"), make_account("Sklep Bartka")
    ours, other = ship(app, mine, key="a"), ship(app, theirs, key="b")
    data = billing_file(app, "dpd", [
        FakeCharge(ours.waybills[0], "WEIGHT_DIFFERENCE", D("12.00"), measured_weight_g=4200,
                   reference="A-1"),
        FakeCharge(other.waybills[0], "OVERSIZE", D("20.00"), measured_mm=(1620, 300, 200), reference="B-1"),
        FakeCharge("1000777777777U", "DIRECT_ORDER", D("4.30"), reference="X-1"),
    ])
    surcharges.apply_import(parser("dpd"), carrier="dpd", data=data)
    found = {s.carrier_reference: s for s in db.session.scalars(select(Surcharge))}
    return {"mine": mine, "theirs": theirs, "ours": ours, "other": other, **found}


@pytest.fixture
def agent(shops, login):
    return login(make_agent(accounts=[shops["mine"]]))


@pytest.fixture
def admin(login):
    return login(make_agent(role=Role.ADMIN))


def page(client, endpoint, **values) -> str:
    response = client.get(url_for(endpoint, **values))
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def entries() -> int:
    """Surcharge entries only (each account also has its top-up and shipment charges)."""
    query = select(func.count()).select_from(LedgerEntry).where(LedgerEntry.kind == EntryKind.SURCHARGE)
    return db.session.scalar(query)


def test_the_inbox_shows_an_agent_only_their_accounts_surcharges_in_polish(client, shops, agent):
    html = page(client, "surcharges.index")
    assert "Dopłaty" in html and "Zaniżona waga" in html and "Sklep Ani" in html
    assert shops["ours"].waybills[0] in html
    assert shops["other"].waybills[0] not in html and "Sklep Bartka" not in html
    assert "1000777777777U" not in html and "Bez przesyłki" not in html  # unlinked: administrators only
    assert "Importuj plik rozliczeniowy" not in html
    # asking for the other account by the filter shows nothing of it either
    filtered = page(client, "surcharges.index", view="all", account=shops["theirs"].id)
    assert shops["other"].waybills[0] not in filtered and "Brak dopłat." in filtered


def test_an_administrator_sees_every_account_and_the_unlinked_ones(client, shops, admin):
    html = page(client, "surcharges.index")
    assert shops["ours"].waybills[0] in html and shops["other"].waybills[0] in html
    unlinked = page(client, "surcharges.index", view="unlinked")
    assert "1000777777777U" in unlinked and shops["ours"].waybills[0] not in unlinked
    by_carrier = page(client, "surcharges.index", view="all", carrier="poczta")
    assert "Brak dopłat." in by_carrier


def test_a_surcharge_shows_the_carriers_evidence_against_declared_and_quoted(client, shops, agent):
    html = page(client, "surcharges.detail", surcharge_id=shops["A-1"].id)
    assert "Dowody" in html and "Zadeklarowane" in html and "Zmierzone przez przewoźnika" in html
    assert "4,2 kg" in html and "1 kg" in html and "różnica" in html
    assert "Cena z wyceny" in html and "Paczka" in html  # the quoted price lines
    assert "14,76" in html and "WEIGHT_DIFFERENCE" in html
    assert "Akceptuję dopłatę" in html and "Kwestionuję dopłatę" in html
    assert "Rozstrzygnij reklamację" not in html and "Przypisz do przesyłki" not in html


def test_accepting_charges_the_account_once(client, shops, agent):
    response = client.post(url_for("surcharges.accept", surcharge_id=shops["A-1"].id))
    assert response.status_code == 302
    assert db.session.get(Surcharge, shops["A-1"].id).state is SurchargeState.CHARGED and entries() == 1
    html = client.get(response.location).get_data(as_text=True)
    assert "Dopłata zaakceptowana i pobrana z konta." in html and "Pobrana z konta" in html
    again = client.post(url_for("surcharges.accept", surcharge_id=shops["A-1"].id), follow_redirects=True)
    assert "Ta dopłata została już rozpatrzona." in again.get_data(as_text=True) and entries() == 1


def test_a_dispute_without_a_reason_is_refused_next_to_the_field(client, shops, agent):
    response = client.post(url_for("surcharges.dispute", surcharge_id=shops["A-1"].id), data={"reason": " "})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'class="field-errors" id="f-reason-errors"' in html
    assert "Napisz, dlaczego dopłata jest błędna." in html
    assert db.session.get(Surcharge, shops["A-1"].id).state is SurchargeState.NEW


def test_a_dispute_is_decided_by_an_administrator(client, shops, app):
    client.post("/login", data={"email": make_agent(accounts=[shops["mine"]]).email, "password": PASSWORD})
    client.post(url_for("surcharges.dispute", surcharge_id=shops["A-1"].id),
                data={"reason": "Waga z naszej wagi: 1 kg."})
    assert client.post(url_for("surcharges.resolve", surcharge_id=shops["A-1"].id),
                       data={"decision": "upheld"}).status_code == 403  # agents do not decide
    client.post("/logout")
    client.post("/login", data={"email": make_agent(role=Role.ADMIN).email, "password": PASSWORD})
    html = page(client, "surcharges.detail", surcharge_id=shops["A-1"].id)
    assert "Waga z naszej wagi: 1 kg." in html and "Rozstrzygnij reklamację" in html
    refused = client.post(url_for("surcharges.resolve", surcharge_id=shops["A-1"].id), data={"decision": ""})
    assert refused.status_code == 422 and "Wybierz rozstrzygnięcie." in refused.get_data(as_text=True)
    client.post(url_for("surcharges.resolve", surcharge_id=shops["A-1"].id),
                data={"decision": "dropped", "note": "Przewoźnik uznał błąd."})
    surcharge = db.session.get(Surcharge, shops["A-1"].id)
    assert surcharge.state is SurchargeState.DROPPED and surcharge.resolution_note == "Przewoźnik uznał błąd."
    assert entries() == 0


def test_an_administrator_links_an_unlinked_surcharge(client, shops, admin):
    unlinked = shops["X-1"]
    wrong = client.post(url_for("surcharges.link", surcharge_id=unlinked.id), data={"waybill": "NIEMA"})
    assert wrong.status_code == 422
    assert "Żadna przesyłka DPD nie ma listu przewozowego NIEMA." in wrong.get_data(as_text=True)
    waybill = shops["ours"].waybills[0]
    client.post(url_for("surcharges.link", surcharge_id=unlinked.id), data={"waybill": waybill})
    linked = db.session.get(Surcharge, unlinked.id)
    assert (linked.account_id, linked.shipment_id) == (shops["mine"].id, shops["ours"].id)


def test_the_shipment_page_lists_its_surcharges(client, shops, agent):
    html = page(client, "ship.shipment", shipment_id=shops["ours"].id)
    assert 'id="surcharges"' in html and "Zaniżona waga" in html and "Do przejrzenia" in html


@pytest.mark.parametrize(
    ("method", "endpoint", "data"),
    [
        ("get", "surcharges.detail", None),
        ("post", "surcharges.accept", {}),
        ("post", "surcharges.dispute", {"reason": "Nie nasza paczka"}),
    ],
)
def test_another_accounts_surcharge_is_not_found(client, shops, agent, method, endpoint, data):
    theirs = shops["B-1"]
    response = getattr(client, method)(url_for(endpoint, surcharge_id=theirs.id), data=data)
    assert response.status_code == 404
    assert db.session.get(Surcharge, theirs.id).state is SurchargeState.NEW and entries() == 0
    unlinked = getattr(client, method)(url_for(endpoint, surcharge_id=shops["X-1"].id), data=data)
    assert unlinked.status_code == 404


def test_the_other_accounts_shipment_page_shows_no_surcharges_to_this_agent(client, shops, agent):
    assert client.get(url_for("ship.shipment", shipment_id=shops["other"].id)).status_code == 404


@pytest.mark.parametrize(
    ("method", "endpoint", "values"),
    [
        ("get", "surcharges.import_form", {}),
        ("post", "surcharges.import_dry_run", {}),
        ("post", "surcharges.import_apply", {}),
        ("post", "surcharges.resolve", {"surcharge_id": 1}),
        ("post", "surcharges.link", {"surcharge_id": 1}),
    ],
)
def test_administrators_only_routes_refuse_agents_and_owners(client, shops, login, method, endpoint, values):
    for role in (Role.AGENT, Role.OWNER):
        client.post("/logout")
        login(make_agent(role=role, accounts=[shops["mine"]]))
        assert getattr(client, method)(url_for(endpoint, **values)).status_code == 403


def test_the_import_previews_then_applies_and_a_second_apply_adds_nothing(client, app, admin):
    account = make_account("Sklep Celiny")
    shipment = ship(app, account, carrier="poczta", key="c")
    data = billing_file(app, "poczta", [FakeCharge(shipment.waybills[0], "ZMIANA_ADRESU", D("17.00"))])
    preview = client.post(url_for("surcharges.import_dry_run"),
                          data={"carrier": "poczta", "file": (io.BytesIO(data), "zapowiedz.zip")})
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Próba: do dodania 1" in html and "Sklep Celiny" in html
    assert db.session.scalar(select(func.count()).select_from(Surcharge)) == 0  # nothing written yet
    payload = re.search(r'name="data" value="([^"]+)"', html).group(1)
    form = {"carrier": "poczta", "filename": "zapowiedz.zip", "data": payload}
    applied = client.post(url_for("surcharges.import_apply"), data=form, follow_redirects=True)
    assert "Zaimportowano: dodane 1" in applied.get_data(as_text=True)
    again = client.post(url_for("surcharges.import_apply"), data=form, follow_redirects=True)
    assert "Ten plik był już zaimportowany" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Surcharge)) == 1


def test_a_file_with_an_unknown_code_is_refused_with_its_line_in_polish(client, app, admin):
    data = billing_file(app, "dpd", [FakeCharge("1000000000001U", "PALIWO", D("3.00"))])
    response = client.post(url_for("surcharges.import_dry_run"),
                           data={"carrier": "dpd", "file": (io.BytesIO(data), "dpd.xml")})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Plik zawiera błędy; niczego nie zaimportowano." in html
    assert re.search(r"Wiersz \d+: nieznany kod dopłaty PALIWO\.", html)
    assert 'name="data"' not in html
    bad = client.post(url_for("surcharges.import_apply"), data={"carrier": "dpd", "data": "###"})
    assert bad.status_code == 422 and "Sprawdzony plik nie wrócił z formularza" in bad.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Surcharge)) == 0


def test_the_import_form_asks_for_the_carrier_and_the_file(client, admin):
    html = page(client, "surcharges.import_form")
    assert "InPost: specyfikacja dopłat (CSV)" in html and 'type="file"' in html
    missing = client.post(url_for("surcharges.import_dry_run"), data={"carrier": ""})
    assert missing.status_code == 422 and "Wybierz przewoźnika" in missing.get_data(as_text=True)
    no_file = client.post(url_for("surcharges.import_dry_run"), data={"carrier": "dpd"})
    assert no_file.status_code == 422 and "Wybierz plik rozliczeniowy." in no_file.get_data(as_text=True)


def test_every_post_needs_its_csrf_token(fake_allegro, database_url):
    with desk_app(fake_allegro, database_url, WTF_CSRF_ENABLED=True) as app:
        account = make_account()
        surcharge = Surcharge(account_id=account.id, carrier="dpd", waybill="W1", kind="other",
                              carrier_code="OTHER", carrier_reference="R1", charged_on=dt.date(2026, 12, 1),
                              net=D("1.00"), vat_rate=D("23"), vat=D("0.23"), gross=D("1.23"))
        db.session.add(surcharge)
        db.session.commit()
        admin = make_agent(role=Role.ADMIN)
        client = app.test_client()
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True))
        client.post("/login", data={"email": admin.email, "password": PASSWORD, "csrf_token": token.group(1)})
        for path in (f"/surcharges/{surcharge.id}/accept", f"/surcharges/{surcharge.id}/dispute",
                     f"/surcharges/{surcharge.id}/resolve", f"/surcharges/{surcharge.id}/link",
                     "/surcharges/import", "/surcharges/import/apply"):
            assert client.post(path, data={"reason": "x"}).status_code == 400, path
        assert db.session.get(Surcharge, surcharge.id).state is SurchargeState.NEW
        html = client.get(f"/surcharges/{surcharge.id}").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        accepted = client.post(f"/surcharges/{surcharge.id}/accept", data={"csrf_token": token})
        assert accepted.status_code == 302
        assert db.session.get(Surcharge, surcharge.id).state is SurchargeState.CHARGED


def test_signed_out_visitors_are_sent_to_sign_in(client, app):
    for path in ("/surcharges/", "/surcharges/1", "/surcharges/import"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.location
