"""Issue DTOs and client-side checks that need no server (the client points at a closed port)."""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Iterator
from decimal import Decimal

import msgspec
import pytest

from integrations.allegro import (
    ATTACHMENT_CONTENT_TYPES,
    ATTACHMENT_MAX_BYTES,
    CLAIM_DECISIONS,
    CLAIM_MESSAGE_TYPES,
    DISPUTE_MESSAGE_TYPES,
    ISSUE_STATUSES,
    MESSAGE_TYPES,
    OPEN_ISSUE_STATUSES,
    AllegroClient,
    AllegroResponseError,
    AttachmentUpload,
    MemoryTokenStore,
    Price,
    TokenManager,
    TokenPair,
    _parse_issues,
)

UTC = dt.UTC
ISSUE_ID = "6f552f2e-9626-46b3-af09-bfdbf9690d65"


@pytest.fixture
def client() -> Iterator[AllegroClient]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    token = TokenPair("A", "R", dt.datetime.now(UTC) + dt.timedelta(hours=1))
    with AllegroClient(f"http://127.0.0.1:{port}", TokenManager(MemoryTokenStore(token), None)) as api:
        yield api


def _issue(**changes):
    raw = {
        "id": ISSUE_ID,
        "type": "DISPUTE",
        "currentState": {"status": "DISPUTE_ONGOING", "chatActive": True},
        "chat": {
            "lastMessage": {"status": "NEW", "createdAt": "2026-03-02T10:00:00.000Z"},
            "messagesCount": 1,
        },
    }
    raw.update(changes)
    return _parse_issues.parse_issue(raw)


# --- constants and DTOs ---------------------------------------------------------------------------


def test_type_lists_agree() -> None:
    assert set(DISPUTE_MESSAGE_TYPES) | set(CLAIM_MESSAGE_TYPES) == set(MESSAGE_TYPES)
    assert set(OPEN_ISSUE_STATUSES) < set(ISSUE_STATUSES)
    assert len(CLAIM_DECISIONS) == 11 and all(
        d.startswith(("ACCEPTED_", "REJECTED_")) for d in CLAIM_DECISIONS
    )
    assert ATTACHMENT_MAX_BYTES == 2_097_152 and "application/pdf" in ATTACHMENT_CONTENT_TYPES


@pytest.mark.parametrize(
    ("status", "needs"),
    [("NEW", True), ("BUYER_REPLIED", True), ("ALLEGRO_ADVISOR_REPLIED", True), ("SELLER_REPLIED", False)],
)
def test_needs_reply_follows_the_last_message(status: str, needs: bool) -> None:
    issue = _issue(chat={"lastMessage": {"status": status, "createdAt": "2026-03-02T10:00:00Z"}})
    assert issue.needs_reply is needs


def test_change_key_moves_with_status_count_and_last_message() -> None:
    issue = _issue()
    assert issue.change_key == ("DISPUTE_ONGOING", 1, dt.datetime(2026, 3, 2, 10, tzinfo=UTC))
    later = _issue(chat={"lastMessage": {"status": "BUYER_REPLIED", "createdAt": "2026-03-02T11:00:00Z"}})
    assert later.change_key != issue.change_key
    assert msgspec.structs.replace(issue, description="x").change_key == issue.change_key


def test_dtos_are_frozen() -> None:
    with pytest.raises(AttributeError):
        _issue().status = "DISPUTE_CLOSED"  # type: ignore[misc]


# --- tolerant parsing ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-06-29T18:12:12.000.019Z", dt.datetime(2025, 6, 29, 18, 12, 12, 19000, tzinfo=UTC)),
        ("2025-06-29T18:12:12.019Z", dt.datetime(2025, 6, 29, 18, 12, 12, 19000, tzinfo=UTC)),
        ("2025-06-29T20:12:12.5.25+02:00", dt.datetime(2025, 6, 29, 18, 12, 12, 250000, tzinfo=UTC)),
        ("2025-06-29T18:12:12", dt.datetime(2025, 6, 29, 18, 12, 12, tzinfo=UTC)),
        ("yesterday", None),
        (None, None),
    ],
)
def test_lenient_timestamps(raw: str | None, expected: dt.datetime | None) -> None:
    assert _parse_issues.lenient_timestamp(raw) == expected


def test_missing_chat_active_means_open_issues_accept_messages() -> None:
    assert _issue(currentState={"status": "DISPUTE_ONGOING"}).chat_active is True
    assert _issue(currentState={"status": "DISPUTE_CLOSED"}).chat_active is False
    assert _issue(currentState={"status": "DISPUTE_CLOSED", "chatActive": True}).chat_active is True


