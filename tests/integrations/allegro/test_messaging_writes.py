"""Message Center writes on the wire: sends paced and never retried, the rules Allegro enforces on
them, attachments (declare, upload, reference, download) with each limit, and the headers."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from integrations.allegro import (
    ASSIGNING_ATTACHMENTS_FAILED,
    BETA_V1,
    PUBLIC_V1,
    THREAD_CLOSED,
    AllegroClient,
    AllegroHTTPError,
    AllegroOutcomeUnknown,
    NotFound,
    RateLimited,
    ServerError,
    ValidationFailed,
    file_name_of,
)
from integrations.allegro.fake import FakeAllegroState
from integrations.allegro.fake.demo.issues import make_png

from .allegro_doubles import Clock, RecordingSleep, wait_until

REPLY = "POST /messaging/threads/{threadId}/messages"
NEW = "POST /messaging/messages"
DECLARE = "POST /messaging/message-attachments"
UPLOAD = "PUT /messaging/message-attachments/{attachmentId}"
DOWNLOAD = "GET /messaging/message-attachments/{attachmentId}"
PNG = make_png(random.Random(3))


def _upload(client: AllegroClient, data: bytes = PNG, name: str = "paczka.png") -> str:
    attachment_id = client.declare_message_attachment(name, len(data))
    client.upload_message_attachment(attachment_id, data, "image/png")
    return attachment_id


def test_second_send_within_a_second_is_429_until_the_clock_moves(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, clock: Clock, sleep: RecordingSleep
) -> None:
    form = state.add_checkout_form(seller_id)
    thread_id = state.add_thread(seller_id, text="Pytanie")
    client.reply_in_thread(thread_id, text="Pierwsza")

    with pytest.raises(RateLimited) as reply_limited:
        client.reply_in_thread(thread_id, text="Druga")
    with pytest.raises(RateLimited):
        client.send_message(recipient_login=form["buyer"]["login"], order_id=form["id"], text="Trzecia")

    assert reply_limited.value.retry_after == 1.0 and sleep.delays == []
    assert (state.request_count(REPLY), state.request_count(NEW)) == (2, 1)
    clock.advance(1)
    client.send_message(recipient_login=form["buyer"]["login"], order_id=form["id"], text="Czwarta")
    assert [sent["text"] for sent in state.messaging_sent(seller_id)] == ["Pierwsza", "Czwarta"]


def test_text_of_2000_characters_is_sent_2001_refused_before_sending(
    client: AllegroClient, state: FakeAllegroState, seller_id: str
) -> None:
    thread_id = state.add_thread(seller_id, text="Pytanie")

    sent = client.reply_in_thread(thread_id, text="ż" * 2000)
    for bad in ("ż" * 2001, "", "   "):
        with pytest.raises(ValueError):
            client.reply_in_thread(thread_id, text=bad)

    assert len(sent.text) == 2000 and state.request_count(REPLY) == 1


def test_a_new_message_needs_the_recipients_order(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, clock: Clock
) -> None:
    mine, other = state.add_checkout_form(seller_id), state.add_checkout_form(seller_id)
    buyer = mine["buyer"]["login"]
    with pytest.raises(ValueError):
        client.send_message(recipient_login=buyer, order_id="", text="Bez zamówienia")

    with pytest.raises(ValidationFailed) as foreign:
        client.send_message(recipient_login=buyer, order_id=other["id"], text="Cudze zamówienie")
    sent = client.send_message(
        recipient_login=buyer, order_id=mine["id"], text="Paczka wyszła", version="public"
    )

    assert (foreign.value.code, foreign.value.errors[0].path) == ("VALIDATION_ERROR", "order")
    assert sent.order_id == mine["id"] and sent.author.is_interlocutor is False and sent.thread_id
    (thread,) = client.list_threads().threads
    assert (thread.id, thread.type, thread.other_login("sklep_testowy")) == (sent.thread_id, "COMMON", buyer)
    assert state.messaging_sent(seller_id) == [
        {
            "id": sent.id,
            "thread_id": sent.thread_id,
            "text": "Paczka wyszła",
            "attachment_ids": [],
            "recipient_login": buyer,
            "order_id": mine["id"],
            "at": clock(),
        }
    ]
    assert state.requests_for(NEW)[-1].body == {
        "recipient": {"login": buyer},
        "text": "Paczka wyszła",
        "order": {"id": mine["id"]},
    }


def test_reply_in_a_closed_problem_is_thread_closed(
    client: AllegroClient, state: FakeAllegroState, seller_id: str
) -> None:
    thread_id = state.add_thread(seller_id, type="POST_PURCHASE_ISSUE", sub_type="OTHER", text="Problem")
    state.close_thread(thread_id)

    with pytest.raises(ValidationFailed) as closed:
        client.reply_in_thread(thread_id, text="Odpowiedź po zamknięciu")

    assert closed.value.code == THREAD_CLOSED and closed.value.status == 422
    assert client.get_thread(thread_id).status == "CLOSED" and state.messaging_sent(seller_id) == []


def test_sends_are_never_retried_and_a_dropped_answer_is_outcome_unknown(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, clock: Clock, sleep: RecordingSleep
) -> None:
    thread_id = state.add_thread(seller_id, created_at=clock() - dt.timedelta(minutes=5), text="Pytanie")
    state.fail_next(REPLY, 503)
    with pytest.raises(ServerError):
        client.reply_in_thread(thread_id, text="Nie doszło")
    state.drop_after_commit(REPLY)

    with pytest.raises(AllegroOutcomeUnknown):
        client.reply_in_thread(thread_id, text="Doszło, ale bez odpowiedzi")

    assert sleep.delays == []
    assert wait_until(lambda: state.request_count(REPLY) == 2)
    assert [sent["text"] for sent in state.messaging_sent(seller_id)] == ["Doszło, ale bez odpowiedzi"]
    # re-reading the thread is how the desk learns that Allegro took it
    newest = client.list_thread_messages(thread_id).messages[0]
    assert newest.text == "Doszło, ale bez odpowiedzi" and newest.author.role == "SELLER"
    assert client.get_thread(thread_id).last_message_at == clock()


def test_reads_are_retried_on_5xx(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, sleep: RecordingSleep
) -> None:
    thread_id = state.add_thread(seller_id, text="Pytanie")
    state.fail_next("GET /messaging/threads", 503)
    state.fail_next("GET /messaging/threads/{threadId}/messages", 502)

    assert [t.id for t in client.list_threads().threads] == [thread_id]
    assert len(client.list_thread_messages(thread_id).messages) == 1
    assert len(sleep.delays) == 2


def test_attachment_round_trip_with_a_polish_name(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, clock: Clock
) -> None:
    thread_id = state.add_thread(
        seller_id, created_at=clock() - dt.timedelta(hours=1), text="Proszę o fakturę"
    )
    attachment_id = _upload(client, name="zdjęcie paczki.png")

    sent = client.reply_in_thread(thread_id, text="W załączniku", attachment_ids=[attachment_id])

    (attachment,) = sent.attachments
    assert (attachment.id, attachment.file_name, attachment.mime_type, attachment.status) == (
        attachment_id,
        "zdjęcie paczki.png",
        "image/png",
        "SAFE",
    )
    (public,) = client.list_thread_messages(thread_id, version="public").messages[0].attachments
    assert public.id == attachment_id  # public.v1 has no id: it is the last segment of the url
    downloaded = client.download_message_attachment(attachment_id)
    assert (downloaded.data, downloaded.content_type, downloaded.file_name) == (
        PNG,
        "image/png",
        "zdjęcie paczki.png",
    )
    assert state.requests_for(DECLARE)[0].body == {"filename": "zdjęcie paczki.png", "size": len(PNG)}
    assert state.requests_for(UPLOAD)[0].body == PNG


def test_buyer_files_download_for_six_months_only(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, clock: Clock
) -> None:
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    fresh = state.attach_message_file("faktura.pdf", pdf, "application/pdf")
    old = state.attach_message_file(
        "stare.png", PNG, "image/png", uploaded_at=clock() - dt.timedelta(days=200)
    )
    thread_id = state.add_thread(seller_id)
    state.add_thread_buyer_message(thread_id, "Pliki", attachments=[fresh, old])

    files = client.list_thread_messages(thread_id).messages[0].attachments

    assert [(f.id, f.file_name) for f in files] == [(fresh, "faktura.pdf"), (old, "stare.png")]
    assert client.download_message_attachment(fresh).data == pdf
    with pytest.raises(NotFound):
        client.download_message_attachment(old)


def test_attachment_limits(client: AllegroClient, state: FakeAllegroState, seller_id: str) -> None:
    thread_id = state.add_thread(seller_id, text="Pytanie")
    for name, size in (("a.png", 5_242_881), ("a.png", 0), ("", 10)):
        with pytest.raises(ValueError):
            client.declare_message_attachment(name, size)
    assert client.declare_message_attachment("max.pdf", 5_242_880)

    small = client.declare_message_attachment("a.png", 10)
    with pytest.raises(AllegroHTTPError) as too_big:
        client.upload_message_attachment(small, PNG, "image/png")
    for content_type in ("application/pdf;charset=UTF-8", "text/plain", "image/webp"):
        with pytest.raises(ValueError):
            client.upload_message_attachment(small, PNG[:10], content_type)
    with pytest.raises(ValidationFailed) as not_uploaded:
        client.reply_in_thread(thread_id, text="Zdjęcie", attachment_ids=[small])
    with pytest.raises(AllegroHTTPError) as bad_name:
        client.declare_message_attachment("notatki.txt", 10)

    assert too_big.value.status == 413 and bad_name.value.status == 415
    assert not_uploaded.value.code == ASSIGNING_ATTACHMENTS_FAILED
    assert state.messaging_sent(seller_id) == []


def test_declarations_and_downloads_are_retried_uploads_are_not(
    client: AllegroClient, state: FakeAllegroState, sleep: RecordingSleep
) -> None:
    attachment_id = _upload(client)
    state.fail_next(DECLARE, 503)
    state.fail_next(DOWNLOAD, 503)
    state.fail_next(UPLOAD, 503)

    assert client.declare_message_attachment("b.png", 5)
    assert client.download_message_attachment(attachment_id).data == PNG
    with pytest.raises(ServerError):
        client.upload_message_attachment(attachment_id, PNG, "image/png")

    assert len(sleep.delays) == 2 and state.request_count(UPLOAD) == 2


@pytest.mark.parametrize("version", ["beta", "public"])
def test_headers_of_every_messaging_endpoint(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, clock: Clock, version: str
) -> None:
    form = state.add_checkout_form(seller_id)
    thread_id = state.add_thread(seller_id, created_at=clock() - dt.timedelta(minutes=1), text="Pytanie")
    client.list_threads(version=version)
    client.get_thread(thread_id, version=version)
    client.mark_thread_read(thread_id, version=version)
    message = client.list_thread_messages(thread_id, version=version).messages[0]
    client.get_message(message.id, version=version)
    attachment_id = _upload(client)
    sent = client.reply_in_thread(
        thread_id, text="Odpowiedź", attachment_ids=[attachment_id], version=version
    )
    clock.advance(1)
    client.send_message(
        recipient_login=form["buyer"]["login"], order_id=form["id"], text="Hej", version=version
    )
    client.download_message_attachment(attachment_id)
    client.delete_message(sent.id)

    media = BETA_V1 if version == "beta" else PUBLIC_V1
    seen = {entry.route: entry for entry in state.requests}
    assert len(seen) == 11 and all(200 <= entry.status < 300 for entry in seen.values())
    for route, entry in seen.items():
        if route == DOWNLOAD:
            expected = ("*/*", None)
        elif route in (DECLARE, UPLOAD, "DELETE /messaging/messages/{messageId}"):
            expected = (PUBLIC_V1, {"POST": PUBLIC_V1, "PUT": "image/png"}.get(entry.method))
        else:
            expected = (media, media if entry.method in ("POST", "PUT") else None)
        assert (entry.headers["Accept"], entry.headers.get("Content-Type")) == expected, route
    assert client.request_count == len(state.requests)


def test_file_names_from_content_disposition() -> None:
    assert (
        file_name_of("attachment; filename=\"=?UTF-8?Q?na=C5=BCe.jpg?=\"; filename*=UTF-8''na%C5%BCe.jpg")
        == "naże.jpg"
    )
    assert file_name_of('attachment; filename="=?UTF-8?Q?zdj=C4=99cie.png?="') == "zdjęcie.png"
    assert file_name_of('attachment; filename="plain.pdf"') == "plain.pdf"
    assert file_name_of("attachment") is None and file_name_of(None) is None
