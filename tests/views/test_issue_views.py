"""The issues desk as agents use it: inbox, issue page, replies, templates, decisions, files, access,
escaping."""

from __future__ import annotations

import io
import re

import pytest
from flask import url_for
from sqlalchemy import select

from desk.extensions import db
from desk.models import OutboxMessage, Role
from desk.models.issue import Issue, ReplyTemplate
from desk.orm import utcnow
from desk.services.issues import replies as issue_replies
from desk.services.issues.sync import sync_issues
from desk.services.sync.runner import run_sync
from desk.wiring import get_allegro
from tests.factories import connect_account, make_agent

POST = "POST /sale/issues/{issueId}/message"
STATUS = "POST /sale/issues/{issueId}/status"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
XSS = {  # payload -> how it must appear in the page
    "<script>alert('xss')</script>": "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;",
    '<img src=x onerror="alert(1)">': "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;",
    '"><svg onload=alert(2)>': "&#34;&gt;&lt;svg onload=alert(2)&gt;",
    "javascript:alert(3)": "javascript:alert(3)",
}


@pytest.fixture
def shop(app, fake_allegro):
    return connect_account(fake_allegro, name="Sklep A")


@pytest.fixture
def agent(app, shop, login):
    return login(make_agent(name="Ewa Agentka", accounts=[shop[0]]))


def sync(shop):
    account, _ = shop
    sync_issues(get_allegro().client_for(account.id), account.id, full=False, now=utcnow())


def add_issue(fake, shop, **kwargs) -> Issue:
    _account, seller = shop
    made = fake.state.add_issue(seller, **kwargs)
    sync(shop)
    db.session.expire_all()
    return db.session.scalar(select(Issue).where(Issue.allegro_id == made["id"]))


