"""An owner handles a buyer's erasure request in a real browser: records it, checks the identity, finds the
buyer's data on both accounts, decides, prepares and downloads the export, executes (the desk's own eraser),
answers and closes."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlalchemy import select

from desk.extensions import db
from desk.models import ErasedBuyer, Order, PrivacyEvent, PrivacyRequest, Role
from desk.models.privacy_request import RequestState
from tests.browser.conftest import shot, sign_in
from tests.factories import PASSWORD, make_agent
from tests.services.privacy.helpers import account, seed_buyer

pytestmark = pytest.mark.browser
BUYER = "buyer-4242"


def step(page, button: str, message: str) -> None:
    page.click(button)
    page.wait_for_load_state()
    assert message in page.content(), page.content()


def test_an_owner_handles_an_erasure_request(app, live_desk, page, tmp_path):
    shop_a, shop_b = account("Sklep z kubkami"), account("Sklep z talerzami")
    seed_buyer(shop_a, BUYER, login="marek_w", first="Marek", last="Wiśniewski")
    seed_buyer(shop_b, BUYER, login="marek_w", first="Marek", last="Wiśniewski")
    owner = make_agent(role=Role.OWNER, name="Ewa Właścicielka")

    sign_in(page, live_desk, owner.email, PASSWORD)
    page.goto(f"{live_desk}/privacy/")
    assert "Wnioski" in page.inner_text("nav.privacy-tabs"), page.inner_text("main")
    page.click("nav.privacy-tabs a[href$='/privacy/requests']")
    page.click("text=Nowy wniosek")
    page.select_option("#f-type", "erasure")
    page.fill("#f-buyer_allegro_id", BUYER)
    page.fill("#f-requester_name", "Marek W.")
    page.fill("#f-requester_contact", "marek@example.pl")
    page.fill("#f-details", "Proszę o usunięcie moich danych.")
    step(page, "main button[type=submit]", "Wniosek został zarejestrowany.")
    assert "Usunięcie danych" in page.content() and "zostało dni" in page.content()

    page.fill("#f-note", "Wiadomość z konta Allegro kupującego, podany numer zamówienia.")
    step(page, "#step-identity", "Zapisano sprawdzenie tożsamości.")
    step(page, "#step-scope", "Dane kupującego zostały odnalezione i policzone.")
    assert "Nie dotyczą jej żadne blokady." in page.content()
    page.select_option("#f-decision", "erase")
    step(page, "#step-decide", "Decyzja została zapisana.")

    step(page, "#make-export", "Eksport jest gotowy do pobrania przez 7 dni.")
    with page.expect_download() as download:
        page.click("a.export-link")
    path = tmp_path / "eksport.zip"
    download.value.save_as(path)
    archive = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    assert json.loads(archive.read("buyer.json"))["buyer"]["last_names"] == ["Wiśniewski"]
    assert "README.txt" in archive.namelist() and "zamowienia.csv" in archive.namelist()

    step(page, "#step-execute", "Wniosek został wykonany.")
    assert "Potwierdzenie" in page.content()
    page.fill("#f-note", "Odpowiedź wysłana przez Centrum wiadomości.")
    step(page, "#step-answer", "Zapisano udzielenie odpowiedzi.")
    step(page, "#step-close", "Wniosek został zamknięty.")
    shot(page, "privacy_request_closed")

    request = db.session.scalar(select(PrivacyRequest))
    db.session.refresh(request)
    assert request.state is RequestState.CLOSED
    # the desk's own eraser ran: identity replaced on both accounts' orders, the buyer id by its pseudonym
    orders = db.session.scalars(select(Order)).all()
    assert {order.buyer_last_name for order in orders} == {"[usunięto]"}
    assert BUYER not in {order.buyer_allegro_id for order in orders}
    assert {erased.account_id for erased in db.session.scalars(select(ErasedBuyer))} == {shop_a.id, shop_b.id}
    actions = [e.action for e in db.session.scalars(select(PrivacyEvent).order_by(PrivacyEvent.id))]
    assert actions == [
        "received",
        "identity_checked",
        "scoped",
        "decided",
        "exported",
        "downloaded",
        "executed",
        "answered",
        "closed",
    ]