def test_issue_without_type_is_refused() -> None:
    with pytest.raises(AllegroResponseError, match="'type'"):
        _issue(type=None)


def test_partial_initial_message_is_dropped_but_a_partial_chat_entry_is_an_error() -> None:
    assert _issue(chat={"initialMessage": {"text": "no id"}}).initial_message is None
    with pytest.raises(AllegroResponseError, match="createdAt"):
        _parse_issues.parse_issue_chat({"chat": [{"id": "m1", "text": "no time"}]})


def test_attachments_without_url_are_skipped_and_ids_come_from_the_url() -> None:
    (attachment,) = _parse_issues.parse_attachments(
        [{"fileName": "a.png"}, {"url": "https://api.allegro.pl/sale/issues/attachments/abc-1?x=1"}]
    )
    assert (attachment.id, attachment.file_name) == ("abc-1", "abc-1")


def test_author_without_role_is_a_notification() -> None:
    (message,) = _parse_issues.parse_issue_chat({"chat": [{"id": "m", "createdAt": "2026-01-01T00:00:00Z"}]})
    assert (message.author.login, message.author.role, message.text) == (None, "SYSTEM", None)


# --- client-side checks (nothing is sent) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"type": "CLOSE"}, "type must be one of"),
        ({"text": None}, "needs text, attachments or both"),
        ({"text": "   "}, "needs text, attachments or both"),
        ({"text": "x" * 20001}, "at most 20000"),
        ({"text": "ok", "attachment_ids": "abc"}, "not a string"),
    ],
)
def test_post_issue_message_checks_before_sending(client: AllegroClient, kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        client.post_issue_message(ISSUE_ID, **kwargs)
    assert client.request_count == 0


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"status": "ACCEPTED", "message": "ok"}, "status must be one of"),
        ({"status": "ACCEPTED_REFUND", "message": " "}, "message is required"),
        ({"status": "ACCEPTED_PARTIAL_REFUND", "message": "ok"}, "partial_refund"),
        (
            {"status": "ACCEPTED_REFUND", "message": "ok", "partial_refund": Price(Decimal("5"), "PLN")},
            "partial_refund",
        ),
        (
            {
                "status": "ACCEPTED_PARTIAL_REFUND",
                "message": "ok",
                "partial_refund": Price(Decimal("5.001"), "PLN"),
            },
            "two decimals",
        ),
        (
            {
                "status": "ACCEPTED_PARTIAL_REFUND",
                "message": "ok",
                "partial_refund": Price(Decimal("0"), "PLN"),
            },
            "positive",
        ),
    ],
)
def test_change_claim_status_checks_before_sending(client: AllegroClient, kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        client.change_claim_status(ISSUE_ID, **kwargs)
    assert client.request_count == 0


@pytest.mark.parametrize(
    ("file_name", "size", "match"),
    [
        ("a.png", 0, "size"),
        ("a.png", ATTACHMENT_MAX_BYTES + 1, "size"),
        ("", 10, "file_name"),
        ("x" * 256, 10, "file_name"),
    ],
)
def test_declare_attachment_checks_before_sending(
    client: AllegroClient, file_name: str, size: int, match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        client.declare_issue_attachment(file_name, size)


def test_upload_checks_type_size_and_host(client: AllegroClient) -> None:
    upload = AttachmentUpload("id-1", client.api_url + "/sale/issues/attachments/id-1")
    with pytest.raises(ValueError, match="content_type"):
        client.upload_issue_attachment(upload, b"GIF89a", "image/webp")
    with pytest.raises(ValueError, match="bytes"):
        client.upload_issue_attachment(upload, b"", "image/png")
    with pytest.raises(ValueError, match="not an Allegro address"):
        client.upload_issue_attachment(AttachmentUpload("id-1", "https://evil.example/up"), b"x", "image/png")
    assert client.request_count == 0


def test_list_checks_paging_and_status_type(client: AllegroClient) -> None:
    with pytest.raises(ValueError, match="limit"):
        client.list_issues(limit=101)
    with pytest.raises(ValueError, match="offset"):
        client.list_issues(offset=-1)
    with pytest.raises(ValueError, match="not a string"):
        client.list_issues(statuses="DISPUTE_ONGOING")
    with pytest.raises(ValueError, match="issue_id"):
        client.get_issue(" ")
