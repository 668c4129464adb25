"""The shipping day in a real browser: the close-out of two labelled parcels, their labels as one A4
PDF, and a courier called for them."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from desk.models import Role
from tests.browser.conftest import shot, sign_in
from tests.factories import PASSWORD, make_agent
from tests.services.shipping.closeout_helpers import DISPATCH, inpost_state, labelled, make_account

pytestmark = pytest.mark.browser


def test_close_out_download_labels_and_call_a_courier(app, live_desk, page):
    inpost = inpost_state(app)
    account = make_account("Sklep z kubkami")
    shipments = [labelled(app, account), labelled(app, account)]
    agent = make_agent(role=Role.AGENT, accounts=[account], name="Ola Agentka")

    sign_in(page, live_desk, agent.email, PASSWORD)
    page.click("nav.nav >> text=Przesyłki")  # the top bar's entry, then its tab
    page.wait_for_load_state()
    page.click("nav.parcels-family-tabs >> text=Zamknięcie dnia")
    page.wait_for_load_state()
    assert "Odbiór przez kuriera: 2" in page.content()
    shot(page, "closeout-day")

    page.select_option("#f-format", "a4")
    with page.expect_download() as download:
        page.click("text=Pobierz etykiety zaznaczonych")
    pdf = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    assert len(pdf.pages) == 1  # two A6 labels on one A4 sheet

    page.click("text=Zamów odbiór przez kuriera")
    page.wait_for_load_state()
    assert page.locator("input[name=window]").count() >= 1
    assert page.locator("input[name=shipment]:checked").count() == len(shipments)
    page.click("text=Zamów kuriera")
    page.wait_for_load_state()
    assert "Kurier jest zamówiony." in page.content()
    assert "Każda paczka z tego dnia ma etykietę." in page.content()
    shot(page, "closeout-pickup-ordered")
    assert inpost.harness.count(DISPATCH) == 1
