"""Surcharges in a real browser: an administrator imports DPD's billing file (preview, then confirm), the
account's agent accepts one surcharge with its evidence in view and disputes another."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from desk.extensions import db
from desk.models import EntryKind, LedgerEntry, Role, Surcharge, SurchargeState
from integrations.carriers.fakekit import FakeCharge
from tests.browser.conftest import shot, sign_in
from tests.factories import PASSWORD, make_agent
from tests.services.billing.surcharge_helpers import D, billing_file, make_account, ship

pytestmark = pytest.mark.browser


def test_import_then_accept_and_dispute(app, live_desk, page, tmp_path):
    account = make_account("Sklep z lampami")
    shipment = ship(app, account)
    path = tmp_path / "dpd-specyfikacja.xml"
    path.write_bytes(billing_file(app, "dpd", [
        FakeCharge(shipment.waybills[0], "WEIGHT_DIFFERENCE", D("12.00"), measured_weight_g=4200),
        FakeCharge(shipment.waybills[0], "REDIRECTION", D("17.00")),
    ]))
    admin = make_agent(role=Role.ADMIN, name="Adam Admin")
    agent = make_agent(accounts=[account], name="Ola Agentka")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))

    sign_in(page, live_desk, admin.email, PASSWORD)
    page.click("nav.nav >> text=Rozliczenia")  # the money pages share one top-bar entry
    page.click("nav.money-tabs >> text=Dopłaty")
    page.click("text=Importuj plik rozliczeniowy")
    page.select_option("#f-carrier", "dpd")
    page.set_input_files("#f-file", str(path))
    page.click("text=Sprawdź plik")
    page.wait_for_load_state()
    assert "Próba: do dodania 2" in page.content() and "Sklep z lampami" in page.content()
    shot(page, "surcharges-import-preview")
    assert db.session.scalars(select(Surcharge)).all() == []
    page.click("text=Importuj te dopłaty")
    page.wait_for_load_state()
    assert "Zaimportowano: dodane 2" in page.content()
    page.click("text=Wyloguj")

    sign_in(page, live_desk, agent.email, PASSWORD)
    page.click("nav.nav >> text=Rozliczenia")  # the money pages share one top-bar entry
    page.click("nav.money-tabs >> text=Dopłaty")
    page.click("tr:has-text('Zaniżona waga') >> a")
    page.wait_for_load_state()
    assert "4,2 kg" in page.content() and "różnica" in page.content()
    shot(page, "surcharges-evidence")
    page.click("text=Akceptuję dopłatę")
    page.wait_for_load_state()
    assert dialogs == ["Zaakceptować i pobrać tę dopłatę?"]
    assert "Dopłata zaakceptowana i pobrana z konta." in page.content()

    page.click("text=← Dopłaty")
    page.click("tr:has-text('Zmiana adresu w drodze') >> a")
    page.click("text=Kwestionuję dopłatę")  # no reason: refused next to the field, nothing changes
    assert "Napisz, dlaczego dopłata jest błędna." in page.content()
    page.fill("#f-reason", "Adresu nie zmienialiśmy, kurier pomylił ulicę.")
    page.click("text=Kwestionuję dopłatę")
    page.wait_for_load_state()
    assert "rozstrzygnie ją administrator" in page.content()
    shot(page, "surcharges-disputed")

    db.session.expire_all()
    states = {s.carrier_code: s.state for s in db.session.scalars(select(Surcharge))}
    assert states == {"WEIGHT_DIFFERENCE": SurchargeState.CHARGED, "REDIRECTION": SurchargeState.DISPUTED}
    charged = select(LedgerEntry).where(LedgerEntry.kind == EntryKind.SURCHARGE)
    assert [e.amount for e in db.session.scalars(charged)] == [D("-14.76")]
