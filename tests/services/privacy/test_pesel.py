"""PESEL is never stored (G8 minimisation): not from the buyer, not from invoice data, not in quarantine."""

from __future__ import annotations

from sqlalchemy import select

from desk.extensions import db
from desk.models import Order, QuarantinedRecord
from desk.services.sync.runner import run_sync
from desk.wiring import get_allegro
from integrations.allegro._minimise import is_pesel, scrubbed
from tests.factories import connect_account
from tests.services.privacy.db_scan import find_in_database

PESEL = "67062589524"
PESEL_2 = "44051401359"
NIP = "5261040828"


def test_is_pesel_checks_the_digit():
    assert is_pesel(PESEL) and is_pesel("440514-01359")
    assert not is_pesel("44051401358") and not is_pesel(NIP) and not is_pesel("")


def test_scrubbed_drops_the_key_and_pesel_tax_ids_but_keeps_the_rest():
    form = {
        "buyer": {"id": "1", "personalIdentity": PESEL, "login": "jan"},
        "invoice": {"address": {"company": {"ids": [
            {"type": "PL_NIP", "value": NIP}, {"type": "OTHER", "value": PESEL_2},
        ], "taxId": PESEL}}},
    }
    clean = scrubbed(form)
    assert clean["buyer"] == {"id": "1", "login": "jan"}
    company = clean["invoice"]["address"]["company"]
    assert company["ids"] == [{"type": "PL_NIP", "value": NIP}, {"type": "OTHER", "value": None}]
    assert "taxId" not in company


def test_a_synced_order_keeps_the_pesel_nowhere(app, fake_allegro):
    account, seller = connect_account(fake_allegro)
    state = fake_allegro.state
    company = state.add_checkout_form(seller)
    state.update_checkout_form(
        company["id"],
        buyer={**company["buyer"], "personalIdentity": PESEL},
        invoice={"required": True, "address": {
            "street": "ul. Długa 1", "city": "Kraków", "zipCode": "30-001", "countryCode": "PL",
            "company": {"name": "Firma", "vatPayerStatus": "ACTIVE", "ids": [
                {"type": "PL_NIP", "value": NIP}, {"type": "OTHER", "value": PESEL_2},
            ]},
        }},
    )
    private = state.add_checkout_form(seller)
    state.update_checkout_form(
        private["id"],
        buyer={**private["buyer"], "personalIdentity": PESEL_2},
        invoice={"required": True, "address": {
            "street": "ul. Krótka 2", "city": "Gdańsk", "zipCode": "80-001", "countryCode": "PL",
            "company": {"name": "Jan Nowak", "vatPayerStatus": "NOT_APPLICABLE", "taxId": "670625-89524"},
        }},
    )
    broken = state.add_checkout_form(seller)  # unreadable: set aside with its raw JSON
    state.update_checkout_form(
        broken["id"], buyer={**broken["buyer"], "personalIdentity": PESEL}, summary={"totalToPay": "abc"}
    )

    run = run_sync(get_allegro(), account.id)

    assert run.state in ("ok", "partial"), run.error
    orders = {o.allegro_id: o for o in db.session.scalars(select(Order))}
    assert set(orders) >= {company["id"], private["id"]}
    assert orders[company["id"]].invoice["tax_ids"] == [{"type": "PL_NIP", "value": NIP}]
    assert orders[private["id"]].invoice["tax_ids"] == []
    quarantined = db.session.scalars(select(QuarantinedRecord)).all()
    assert [q.allegro_id for q in quarantined] == [broken["id"]]
    assert "personalIdentity" not in quarantined[0].raw
    assert find_in_database(PESEL, PESEL_2, "670625-89524") == []
