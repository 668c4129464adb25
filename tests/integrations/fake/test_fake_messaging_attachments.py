"""The fake's message attachments: declare `{filename, size}`, upload raw bytes, download for six months."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from integrations.allegro.fake.demo.issues import make_png

PUB = "application/vnd.allegro.public.v1+json"
PNG = make_png(random.Random(4))


def _declare(api, size=len(PNG), name="paczka.png"):
    return api.send("POST", "/messaging/message-attachments", {"filename": name, "size": size})


def _put(api, attachment_id, data=PNG, content_type="image/png"):
    headers = api.headers(**{"Content-Type": content_type})
    url = f"{api.server.url}/messaging/message-attachments/{attachment_id}"
    return api.session.put(url, data=data, headers=headers, timeout=10)


def _code(response):
    return response.json()["errors"][0]["code"]


def test_declare_upload_reference_download(api, state, seller):
    thread = state.add_thread(seller, text="Proszę o zdjęcie")
    declared = _declare(api, name="żółw.png")

    assert declared.status_code == 201 and "Location" not in declared.headers
    attachment_id = declared.json()["id"]
    uploaded = _put(api, attachment_id)
    sent = api.send(
        "POST",
        f"/messaging/threads/{thread}/messages",
        {"text": "Proszę", "attachments": [{"id": attachment_id}]},
    )
    downloaded = api.get(f"/messaging/message-attachments/{attachment_id}", headers={"Accept": "*/*"})

    assert uploaded.status_code == 200 and uploaded.json() == {"id": attachment_id}
    assert sent.status_code == 201 and sent.json()["attachments"] == [
        {
            "fileName": "żółw.png",
            "mimeType": "image/png",
            "url": f"https://upload.allegro.pl/message-center/message-attachments/{attachment_id}",
            "status": "SAFE",
        }
    ]
    assert (downloaded.content, downloaded.headers["Content-Type"]) == (PNG, "image/png")
    assert downloaded.headers["Content-Disposition"] == (
        'attachment; filename="=?UTF-8?Q?=C5=BC=C3=B3=C5=82w.png?="; '
        "filename*=UTF-8''%C5%BC%C3%B3%C5%82w.png"
    )
    assert state.violations == []


def test_declaration_limits(api, state):
    too_big = _declare(api, size=5_242_881)
    exact = _declare(api, size=5_242_880)
    wrong_name = _declare(api, name="notatki.docx")

    assert too_big.status_code == 422 and exact.status_code == 201
    assert wrong_name.status_code == 415 and _code(wrong_name) == "UNSUPPORTED_MIME_TYPE"
    assert len(state.message_attachments) == 1


def test_upload_limits(api, state):
    attachment_id = _declare(api, size=10).json()["id"]

    larger = _put(api, attachment_id)
    with_charset = _put(api, attachment_id, PNG[:10], "image/png;charset=UTF-8")
    wrong_type = _put(api, attachment_id, PNG[:10], "text/plain")
    unknown = _put(api, "5d4b4d6b-0000-4000-8000-000000000000", PNG[:10])

    assert larger.status_code == 413
    assert with_charset.status_code == 415 and _code(with_charset) == "UNSUPPORTED_MIME_TYPE"
    assert wrong_type.status_code == 415
    assert unknown.status_code == 404
    assert state.message_attachments[attachment_id].data is None
    assert _put(api, attachment_id, PNG[:10]).status_code == 200


@pytest.mark.parametrize(
    "content_type", ["image/gif", "image/bmp", "image/tiff", "image/jpeg", "application/pdf"]
)
def test_every_allowed_type_uploads(api, state, content_type):
    attachment_id = _declare(api, name="plik.pdf").json()["id"]

    assert _put(api, attachment_id, PNG, content_type).status_code == 200
    assert state.message_attachments[attachment_id].content_type == content_type


def test_a_declared_but_not_uploaded_file_cannot_be_sent(api, state, seller):
    thread = state.add_thread(seller, text="Pytanie")
    attachment_id = _declare(api).json()["id"]

    response = api.send(
        "POST",
        f"/messaging/threads/{thread}/messages",
        {"text": "Plik", "attachments": [{"id": attachment_id}]},
    )

    assert response.status_code == 422 and _code(response) == "ASSIGNING_ATTACHMENTS_TO_MESSAGE_FAILED"
    assert state.messaging_sent(seller) == []


def test_files_older_than_six_months_are_gone(api, state, seller, clock):
    old = state.attach_message_file(
        "stare.png", PNG, "image/png", uploaded_at=clock() - dt.timedelta(days=184)
    )
    recent = state.attach_message_file(
        "nowe.png", PNG, "image/png", uploaded_at=clock() - dt.timedelta(days=150)
    )
    thread = state.add_thread(seller)
    state.add_thread_buyer_message(thread, "Zdjęcia", attachments=[old, recent])
    foreign = state.attach_message_file("cudze.png", PNG, "image/png")

    def download(attachment_id):
        return api.get(f"/messaging/message-attachments/{attachment_id}", headers={"Accept": "*/*"})

    assert download(old).status_code == 404
    assert download(recent).status_code == 200
    assert download(foreign).status_code == 404  # not in any of this seller's threads
