"""Message Center threads in the desk as agents use it: the inbox with every kind of conversation,
the thread page (Allegro's time and when the desk saw a message, message states, safe files only,
the 2000-character reply form), replies with files through the fake Allegro, the read flag."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from flask import url_for
from sqlalchemy import select

from desk.extensions import db
from desk.models import OutboxMessage
from desk.models.issue import COMMON, PROBLEM, Issue, ReplyFile
from desk.orm import utcnow
from desk.services import outbox_kinds
from desk.services.issues.threads.sync import sync_threads
from desk.wiring import get_allegro
from tests.factories import connect_account, make_agent, make_thread
from tests.services.issues.test_factories import make_issue

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
REPLY = "POST /messaging/threads/{threadId}/messages"
READ = "PUT /messaging/threads/{threadId}/read"
# 09:00 UTC on a November day is 10:00 in Warsaw (CET)
WRITTEN = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def shop(app, fake_allegro):
    return connect_account(fake_allegro, name="Sklep A")


@pytest.fixture
def agent(app, shop, login):
    return login(make_agent(name="Ewa Agentka", accounts=[shop[0]]))


def page(client, endpoint, **values) -> str:
    response = client.get(url_for(endpoint, **values))
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def rows(html: str) -> list[str]:
    return re.findall(r'<tr class="issue-row.*?</tr>', html, flags=re.S)


def four_kinds(account_id: int) -> dict[str, Issue]:
    return {
        PROBLEM: make_thread(account_id, sub_type="PRODUCT_ARRIVED_DAMAGED", buyer_login="anna_problem"),
        COMMON: make_thread(account_id, type=COMMON, sub_type=None, buyer_login="bartek_pyta",
                            subject="Pytanie o rozmiar buta"),
        "DISPUTE": make_issue(account_id, buyer_login="celina_dyskusja"),
        "CLAIM": make_issue(account_id, type="CLAIM", buyer_login="darek_reklamacja"),
    }


# --- inbox --------------------------------------------------------------------------------------


def test_inbox_shows_every_kind_with_its_badge_in_polish(client, shop, agent):
    four_kinds(shop[0].id)
    html = page(client, "issues.index")
    assert len(rows(html)) == 4
    for badge in ("Problem z zakupem", "Pytanie kupującego", "Dyskusja", "Reklamacja"):
        assert badge in html
    assert "Produkt dotarł uszkodzony" in html  # a problem's subType
    assert "Pytanie o rozmiar buta" in html  # a question's subject
    assert "Otwarty" in html  # a thread's status
    # the type filter offers all four kinds
    for code in (PROBLEM, COMMON, "DISPUTE", "CLAIM"):
        assert f'<option value="{code}"' in html


@pytest.mark.parametrize(
    ("kind", "buyer"),
    [(PROBLEM, "anna_problem"), (COMMON, "bartek_pyta"), ("DISPUTE", "celina_dyskusja"),
     ("CLAIM", "darek_reklamacja")],
)
def test_type_filter_narrows_to_one_kind(client, shop, agent, kind, buyer):
    four_kinds(shop[0].id)
    html = page(client, "issues.index", type=kind)
    assert len(rows(html)) == 1 and buyer in rows(html)[0]
    assert f'<option value="{kind}" selected' in html


def test_an_unknown_type_filter_shows_everything(client, shop, agent):
    four_kinds(shop[0].id)
    assert len(rows(page(client, "issues.index", type="SOMETHING_NEW"))) == 4


def test_search_finds_threads_by_login_thread_id_order_and_subject(client, shop, agent):
    made = four_kinds(shop[0].id)
    problem, question = made[PROBLEM], made[COMMON]
    problem.checkout_form_id = "29d3c2d0-1111-4bbb-8ccc-123456789abc"
    db.session.commit()
    for term, expected in (
        ("anna_problem", problem),
        (problem.allegro_id, problem),  # thread ids are case-sensitive
        ("29d3c2d0-1111-4bbb-8ccc-123456789abc", problem),
        ("rozmiar buta", question),  # part of the subject, any case
    ):
        found = rows(page(client, "issues.index", q=term))
        assert len(found) == 1 and expected.buyer_login in found[0], term
    assert rows(page(client, "issues.index", q="nic takiego")) == []


def test_unknown_problem_subtype_is_shown_verbatim(client, shop, agent):
    make_thread(shop[0].id, sub_type="BRAND_NEW_SUBTYPE")
    assert "BRAND_NEW_SUBTYPE" in page(client, "issues.index")


def test_every_problem_subtype_has_a_polish_label(client, shop, agent):
    from integrations.allegro.models_messaging import PROBLEM_SUB_TYPES

    for sub_type in PROBLEM_SUB_TYPES:
        make_thread(shop[0].id, sub_type=sub_type)
    html = page(client, "issues.index")
    for sub_type in PROBLEM_SUB_TYPES:
        assert sub_type not in html, sub_type
    for label in ("Produkt dotarł uszkodzony", "Brak zwrotu pieniędzy", "Sprzedający nie chce przyjąć zwrotu",
                  "Brak dokumentów (dowód zakupu, instrukcja, gwarancja)"):
        assert label in html


def test_inbox_and_thread_page_in_english(client, shop, agent):
    made = four_kinds(shop[0].id)
    client.post("/locale", data={"locale": "en", "next": "/"})
    html = page(client, "issues.index")
    badges = ("Post-purchase problem", "Buyer&#39;s question", "Discussion", "Claim",
              "Product arrived damaged")
    for badge in badges:
        assert badge in html, badge
    assert "Problem z zakupem" not in html
    detail = page(client, "issues.detail", issue_id=made[PROBLEM].id)
    assert "Thread open" in detail and "Reply to the buyer" in detail


# --- thread page --------------------------------------------------------------------------------


def test_thread_page_header_shows_kind_subtype_status_and_buyer(client, shop, agent):
    thread = make_thread(shop[0].id, sub_type="NO_REFUND", buyer_login="jan_kupujacy",
                         checkout_form_id="ab12cd34-0000-4000-8000-000000000001")
    html = page(client, "issues.detail", issue_id=thread.id)
    header = html.split('class="page-header"', 1)[1].split("issue-layout", 1)[0]
    assert "Problem z zakupem" in header and "Brak zwrotu pieniędzy" in header and "Otwarty" in header
    assert "jan_kupujacy" in header and "ab12cd34" in header
    # no claim decision, no "ask the buyer to end the discussion"
    assert "Decyzja w sprawie reklamacji" not in html
    assert "END_REQUEST" not in html and 'name="type" value="REGULAR"' in html


def test_chat_shows_allegro_time_and_when_the_desk_first_saw_a_late_message(client, shop, agent):
    thread = make_thread(shop[0].id, messages=[
        {"role": "BUYER", "text": "Pisałem rano", "created_at": WRITTEN,
         "seen_at": WRITTEN + dt.timedelta(hours=3, minutes=30)},
        {"role": "BUYER", "text": "Od razu widoczna", "created_at": WRITTEN + dt.timedelta(hours=4),
         "seen_at": WRITTEN + dt.timedelta(hours=4, seconds=40)},
    ])
    html = page(client, "issues.detail", issue_id=thread.id)
    late = html.split("Pisałem rano")[0].rsplit("<li", 1)[1]
    prompt = html.split("Od razu widoczna")[0].rsplit("<li", 1)[1]
    assert "10:00" in late and "widoczna w desku od" in late and "13:30" in late  # Warsaw time
    assert "14:00" in prompt and "widoczna w desku od" not in prompt  # under a minute: not mentioned


def test_chat_marks_held_blocked_and_deleted_messages_and_mail_subjects(client, shop, agent):
    thread = make_thread(shop[0].id, type=COMMON, sub_type=None, messages=[
        {"role": "BUYER", "text": "Zapytanie mailem", "message_type": "MAIL",
         "subject": "Faktura VAT za zamówienie"},
        {"role": "BUYER", "text": "Pytanie spod oferty", "message_type": "ASK_QUESTION"},
        {"role": "BUYER", "text": "Czeka na moderację", "status": "VERIFYING"},
        {"role": "SELLER", "text": "Nasza zablokowana", "status": "BLOCKED"},
        {"role": "BUYER", "text": "Skasowana", "deleted_at": utcnow()},
    ])
    html = page(client, "issues.detail", issue_id=thread.id)
    assert "Temat:</strong> Faktura VAT za zamówienie" in html and "E-mail" in html
    assert "Pytanie z oferty" in html
    assert "W weryfikacji Allegro" in html
    assert "Zablokowana przez Allegro" in html
    assert "Usunięta na Allegro" in html


def test_only_safe_attachments_are_links(client, shop, agent):
    files = [
        {"id": "att-safe", "file_name": "paragon.pdf", "mime_type": "application/pdf", "status": "SAFE"},
        {"id": "att-new", "file_name": "swieze.png", "mime_type": "image/png", "status": "NEW"},
        {"id": "att-bad", "file_name": "wirus.pdf", "mime_type": "application/pdf", "status": "UNSAFE"},
        {"id": "att-old", "file_name": "stare.jpg", "mime_type": "image/jpeg", "status": "EXPIRED"},
    ]
    thread = make_thread(shop[0].id, messages=[{"role": "BUYER", "text": "Załączam", "attachments": files}])
    html = page(client, "issues.detail", issue_id=thread.id)
    def link(attachment_id):
        return url_for("issues.attachment", issue_id=thread.id, attachment_id=attachment_id, _external=False)

    assert link("att-safe") in html
    for unsafe in ("att-new", "att-bad", "att-old"):
        assert link(unsafe) not in html
    shown = (("swieze.png", "Sprawdzany przez Allegro"), ("wirus.pdf", "Zablokowany jako niebezpieczny"),
             ("stare.jpg", "Już niedostępny"))
    for name, label in shown:
        assert name in html and label in html
    # the desk refuses to fetch a file that is not SAFE, whatever the URL
    url = url_for("issues.attachment", issue_id=thread.id, attachment_id="att-bad")
    assert client.get(url).status_code == 404


def test_thread_reply_form_has_the_message_center_limits(client, shop, agent):
    thread = make_thread(shop[0].id)
    html = page(client, "issues.detail", issue_id=thread.id)
    form = html.split('id="reply"', 1)[1]
    assert 'maxlength="2000"' in form and 'data-char-counter="f-text-counter"' in form
    assert '<output id="f-text-counter" class="char-counter" data-max="2000"' in form and "0 / 2000" in form
    assert 'accept=".jpg,.jpeg,.png,.pdf,.gif,.bmp,.tif,.tiff"' in form
    assert "do 5 MB" in form and f'data-max-file-bytes="{5 * 1024 * 1024}"' in form
    assert "js/messages.js" in html  # the counter's script, served by the desk itself
    assert "<script src=\"http" not in html


def test_a_discussion_keeps_its_own_reply_form(client, shop, agent):
    dispute = make_issue(shop[0].id)
    html = page(client, "issues.detail", issue_id=dispute.id)
    assert "data-char-counter" not in html and "do 2 MB" in html


def test_a_closed_problem_takes_no_reply(client, shop, agent):
    thread = make_thread(shop[0].id, status="CLOSED")
    html = page(client, "issues.detail", issue_id=thread.id)
    assert "Zamknięty" in html
    assert url_for("issues.reply", issue_id=thread.id, _external=False) not in html


def test_a_thread_allegro_does_not_return_now_is_flagged(client, shop, agent):
    thread = make_thread(shop[0].id, missing_count=3, missing_since=WRITTEN)
    html = page(client, "issues.detail", issue_id=thread.id)
    assert "Allegro chwilowo nie zwraca tego wątku" in html and "prób: 3" in html
    assert "chwilowo nie zwraca" not in page(client, "issues.detail", issue_id=make_thread(shop[0].id).id)


def test_sync_and_quarantine_pages_name_the_messages_step(client, app, shop, login):
    from desk.models import Role
    from desk.models.sync import QuarantinedRecord, SyncRun

    login(make_agent(role=Role.ADMIN, accounts=[shop[0]]))
    account_id = shop[0].id
    db.session.add(SyncRun(account_id=account_id, kind="incremental", state="partial",
                           steps={"orders": {"state": "ok"}, "messages": {"state": "failed", "error": "x"}},
                           error="messages: x"))
    db.session.add(QuarantinedRecord(account_id=account_id, step="messages", kind="thread_messages",
                                     record_key="T-1", allegro_id="T-1", error="bad", raw="{}",
                                     last_seen_at=utcnow()))
    db.session.commit()
    html = page(client, "sync.index")
    assert "Centrum wiadomości: nieudana" in html
    assert "Wiadomości wątku Centrum wiadomości" in html


# --- through the fake Allegro: replies with files, a failed send, the read flag, downloads ---------


def synced_problem(fake, shop, **kwargs) -> Issue:
    """A post-purchase problem opened in the fake and brought in by the Message Center sync."""
    account, seller = shop
    thread_id = fake.state.add_thread(
        seller, type=PROBLEM, sub_type="PRODUCT_ARRIVED_DAMAGED",
        text=kwargs.pop("text", "Paczka przyszła zgnieciona, ekran pęknięty."), **kwargs,
    )
    sync_threads(get_allegro().client_for(account.id), account.id, now=utcnow())
    db.session.expire_all()
    return db.session.scalar(select(Issue).where(Issue.allegro_id == thread_id))


def reply_data(client, issue: Issue, **fields) -> dict:
    html = page(client, "issues.detail", issue_id=issue.id)
    keys = {name: re.search(rf'name="{name}" value="([^"]*)"', html).group(1)
            for name in ("idempotency_key", "seen_key")}
    return keys | {"type": "REGULAR", "action": "send"} | fields


def test_reply_with_a_picture_reaches_allegro_once_and_shows_in_the_chat(client, fake_allegro, shop, agent):
    thread = synced_problem(fake_allegro, shop)
    data = reply_data(client, thread, text="Przepraszamy, wyślemy nowy egzemplarz.")
    first = client.post(url_for("issues.reply", issue_id=thread.id), content_type="multipart/form-data",
                        data=data | {"attachments": (io.BytesIO(PNG), "etykieta.png")})
    again = client.post(url_for("issues.reply", issue_id=thread.id), content_type="multipart/form-data",
                        data=data | {"attachments": (io.BytesIO(PNG), "etykieta.png")})
    assert first.status_code == again.status_code == 302
    sent = fake_allegro.state.messaging_sent(shop[1])
    assert len(sent) == 1 and sent[0]["text"] == "Przepraszamy, wyślemy nowy egzemplarz."
    assert len(sent[0]["attachment_ids"]) == 1
    html = client.get(first.headers["Location"]).get_data(as_text=True)
    assert "Wysłano wiadomość do kupującego." in html
    assert "Przepraszamy, wyślemy nowy egzemplarz." in html and "etykieta.png" in html


def test_a_text_over_2000_characters_comes_back_in_polish(client, fake_allegro, shop, agent):
    thread = synced_problem(fake_allegro, shop)
    text = "a" * 2001
    data = reply_data(client, thread, text=text)
    response = client.post(url_for("issues.reply", issue_id=thread.id), data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "może mieć najwyżej 2000 znaków (ta ma 2001)" in html and text in html
    assert fake_allegro.state.request_count(REPLY) == 0


def test_a_failed_send_keeps_the_draft_and_its_files_for_retry(client, fake_allegro, shop, agent):
    thread = synced_problem(fake_allegro, shop)
    fake_allegro.state.fail_next(REPLY, 422)
    data = reply_data(client, thread, text="Proszę o zdjęcie opakowania.")
    response = client.post(url_for("issues.reply", issue_id=thread.id), content_type="multipart/form-data",
                           data=data | {"attachments": (io.BytesIO(PNG), "instrukcja.png")})
    assert response.status_code == 422
    html = page(client, "issues.detail", issue_id=thread.id)
    writes = html.split('id="writes"', 1)[1].split("</section>", 1)[0]
    assert "Nie wysłano" in html and "Proszę o zdjęcie opakowania." in writes
    assert "instrukcja.png" in writes and "Pliki zachowane z tą wiadomością" in writes
    assert "Spróbuj ponownie" in writes and "Odrzuć" in writes
    assert db.session.scalar(select(ReplyFile.file_name)) == "instrukcja.png"
    # the draft is offered again in the form too
    assert re.search(r'<textarea id="f-text"[^>]*>Proszę o zdjęcie opakowania.</textarea>', html)

    row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "thread_message"))
    retried = client.post(url_for("issues.retry", issue_id=thread.id, message_id=row.id))
    assert retried.status_code == 302
    sent = fake_allegro.state.messaging_sent(shop[1])
    assert len(sent) == 1 and len(sent[0]["attachment_ids"]) == 1  # the kept file went out with it


def test_opening_an_unread_thread_marks_it_read_on_allegro(client, fake_allegro, shop, agent):
    thread = synced_problem(fake_allegro, shop)
    assert thread.allegro_read is False
    page(client, "issues.detail", issue_id=thread.id)
    assert fake_allegro.state.request_count(READ) == 0  # the page never waits on Allegro
    page(client, "issues.detail", issue_id=thread.id)
    outbox_kinds.deliver_due(get_allegro())
    assert fake_allegro.state.request_count(READ) == 1  # once per new last message
    assert fake_allegro.state.threads[thread.allegro_id].read is True
    db.session.expire_all()
    assert db.session.get(Issue, thread.id).allegro_read is True


def test_the_read_flag_is_left_alone_when_the_desk_is_set_so(app, client, fake_allegro, shop, agent):
    app.config["MIRROR_READ_TO_ALLEGRO"] = False
    thread = synced_problem(fake_allegro, shop)
    page(client, "issues.detail", issue_id=thread.id)
    outbox_kinds.deliver_due(get_allegro())
    assert fake_allegro.state.request_count(READ) == 0
    assert fake_allegro.state.threads[thread.allegro_id].read is False


def test_a_safe_buyer_file_is_served_through_the_desk(client, fake_allegro, shop, agent):
    account, seller = shop
    thread_id = fake_allegro.state.add_thread(seller, type=PROBLEM, sub_type="PRODUCT_ARRIVED_DAMAGED")
    file_id = fake_allegro.state.attach_message_file("zdjecie.png", PNG, "image/png")
    fake_allegro.state.add_thread_buyer_message(thread_id, "Zdjęcie uszkodzenia", attachments=[file_id])
    sync_threads(get_allegro().client_for(account.id), account.id, now=utcnow())
    thread = db.session.scalar(select(Issue).where(Issue.allegro_id == thread_id))
    html = page(client, "issues.detail", issue_id=thread.id)
    url = url_for("issues.attachment", issue_id=thread.id, attachment_id=file_id, _external=False)
    assert url in html
    response = client.get(url)
    assert response.status_code == 200 and response.data == PNG and response.mimetype == "image/png"