def page(client, endpoint, **values) -> str:
    response = client.get(url_for(endpoint, **values))
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def form_value(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, name
    return match.group(1)


def reply_form(client, issue: Issue) -> dict:
    html = page(client, "issues.detail", issue_id=issue.id)
    return {"idempotency_key": form_value(html, "idempotency_key"), "seen_key": form_value(html, "seen_key")}


# --- inbox --------------------------------------------------------------------------------------


def test_inbox_lists_queues_with_counts_in_polish(client, fake_allegro, shop, agent):
    add_issue(fake_allegro, shop, type="CLAIM", text="Pęknięta obudowa")
    dispute = add_issue(fake_allegro, shop, text="Gdzie paczka?")
    html = page(client, "issues.index")
    assert "Rozmowy z kupującymi" in html
    assert "Czeka na naszą odpowiedź" in html and 'class="issue-count">2<' in html
    assert "Reklamacje do decyzji" in html
    assert "Gdzie paczka?" in html and dispute.buyer_login in html
    assert "Reklamacja" in html and "Dyskusja" in html
    assert "issue-deadline-" in html  # each row shows its deadlines
    decision = page(client, "issues.index", queue="decision")
    assert "Pęknięta obudowa" in decision and "Gdzie paczka?" not in decision


def test_inbox_shows_only_the_agents_accounts(client, fake_allegro, shop, agent):
    other = connect_account(fake_allegro, name="Sklep B")
    add_issue(fake_allegro, shop, text="Moja sprawa")
    add_issue(fake_allegro, other, text="Cudza sprawa")
    html = page(client, "issues.index")
    assert "Moja sprawa" in html and "Cudza sprawa" not in html
    assert "Sklep B" not in html


def test_inbox_pages_with_keyset_links(client, fake_allegro, shop, agent):
    for n in range(55):
        fake_allegro.state.add_issue(shop[1], text=f"Sprawa {n}")
    sync(shop)
    first = page(client, "issues.index")
    assert first.count('class="issue-row') == 50
    next_url = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    second = client.get(next_url).get_data(as_text=True)
    assert second.count('class="issue-row') == 5
    assert 'rel="prev"' in second


def test_nav_badge_counts_issues_waiting_for_us(app, client, fake_allegro, shop, agent):
    from flask import render_template_string

    add_issue(fake_allegro, shop)
    add_issue(fake_allegro, shop)
    other = connect_account(fake_allegro, name="Sklep B")
    add_issue(fake_allegro, other)  # not the agent's account
    with app.test_request_context():
        from flask_login import login_user

        login_user(agent)
        assert render_template_string("{{ issues_nav_badge() }}") == "2"


def test_inbox_badge_is_its_reply_count(app, client, fake_allegro, shop, agent):
    # The inbox hands its own reply-queue count to the navigation badge instead of counting again.
    add_issue(fake_allegro, shop)
    add_issue(fake_allegro, shop)
    badge = re.compile(r'<span class="nav-count"[^>]*>(\d+)</span>')
    for endpoint in ("issues.index", "orders.index", "home.index"):
        assert badge.findall(page(client, endpoint)) == ["2"], endpoint


def test_counts_stop_at_the_cap(app, monkeypatch):
    from desk.views.issues.blueprint import count_label

    assert (count_label(0), count_label(1000), count_label(1001)) == ("0", "1000", "1000+")


# --- issue page and escaping --------------------------------------------------------------------


def test_issue_page_shows_chat_order_history_and_buyer(client, fake_allegro, shop, agent):
    account, seller = shop
    form = fake_allegro.state.add_checkout_form(seller)
    run_sync(get_allegro(), account.id)
    issue = add_issue(fake_allegro, shop, type="CLAIM", checkout_form_id=form["id"], text="Nie działa")
    fake_allegro.state.add_advisor_message(issue.allegro_id, "Prosimy sprzedawcę o odpowiedź.")
    sync(shop)
    html = page(client, "issues.detail", issue_id=issue.id)
    assert "Nie działa" in html and "Prosimy sprzedawcę o odpowiedź." in html
    assert "Doradca Allegro" in html and "Z udziałem Allegro" in html
    assert form["id"][:8] in html  # the order
    assert "Historia" in html and "Reklamacja czeka na decyzję" in html
    assert "Decyzja w sprawie reklamacji" in html
    assert f"Kupujący {issue.buyer_login}" in html


@pytest.mark.parametrize(("payload", "escaped"), list(XSS.items()))
def test_buyer_text_is_shown_as_text_never_run(client, fake_allegro, shop, agent, payload, escaped):
    issue = add_issue(fake_allegro, shop, text=f"Zobacz: {payload}")
    fake_allegro.state.add_buyer_message(issue.allegro_id, payload)
    sync(shop)
    for html in (page(client, "issues.detail", issue_id=issue.id), page(client, "issues.index")):
        assert escaped in html  # shown, as text
        for live in ("<script>alert", "<img src=x", "<svg", 'href="javascript:'):
            assert live not in html


def test_buyer_login_and_file_names_are_escaped(client, fake_allegro, shop, agent):
    file_id = fake_allegro.state.attach_file('<b onmouseover="x">zdj.png', PNG, "image/png")
    issue = add_issue(fake_allegro, shop, attachment_ids=[file_id])
    with db.session.no_autoflush:
        issue.buyer_login = "<i>haker</i>"
    db.session.commit()
    html = page(client, "issues.detail", issue_id=issue.id)
    assert "<i>haker</i>" not in html and "&lt;i&gt;haker&lt;/i&gt;" in html
    assert '<b onmouseover="x">' not in html


# --- replies ------------------------------------------------------------------------------------


def test_reply_is_sent_once_even_when_the_form_is_posted_twice(client, fake_allegro, shop, agent):
    issue = add_issue(fake_allegro, shop)
    data = reply_form(client, issue) | {
        "text": "Dzień dobry, sprawdzamy.",
        "type": "REGULAR",
        "action": "send",
    }
    first = client.post(url_for("issues.reply", issue_id=issue.id), data=data)
    second = client.post(url_for("issues.reply", issue_id=issue.id), data=data)
    assert first.status_code == second.status_code == 302
    assert fake_allegro.state.request_count(POST) == 1
    html = client.get(first.headers["Location"]).get_data(as_text=True)
    assert "Wysłano wiadomość do kupującego." in html
    assert "Dzień dobry, sprawdzamy." in html and "wysłane z biurka przez Ewa Agentka" in html


def test_closed_chat_keeps_the_draft_and_says_why_in_polish(client, fake_allegro, shop, agent):
    issue = add_issue(fake_allegro, shop)
    data = reply_form(client, issue) | {"text": "Proponujemy rabat 20 zł.", "type": "REGULAR"}
    fake_allegro.state.set_issue_status(issue.allegro_id, "DISPUTE_ONGOING", chat_active=False)
    response = client.post(url_for("issues.reply", issue_id=issue.id), data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Czat tej sprawy jest zamknięty" in html
    assert "Proponujemy rabat 20 zł." in html  # the draft is kept
    # coming back later, the refused text is still offered
    again = page(client, "issues.detail", issue_id=issue.id)
    assert "Nie wysłano" in again and "Proponujemy rabat 20 zł." in again


def test_changed_chat_stops_the_send_and_shows_the_new_message(client, fake_allegro, shop, agent):
    issue = add_issue(fake_allegro, shop)
    data = reply_form(client, issue) | {"text": "Paczka w drodze.", "type": "REGULAR"}
    fake_allegro.state.add_buyer_message(issue.allegro_id, "Już doszła, dziękuję!")
    response = client.post(url_for("issues.reply", issue_id=issue.id), data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Czat zmienił się od chwili otwarcia sprawy" in html
    assert "Już doszła, dziękuję!" in html and "Paczka w drodze." in html
    assert fake_allegro.state.request_count(POST) == 0


def test_template_is_inserted_with_the_issue_values(client, fake_allegro, shop, agent):
    account, seller = shop
    form = fake_allegro.state.add_checkout_form(seller)
    run_sync(get_allegro(), account.id)
    fake_allegro.state.add_shipment(
        seller, form["id"], {"carrierId": "INPOST", "waybill": "620111222333444555666777"}
    )
    issue = add_issue(fake_allegro, shop, checkout_form_id=form["id"])
    template = ReplyTemplate(
        name="Numer przesyłki",
        kind="dispute",
        body="Dzień dobry {buyer_login}, zamówienie {order_number} wysłaliśmy: {tracking_number}. "
        "{agent_name}",
    )
    db.session.add(template)
    db.session.commit()
    data = reply_form(client, issue) | {"text": "", "template_id": str(template.id), "action": "template"}
    html = client.post(url_for("issues.reply", issue_id=issue.id), data=data).get_data(as_text=True)
    expected = (
        f"Dzień dobry {issue.buyer_login}, zamówienie {form['id']} wysłaliśmy: "
        "620111222333444555666777. Ewa Agentka"
    )
    assert expected in html
    assert fake_allegro.state.request_count(POST) == 0


def test_a_template_deleted_meanwhile_keeps_the_draft(client, fake_allegro, shop, agent):
    issue = add_issue(fake_allegro, shop)
    template = ReplyTemplate(name="Stary", kind="both", body="Dzień dobry")
    db.session.add(template)
    db.session.commit()
    template_id = template.id
    db.session.delete(template)
    db.session.commit()
    data = reply_form(client, issue) | {"text": "Mój szkic odpowiedzi", "template_id": str(template_id),
                                        "action": "template"}
    response = client.post(url_for("issues.reply", issue_id=issue.id), data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Tego szablonu już nie ma; wybierz inny." in html and "Mój szkic odpowiedzi" in html


def test_template_gap_is_flagged_and_blocks_sending(client, fake_allegro, shop, agent):
    issue = add_issue(fake_allegro, shop)  # no order: no tracking number
    template = ReplyTemplate(name="T", kind="both", body="Numer: {tracking_number}")
    db.session.add(template)
    db.session.commit()
    data = reply_form(client, issue) | {"text": "", "template_id": str(template.id), "action": "template"}
    html = client.post(url_for("issues.reply", issue_id=issue.id), data=data).get_data(as_text=True)
    assert "{tracking_number}" in html and "luki" in html
    sent = client.post(
        url_for("issues.reply", issue_id=issue.id),
        data=reply_form(client, issue) | {"text": "Numer: {tracking_number}", "type": "REGULAR"},
    )
    assert sent.status_code == 422 and "Uzupełnij luki" in sent.get_data(as_text=True)


def test_reply_with_an_attachment_and_a_refused_file(client, fake_allegro, shop, agent):
    import io

    issue = add_issue(fake_allegro, shop)
    bad = reply_form(client, issue) | {
        "text": "Plik",
        "type": "REGULAR",
        "attachments": (io.BytesIO(b"MZ exe"), "program.exe"),
    }
    response = client.post(
        url_for("issues.reply", issue_id=issue.id), data=bad, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert "program.exe" in response.get_data(as_text=True) and "PDF" in response.get_data(as_text=True)
    good = reply_form(client, issue) | {
        "text": "Etykieta",
        "type": "REGULAR",
        "attachments": (io.BytesIO(PNG), "etykieta.png"),
    }
    response = client.post(
        url_for("issues.reply", issue_id=issue.id), data=good, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    html = page(client, "issues.detail", issue_id=issue.id)
    assert "etykieta.png" in html and "<img src=" in html


# --- attachments --------------------------------------------------------------------------------


def test_attachments_are_served_through_the_desk_to_those_who_may_see_them(
    app, client, fake_allegro, shop, agent, login
):
    file_id = fake_allegro.state.attach_file("zdjecie.png", PNG, "image/png")
    issue = add_issue(fake_allegro, shop, attachment_ids=[file_id])
    url = url_for("issues.attachment", issue_id=issue.id, attachment_id=file_id)
    response = client.get(url)
    assert response.status_code == 200 and response.data == PNG
    assert response.mimetype == "image/png"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert client.get(url + "?download=1").headers["Content-Disposition"].startswith("attachment")
    # an attachment id that is not part of this issue
    foreign = fake_allegro.state.attach_file("inny.png", PNG, "image/png")
    assert (
        client.get(url_for("issues.attachment", issue_id=issue.id, attachment_id=foreign)).status_code == 404
    )
    # an agent of another account gets 404, never the file
    other_account, _ = connect_account(fake_allegro, name="Sklep B")
    client.post(url_for("auth.logout"))
    login(make_agent(accounts=[other_account]))
    assert client.get(url).status_code == 404
    assert client.get(url_for("issues.detail", issue_id=issue.id)).status_code == 404


# --- claims, assignment, notes, presence --------------------------------------------------------


def test_decision_form_offers_allowed_decisions_and_requires_their_fields(client, fake_allegro, shop, agent):
    issue = add_issue(fake_allegro, shop, type="CLAIM")
    html = page(client, "issues.detail", issue_id=issue.id)
    assert "Uznaj: częściowy zwrot pieniędzy" in html and "Odrzuć: inny powód" in html
    key = re.search(
        r'action="[^"]*/decision"[^>]*>.*?name="idempotency_key" value="([^"]+)"', html, re.S
    ).group(1)
    response = client.post(
        url_for("issues.decide", issue_id=issue.id),
        data={
            "decision": "ACCEPTED_PARTIAL_REFUND",
            "message": "Zwrócimy część.",
            "amount": "",
            "idempotency_key": key,
        },
    )
    assert response.status_code == 422 and "Częściowy zwrot wymaga podania kwoty" in response.get_data(
        as_text=True
    )
    response = client.post(
        url_for("issues.decide", issue_id=issue.id),
        data={
            "decision": "ACCEPTED_PARTIAL_REFUND",
            "message": "Zwrócimy część.",
            "amount": "15,00",
            "idempotency_key": key,
        },
    )
    assert response.status_code == 302
    assert fake_allegro.state.request_count(STATUS) == 1
    html = page(client, "issues.detail", issue_id=issue.id)
    assert "Reklamacja uznana" in html and "Ewa Agentka" in html


def test_discussion_has_no_decision_form(client, fake_allegro, shop, agent):
    issue = add_issue(fake_allegro, shop)
    assert "Decyzja w sprawie reklamacji" not in page(client, "issues.detail", issue_id=issue.id)
    response = client.post(
        url_for("issues.decide", issue_id=issue.id),
        data={"decision": "ACCEPTED_REFUND", "message": "x", "idempotency_key": "k"},
    )
    assert response.status_code == 422


def test_assignment_notes_and_presence(app, client, fake_allegro, shop, agent, login):
    issue = add_issue(fake_allegro, shop)
    assert (
        client.post(url_for("issues.assign", issue_id=issue.id), data={"agent_id": "me"}).status_code == 302
    )
    assert (
        client.post(
            url_for("issues.add_note", issue_id=issue.id), data={"text": "<b>VIP</b> klient"}
        ).status_code
        == 302
    )
    html = page(client, "issues.detail", issue_id=issue.id)
    assert "&lt;b&gt;VIP&lt;/b&gt; klient" in html
    db.session.expire_all()
    assert db.session.get(Issue, issue.id).assigned_agent_id == agent.id
    assert "Przypisane do mnie" in page(client, "issues.index", queue="mine")
    # a colleague opens the same issue: she is warned that Ewa has it open
    client.post(url_for("auth.logout"))
    login(make_agent(name="Kasia", accounts=[shop[0]]))
    assert "Ewa Agentka ma otwartą tę sprawę" in page(client, "issues.detail", issue_id=issue.id)


# --- templates management -----------------------------------------------------------------------


def test_only_owners_manage_templates(app, client, fake_allegro, shop, agent, login):
    assert client.get(url_for("issues.new_template")).status_code == 403
    assert "Szablony odpowiedzi" in page(client, "issues.templates")
    client.post(url_for("auth.logout"))
    login(make_agent(role=Role.OWNER))
    response = client.post(
        url_for("issues.new_template"),
        data={"name": "Powitanie", "kind": "both", "body": "Dzień dobry {buyer_login}!"},
    )
    assert response.status_code == 302
    bad = client.post(
        url_for("issues.new_template"), data={"name": "Zły", "kind": "both", "body": "{nieznany}"}
    )
    assert bad.status_code == 422 and "Nieznane symbole" in bad.get_data(as_text=True)
    assert "Powitanie" in page(client, "issues.templates")
    template = db.session.scalar(select(ReplyTemplate))
    assert client.post(url_for("issues.delete_template", template_id=template.id)).status_code == 302
    assert db.session.scalar(select(ReplyTemplate)) is None


def test_outbox_rows_carry_the_agent(client, fake_allegro, shop, agent):
    issue = add_issue(fake_allegro, shop)
    client.post(
        url_for("issues.reply", issue_id=issue.id),
        data=reply_form(client, issue) | {"text": "Odpowiedź", "type": "REGULAR"},
    )
    row = db.session.scalar(select(OutboxMessage))
    assert row.created_by == agent.id and row.kind == "issue_message"


def test_a_file_over_the_limit_comes_back_with_the_typed_text(client, fake_allegro, shop, agent, monkeypatch):
    # Allegro's limit is 2 MB; a smaller one here keeps the test's upload in memory.
    monkeypatch.setattr(issue_replies, "ATTACHMENT_MAX_BYTES", 100 * 1024)
    issue = add_issue(fake_allegro, shop)
    big = (io.BytesIO(PNG + b"\x00" * (200 * 1024)), "zdjecie.png")
    data = reply_form(client, issue) | {"text": "Proszę o zdjęcie paragonu", "type": "REGULAR",
                                        "action": "send", "attachments": big}
    response = client.post(url_for("issues.reply", issue_id=issue.id), data=data,
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Plik zdjecie.png jest za duży" in html and "Proszę o zdjęcie paragonu" in html
    assert fake_allegro.state.request_count(POST) == 0


def test_the_reply_form_tells_the_browser_its_limits(client, fake_allegro, shop, agent):
    issue = add_issue(fake_allegro, shop)
    html = page(client, "issues.detail", issue_id=issue.id)
    assert f'data-max-bytes="{12 * 1024 * 1024}"' in html
    assert f'data-max-file-bytes="{2 * 1024 * 1024}"' in html
    assert "Te pliki są razem za duże do wysłania (najwyżej 12 MB)" in html
