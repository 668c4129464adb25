"""An agent opens the inbox, answers a buyer with a template and sees the message in the chat."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from desk.extensions import db
from desk.models.issue import Issue, ReplyTemplate
from desk.orm import utcnow
from desk.services.issues.sync import sync_issues
from desk.services.sync.runner import run_sync
from desk.wiring import get_allegro
from tests.browser.conftest import shot, sign_in
from tests.factories import PASSWORD, connect_account, make_agent

pytestmark = pytest.mark.browser


@pytest.fixture
def desk_with_issues(app, fake_allegro):
    account, seller = connect_account(fake_allegro, name="Sklep Główny")
    form = fake_allegro.state.add_checkout_form(seller)
    run_sync(get_allegro(), account.id)
    fake_allegro.state.add_shipment(
        seller, form["id"], {"carrierId": "INPOST", "waybill": "620999888777666555444333"}
    )
    fake_allegro.state.add_issue(
        seller,
        type="DISPUTE",
        checkout_form_id=form["id"],
        text="Dzień dobry, paczka miała być wczoraj, a śledzenie nic nie pokazuje. Co się dzieje?",
    )
    fake_allegro.state.add_issue(seller, type="CLAIM", text="Ekran ma pęknięcie, załączam zdjęcie.")
    fake_allegro.state.add_issue(seller, type="DISPUTE", text="Czy mogę zmienić adres dostawy?")
    sync_issues(get_allegro().client_for(account.id), account.id, full=False, now=utcnow())
    db.session.add(
        ReplyTemplate(
            name="Numer przesyłki",
            kind="both",
            body="Dzień dobry {buyer_login},\n\nzamówienie {order_number} zostało nadane, numer przesyłki: "
            "{tracking_number}.\n\nPozdrawiamy,\n{agent_name}",
        )
    )
    db.session.commit()
    agent = make_agent(name="Ewa Nowak", accounts=[account])
    issue = db.session.scalar(select(Issue).where(Issue.checkout_form_id == form["id"]))
    return agent, issue


def test_agent_answers_with_a_template_and_sees_the_message(live_desk, page, fake_allegro, desk_with_issues):
    agent, issue = desk_with_issues
    sign_in(page, live_desk, agent.email, PASSWORD)

    page.goto(f"{live_desk}/issues/")
    assert page.locator(".issue-queue.active").inner_text().startswith("Czeka na naszą odpowiedź")
    assert page.locator("tr.issue-row").count() == 3
    shot(page, "issues-inbox")

    page.click(f"a[href='/issues/{issue.id}']")
    page.wait_for_load_state()
    assert "paczka miała być wczoraj" in page.locator("#chat").inner_text()
    page.select_option("#f-template_id", label="Numer przesyłki")
    page.click("button[value=template]")
    page.wait_for_load_state()
    text = page.input_value("#f-text")
    assert issue.buyer_login in text and "620999888777666555444333" in text and "Ewa Nowak" in text

    page.click("button[value=send]")
    page.wait_for_load_state()
    assert "Wysłano wiadomość do kupującego." in page.locator(".flashes").inner_text()
    chat = page.locator("#chat")
    seller = chat.locator(".issue-msg-seller").last
    assert "620999888777666555444333" in seller.inner_text()
    assert "Ewa Nowak" in seller.inner_text()
    page.evaluate("window.scrollTo(0, 0)")  # the sticky top bar belongs at the top of a full-page shot
    shot(page, "issues-answered")

    sent = [e for e in fake_allegro.state.issue_chats[issue.allegro_id] if e["author"]["role"] == "SELLER"]
    assert len(sent) == 1 and "620999888777666555444333" in sent[0]["text"]
    page.goto(f"{live_desk}/issues/?queue=waiting")
    assert page.locator("tr.issue-row").count() == 1


def test_claim_page_previews_the_buyers_photo_and_offers_the_decisions(
    live_desk, page, fake_allegro, desk_with_issues
):
    from integrations.allegro.fake.demo.issues import make_png

    agent, _issue = desk_with_issues
    account_issue = db.session.scalar(select(Issue).where(Issue.type == "CLAIM"))
    photo = fake_allegro.state.attach_file("pekniecie.png", make_png(fake_allegro.state.rng, 64), "image/png")
    fake_allegro.state.add_buyer_message(account_issue.allegro_id, "Dosyłam zdjęcie.", attachment_ids=[photo])
    sync_issues(get_allegro().client_for(account_issue.account_id), account_issue.account_id,
                full=False, now=utcnow())
    sign_in(page, live_desk, agent.email, PASSWORD)

    page.goto(f"{live_desk}/issues/{account_issue.id}")
    image = page.locator(".issue-thumb img")
    image.scroll_into_view_if_needed()  # the preview loads lazily: only once it is near the viewport
    handle = image.element_handle()
    page.wait_for_function("(img) => img.complete", arg=handle)
    assert page.evaluate("(img) => img.naturalWidth", handle) == 64  # served by the desk
    options = page.locator("#f-decision option").all_inner_texts()
    assert "Uznaj: częściowy zwrot pieniędzy" in options and "Odrzuć: inny powód" in options
    shot(page, "issues-claim")


def test_files_too_large_are_stopped_in_the_browser_and_the_text_stays(
    live_desk, page, fake_allegro, desk_with_issues
):
    agent, issue = desk_with_issues
    sign_in(page, live_desk, agent.email, PASSWORD)
    page.goto(f"{live_desk}/issues/{issue.id}")
    page.fill("textarea[name=text]", "Przesyłam zdjęcia paragonu")
    page.set_input_files("input[name=attachments]", [
        {"name": "duzy.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\n" + b"\x00" * (3 << 20)},
    ])
    page.click("button[value=send]")
    alert = page.locator("[data-upload-error]")
    assert alert.is_visible()
    assert "Plik duzy.png jest za duży" in alert.inner_text()
    assert page.input_value("textarea[name=text]") == "Przesyłam zdjęcia paragonu"
    assert page.url.endswith(f"/issues/{issue.id}")  # nothing was sent
    shot(page, "issues-reply-files-too-large")
    assert fake_allegro.state.request_count("POST /sale/issues/{issueId}/message") == 0
