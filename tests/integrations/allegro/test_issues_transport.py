"""Issue calls on the wire: beta.v1 media types, attachments as binary, retries only where safe."""

from __future__ import annotations

import random

import pytest

from integrations.allegro import (
    BETA_V1,
    AllegroClient,
    AllegroHTTPError,
    AllegroOutcomeUnknown,
    Conflict,
    MemoryTokenStore,
    ServerError,
    ValidationFailed,
)
from integrations.allegro.fake import FakeAllegroState
from integrations.allegro.fake.demo.issues import make_png

from .allegro_doubles import RecordingSleep, wait_until

MESSAGE = "POST /sale/issues/{issueId}/message"
STATUS = "POST /sale/issues/{issueId}/status"
DECLARE = "POST /sale/issues/attachments"
UPLOAD = "PUT /sale/issues/attachments/{attachmentId}"
DOWNLOAD = "GET /sale/issues/attachments/{attachmentId}"
PNG = make_png(random.Random(1))


def _upload(client: AllegroClient, data: bytes = PNG, name: str = "paczka.png") -> str:
    upload = client.declare_issue_attachment(name, len(data))
    client.upload_issue_attachment(upload, data, "image/png")
    return upload.id


def test_attachment_round_trip(client: AllegroClient, state: FakeAllegroState, seller_id: str) -> None:
    issue = state.add_issue(seller_id)

    upload = client.declare_issue_attachment("paczka.png", len(PNG))
    assert upload.upload_url == f"{client.api_url}/sale/issues/attachments/{upload.id}"
    client.upload_issue_attachment(upload, PNG, "image/png")
    sent = client.post_issue_message(issue["id"], attachment_ids=[upload.id])

    assert sent.text is None and [a.file_name for a in sent.attachments] == ["paczka.png"]
    (attachment,) = client.get_issue_chat(issue["id"])[-1].attachments
    assert attachment.id == upload.id
    assert client.download_issue_attachment(attachment.id) == (PNG, "image/png")


def test_buyer_photo_can_be_downloaded(
    client: AllegroClient, state: FakeAllegroState, seller_id: str
) -> None:
    photo = state.attach_file("zdjecie.jpg", b"\xff\xd8\xff\xe0 jpeg", "image/jpeg")
    issue = state.add_issue(seller_id, attachment_ids=[photo])

    got = client.get_issue(issue["id"])

    assert [a.id for a in got.attachments] == [photo]
    assert got.initial_message is not None and got.initial_message.attachments == got.attachments
    assert client.download_issue_attachment(photo) == (b"\xff\xd8\xff\xe0 jpeg", "image/jpeg")


def test_upload_url_works_once_and_only_for_the_declared_size(
    client: AllegroClient, state: FakeAllegroState
) -> None:
    upload = client.declare_issue_attachment("a.png", 10)
    with pytest.raises(AllegroHTTPError) as too_big:
        client.upload_issue_attachment(upload, PNG, "image/png")
    assert too_big.value.status == 413

    client.upload_issue_attachment(upload, PNG[:10], "image/png")
    with pytest.raises(Conflict):
        client.upload_issue_attachment(upload, PNG[:10], "image/png")


def test_message_citing_a_file_never_uploaded_is_refused(
    client: AllegroClient, state: FakeAllegroState, seller_id: str
) -> None:
    issue = state.add_issue(seller_id)
    upload = client.declare_issue_attachment("a.png", 10)

    with pytest.raises(ValidationFailed):
        client.post_issue_message(issue["id"], text="Zdjęcie w załączniku", attachment_ids=[upload.id])

    assert len(state.issue_chats[issue["id"]]) == 1


def test_attachment_error_reaches_the_caller(client: AllegroClient, state: FakeAllegroState) -> None:
    error = {
        "code": "ATTACHMENT_ERROR",
        "message": "Attachment is too big",
        "userMessage": "Plik jest za duży",
    }
    state.fail_next(DECLARE, 422, body={"errors": [error]})

    with pytest.raises(ValidationFailed) as caught:
        client.declare_issue_attachment("a.png", 100)

    assert (caught.value.code, caught.value.user_message) == ("ATTACHMENT_ERROR", "Plik jest za duży")


