"""An agent opens a post-purchase problem from the inbox, answers with a picture and sees it in the chat."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from desk.extensions import db
from desk.models.issue import PROBLEM, Issue
from desk.orm import utcnow
from desk.services.issues.threads.sync import sync_threads
from desk.services.sync.runner import run_sync
from desk.wiring import get_allegro
from tests.browser.conftest import shot, sign_in
from tests.factories import PASSWORD, connect_account, make_agent

pytestmark = pytest.mark.browser
# A 1x1 transparent PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


@pytest.fixture
def desk_with_a_problem(app, fake_allegro):
    account, seller = connect_account(fake_allegro, name="Sklep Główny")
    form = fake_allegro.state.add_checkout_form(seller)
    run_sync(get_allegro(), account.id)
    thread_id = fake_allegro.state.add_thread(
        seller, type=PROBLEM, sub_type="PRODUCT_ARRIVED_DAMAGED", order_id=form["id"],
        text="Dzień dobry, czajnik dotarł z pękniętą pokrywką. Co teraz?",
    )
    fake_allegro.state.add_thread(seller, type="COMMON", buyer_login="ania_k", text="Czy jest wersja czarna?")
    sync_threads(get_allegro().client_for(account.id), account.id, now=utcnow())
    agent = make_agent(name="Ewa Nowak", accounts=[account])
    issue = db.session.scalar(select(Issue).where(Issue.allegro_id == thread_id))
    return agent, issue, seller


def test_agent_answers_a_problem_with_a_picture(live_desk, page, fake_allegro, desk_with_a_problem, tmp_path):
    agent, issue, seller = desk_with_a_problem
    sign_in(page, live_desk, agent.email, PASSWORD)

    page.goto(f"{live_desk}/issues/")
    problem_row = page.locator("tr.issue-row", has_text="Problem z zakupem")
    assert "Produkt dotarł uszkodzony" in problem_row.inner_text()
    assert page.locator("tr.issue-row", has_text="Pytanie kupującego").count() == 1
    shot(page, "threads-inbox")

    problem_row.locator(f"a[href='/issues/{issue.id}']").click()
    page.wait_for_load_state()
    assert "czajnik dotarł z pękniętą pokrywką" in page.locator("#chat").inner_text()
    assert page.get_attribute("#f-text", "maxlength") == "2000"

    reply = "Bardzo przepraszamy. Prosimy odesłać czajnik na naszą etykietę, wyślemy nowy."
    page.fill("#f-text", reply)
    assert page.locator("#f-text-counter").inner_text() == f"{len(reply)} / 2000"  # the live counter
    picture = tmp_path / "etykieta.png"
    picture.write_bytes(PNG)
    page.set_input_files("#f-attachments", str(picture))
    page.click("button[value=send]")
    page.wait_for_load_state()

    assert "Wysłano wiadomość do kupującego." in page.locator(".flashes").inner_text()
    ours = page.locator("#chat .issue-msg-seller").last
    assert "wyślemy nowy" in ours.inner_text() and "Ewa Nowak" in ours.inner_text()
    assert "etykieta.png" in ours.inner_text()
    page.evaluate("window.scrollTo(0, 0)")  # the sticky top bar belongs at the top of a full-page shot
    shot(page, "threads-answered")

    sent = fake_allegro.state.messaging_sent(seller)
    assert len(sent) == 1 and sent[0]["thread_id"] == issue.allegro_id and sent[0]["text"] == reply
    (attachment_id,) = sent[0]["attachment_ids"]
    stored = fake_allegro.state.message_attachments[attachment_id]
    assert stored.file_name == "etykieta.png" and stored.data == PNG and stored.content_type == "image/png"
