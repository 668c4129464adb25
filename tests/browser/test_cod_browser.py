"""Cash on delivery in a real browser: the seller's page says when each payment arrives; the administrator
sees what is due today and what is withheld for unpaid dues, prepares the day's batch, downloads the
transfer file (the payouts are marked paid, never twice), and sets the other account's dues off against
its COD, which lifts the hold."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal

import pytest

from desk.extensions import db
from desk.models import EntryKind, Role
from desk.models.cod import CodState
from desk.orm import utcnow
from desk.services import billing
from desk.services.billing import Posting
from desk.services.billing.cod import progress
from desk.services.shared.workdays import warsaw_date
from tests.browser.conftest import shot, sign_in
from tests.factories import PASSWORD, make_agent
from tests.services.billing.cod_helpers import IBAN, OTHER_IBAN, make_account, make_cod

pytestmark = pytest.mark.browser


def test_cod_arrival_daily_batch_and_offset(app, live_desk, page):
    delivered = warsaw_date(utcnow()) - dt.timedelta(days=14)  # long enough ago for any tier to be due
    ours = make_account("Sklep z kubkami")
    owing = make_account("Sklep z dopłatą")
    first = make_cod(ours.id, "149.99", tier=1, delivered_on=delivered, received=True, iban=IBAN)
    second = make_cod(ours.id, "50.01", tier=5, delivered_on=delivered, received=True, iban=IBAN)
    waiting = make_cod(ours.id, "80.00", tier=5, iban=IBAN)  # still with the courier
    held = make_cod(owing.id, "60.00", tier=1, delivered_on=delivered, received=True, iban=OTHER_IBAN)
    billing.post(Posting(owing.id, EntryKind.SURCHARGE, Decimal("-12.30"), key="s1", enforce_limit=False))
    db.session.commit()
    progress.run(now=utcnow())
    seller = make_agent(role=Role.AGENT, accounts=[ours], name="Ola Sprzedawczyni")
    admin = make_agent(role=Role.ADMIN, name="Adam z biura")

    # the seller sees when each payment arrives
    sign_in(page, live_desk, seller.email, PASSWORD)
    page.goto(f"{live_desk}/cod/accounts/{ours.id}")
    row = page.locator(f"tr[data-cod='{waiting.id}']").inner_text()
    assert "5 dni roboczych po doręczeniu" in row
    assert "w najbliższej wypłacie" in page.locator(f"tr[data-cod='{first.id}']").inner_text()
    shot(page, "cod-account")
    page.click("form[action='/logout'] button")

    # the administrator: what is due today, and the withheld account with its reason
    sign_in(page, live_desk, admin.email, PASSWORD)
    page.goto(f"{live_desk}/cod/payouts")
    today = page.inner_text("section[aria-labelledby=today]")
    assert "Sklep z kubkami" in today and "200,00" in today
    assert "Wstrzymane" in today and "Sklep z dopłatą" in today
    shot(page, "cod-payouts")
    page.click("section[aria-labelledby=today] button[type=submit]")
    page.wait_for_load_state()
    with page.expect_download() as download:
        page.click("text=Eksportuj przelewy (CSV) i oznacz jako wypłacone")
    with open(download.value.path(), encoding="utf-8-sig") as exported:
        rows = list(csv.reader(exported, delimiter=";"))
    # one transfer: the 26-digit NRB, 149,99 + 50,01 zł; the withheld account is not in the file
    assert [(row[0], row[2]) for row in rows[1:]] == [(IBAN[2:], "200,00")]
    assert not any(OTHER_IBAN[2:] in cell for row in rows for cell in row)
    db.session.expire_all()
    assert {db.session.get(type(first), item.id).state for item in (first, second)} == {CodState.PAID}

    # nothing is paid twice: the day has nothing more to pay
    page.goto(f"{live_desk}/cod/payouts")
    assert "Dziś nie ma nic do wypłaty" in page.inner_text("section[aria-labelledby=today]")

    # the other account's dues are set off against its COD: the hold is lifted
    page.goto(f"{live_desk}/cod/accounts/{owing.id}")
    assert "Wypłaty są wstrzymane" in page.content()
    assert "12,30" in page.inner_text("section[aria-labelledby=dues]")
    page.click("text=Potrąć należności z pobrań")
    page.wait_for_load_state()
    assert "Wypłaty są wstrzymane" not in page.content()
    shot(page, "cod-offset")
    db.session.expire_all()
    record = db.session.get(type(held), held.id)
    assert record.state is CodState.DUE and record.payable == Decimal("47.70")
    assert billing.balance(owing.id) == Decimal("0.00")