def test_headers_of_every_issue_endpoint(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, store: MemoryTokenStore
) -> None:
    dispute, claim = state.add_issue(seller_id), state.add_issue(seller_id, type="CLAIM")
    client.list_issues()
    client.get_issue(dispute["id"])
    client.get_issue_chat(dispute["id"])
    attachment_id = _upload(client)
    client.post_issue_message(dispute["id"], text="Dzień dobry", attachment_ids=[attachment_id])
    client.change_claim_status(claim["id"], status="ACCEPTED_REFUND", message="Zwracamy pieniądze")
    client.download_issue_attachment(attachment_id)

    token = store.load()
    assert token is not None
    seen = {entry.route: entry for entry in state.requests}
    assert len(seen) == 8 and all(200 <= entry.status < 300 for entry in seen.values())
    for route, entry in seen.items():
        assert entry.headers["Authorization"] == f"Bearer {token.access_token}", route
        assert entry.headers["Accept"] == ("*/*" if route == DOWNLOAD else BETA_V1), route
        expected_type = {"POST": BETA_V1, "PUT": "image/png"}.get(entry.method)
        assert entry.headers.get("Content-Type") == expected_type, route
    assert seen[UPLOAD].body == PNG
    assert client.request_count == len(state.requests) == 8


def test_posting_is_never_retried_on_5xx(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, sleep: RecordingSleep
) -> None:
    dispute, claim = state.add_issue(seller_id), state.add_issue(seller_id, type="CLAIM")
    state.fail_next(MESSAGE, 503)
    state.fail_next(STATUS, 502)

    with pytest.raises(ServerError):
        client.post_issue_message(dispute["id"], text="Dzień dobry")
    with pytest.raises(ServerError):
        client.change_claim_status(claim["id"], status="ACCEPTED_REPAIR", message="Naprawimy")

    assert (state.request_count(MESSAGE), state.request_count(STATUS), sleep.delays) == (1, 1, [])
    assert state.issues[claim["id"]]["currentState"]["status"] == "CLAIM_SUBMITTED"


def test_dropped_answer_to_a_message_is_outcome_unknown(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, sleep: RecordingSleep
) -> None:
    issue = state.add_issue(seller_id)
    state.drop_after_commit(MESSAGE)

    with pytest.raises(AllegroOutcomeUnknown):
        client.post_issue_message(issue["id"], text="Wysłaliśmy paczkę ponownie")

    assert sleep.delays == []
    assert wait_until(lambda: state.request_count(MESSAGE) == 1)
    # Allegro did take it: re-reading the issue is how the desk learns that
    issue_now = client.get_issue(issue["id"])
    assert (issue_now.messages_count, issue_now.last_message_status) == (2, "SELLER_REPLIED")


def test_messages_are_not_idempotent(client: AllegroClient, state: FakeAllegroState, seller_id: str) -> None:
    issue = state.add_issue(seller_id)

    first = client.post_issue_message(issue["id"], text="Dzień dobry")
    second = client.post_issue_message(issue["id"], text="Dzień dobry")

    assert first.id != second.id and client.get_issue(issue["id"]).messages_count == 3


def test_reads_declarations_and_downloads_are_retried(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, sleep: RecordingSleep
) -> None:
    state.add_issue(seller_id)
    attachment_id = _upload(client)
    state.fail_next("GET /sale/issues", 503)
    state.fail_next(DECLARE, 503)
    state.fail_next(DOWNLOAD, 503, times=2)

    assert len(client.list_issues().issues) == 1
    assert client.declare_issue_attachment("b.png", 5).id
    assert client.download_issue_attachment(attachment_id) == (PNG, "image/png")
    assert len(sleep.delays) == 4
    assert state.request_count(DOWNLOAD) == 3


def test_upload_is_not_retried_but_survives_a_token_refresh(
    client: AllegroClient, state: FakeAllegroState, store: MemoryTokenStore
) -> None:
    before = store.load()
    upload = client.declare_issue_attachment("a.png", len(PNG))
    state.fail_next(UPLOAD, 503)
    with pytest.raises(ServerError):
        client.upload_issue_attachment(upload, PNG, "image/png")
    state.fail_next(UPLOAD, 401)

    client.upload_issue_attachment(upload, PNG, "image/png")

    after = store.load()
    assert before is not None and after is not None and after.access_token != before.access_token
    assert state.request_count(UPLOAD) == 3
    assert state.issue_attachments[upload.id]["data"] == PNG
