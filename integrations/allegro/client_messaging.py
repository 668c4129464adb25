"""AllegroClient methods for the Message Center (`/messaging*`), in public.v1 and beta.v1.

The paths are the same in both versions and Accept picks the shape (allegro-api#13797). Where
the shapes differ a method takes `version` ("beta", the default: new post-purchase problems are
served there only since 28 Oct 2026; or "public"). What Allegro has not published, and how it is
handled here:
- the order of messages within a page (either version): kept as sent; sort by `created_at`;
- whether beta accepts `limit` (the announcement says the cursor replaced it, the swagger still
  lists it): none is sent in beta unless the caller asks;
- the beta page size without `limit`, and the lifetime of a `page.id`: a cursor is passed back
  verbatim within one walk and never stored;
- author roles (two conflicting lists) and `subType` values: kept as text, whatever they are.
"""

from __future__ import annotations

import datetime as dt
import email.header
import email.message
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from integrations.allegro import _parse_messaging, _wire_messaging
from integrations.allegro._args import check_int, format_datetime
from integrations.allegro._http import BETA_V1, PUBLIC_V1, Params, Requester, json_object
from integrations.allegro._records import FAST_MISSES, read_json, read_one
from integrations.allegro.errors import AllegroResponseError
from integrations.allegro.models_messaging import (
    ATTACHMENT_CONTENT_TYPES,
    ATTACHMENT_MAX_BYTES,
    MAX_MESSAGE_OFFSET,
    MAX_THREAD_OFFSET,
    MESSAGE_PAGE_LIMIT,
    MESSAGE_TEXT_MAX,
    THREAD_PAGE_LIMIT,
    DownloadedAttachment,
    Message,
    MessagePage,
    Thread,
    ThreadPage,
)

MESSAGING_VERSIONS = {"beta": BETA_V1, "public": PUBLIC_V1}
# error codes the desk acts on (ApiErrorDetail.code, i.e. AllegroHTTPError.code)
THREAD_CLOSED = "THREAD_CLOSED"  # 422: a reply in a closed POST_PURCHASE_ISSUE thread
THREAD_NOT_FOUND = "THREAD_NOT_FOUND"  # 404, also seen for threads that were just listed (#13123)
ASSIGNING_ATTACHMENTS_FAILED = "ASSIGNING_ATTACHMENTS_TO_MESSAGE_FAILED"  # 422: file not uploaded
_BETA_ONLY = "is a beta.v1 filter"
_PUBLIC_ONLY = "is public.v1 only"


class MessagingMixin:
    """Mixed into AllegroClient; uses its `_http` requester.

    Both sends (`reply_in_thread`, `send_message`) are never retried: Allegro allows one per
    second per user and each call writes a message, so a caller whose send ended in doubt
    (AllegroOutcomeUnknown, 5xx) re-reads the thread before sending again.
    """

    _http: Requester

    # --- threads ------------------------------------------------------------------------------

    def list_threads(
        self,
        *,
        version: str = "beta",
        page_id: str | None = None,
        type: str | None = None,
        read: bool | None = None,
        status: str | None = None,
        order_id: str | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> ThreadPage:
        """GET /messaging/threads: one page, newest last message first.

        beta: follow `next_page_id` (passed back as `page_id`) until it is None; filters `type`
        (COMMON / POST_PURCHASE_ISSUE), `read`, `status` (OPEN / CLOSED) and `order_id`. public:
        `offset` (up to 15 000 000) and `limit` (1..20, 20 when None); a page shorter than the
        limit is the last. An unreadable thread is set aside in `rejected`, the rest is kept.
        """
        media = _media(version)
        params: list[tuple[str, str]] = []
        if limit is not None:
            check_int("limit", limit, 1, THREAD_PAGE_LIMIT)
        if media == BETA_V1:
            if offset:
                raise ValueError(f"offset {_PUBLIC_ONLY}; beta pages with page_id")
            filters = [("page.id", page_id), ("type", type), ("status", status), ("orderId", order_id)]
            params.extend((key, value) for key, value in filters if value is not None)
            if read is not None:
                params.append(("read", "true" if read else "false"))
            if limit is not None:
                params.append(("limit", str(limit)))
        else:
            unused = {"page_id": page_id, "type": type, "read": read, "status": status, "order_id": order_id}
            _refuse_beta_filters(unused)
            check_int("offset", offset, 0, MAX_THREAD_OFFSET)
            params = [("offset", str(offset)), ("limit", str(limit or THREAD_PAGE_LIMIT))]
        response = self._http.call("GET", "/messaging/threads", params=params, media_type=media)
        return read_json(response, _wire_messaging.thread_page, _wire_messaging.lenient_thread_page)

    def get_thread(self, thread_id: str, *, version: str = "beta") -> Thread:
        """GET /messaging/threads/{threadId}: one thread; UnreadableRecord when the answer cannot
        be read or is another thread; NotFound (code THREAD_NOT_FOUND) may come even for a thread
        that was just listed, so one 404 is no proof the thread is gone."""
        response = self._http.call("GET", _thread_path(thread_id), media_type=_media(version))
        return read_one(response, _wire_messaging.thread, _wire_messaging.read_thread, "thread", thread_id)

    def mark_thread_read(self, thread_id: str, read: bool = True, *, version: str = "beta") -> bool:
        """PUT /messaging/threads/{threadId}/read: set the thread's one read flag (also back to
        unread); returns the flag Allegro now holds. beta answers `{read}`, public the Thread.

        Reading threads or messages never changes the flag, and neither does replying.
        """
        if not isinstance(read, bool):
            raise ValueError("read must be True or False")
        path = _thread_path(thread_id) + "/read"
        response = self._http.call("PUT", path, body={"read": read}, media_type=_media(version))
        try:
            return _wire_messaging.read_flag(response.content)
        except FAST_MISSES:
            return _parse_messaging.read_flag(json_object(response).get("read"), f"PUT {path}")

    # --- messages -----------------------------------------------------------------------------

    def list_thread_messages(
        self,
        thread_id: str,
        *,
        version: str = "beta",
        page_id: str | None = None,
        offset: int = 0,
        limit: int | None = None,
        before: dt.datetime | None = None,
        after: dt.datetime | None = None,
    ) -> MessagePage:
        """GET /messaging/threads/{threadId}/messages: one page of the thread's messages.

        beta: the cursor only (`page_id` from `next_page_id`); there is no date filter, so new
        messages are found by walking until a known id. public: `offset` (up to 15 000), `limit`
        (1..20), `before` / `after` (exclusive, tz-aware; `before` cannot go with an offset).
        The order within a page is not published: sort by `created_at`, then `id`.
        Unreadable messages are set aside in `rejected` (kind "thread_message").
        """
        media = _media(version)
        params: list[tuple[str, str]] = []
        if limit is not None:
            check_int("limit", limit, 1, MESSAGE_PAGE_LIMIT)
        if media == BETA_V1:
            if offset or before is not None or after is not None:
                raise ValueError(f"offset, before and after are {_PUBLIC_ONLY}")
            if page_id is not None:
                params.append(("page.id", page_id))
            if limit is not None:
                params.append(("limit", str(limit)))
        else:
            _refuse_beta_filters({"page_id": page_id})
            params = _public_message_params(offset, limit, before, after)
        path = _thread_path(thread_id) + "/messages"
        response = self._http.call("GET", path, params=params, media_type=media)
        return read_json(
            response,
            lambda content: _wire_messaging.message_page(content, thread_id),
            lambda body: _wire_messaging.lenient_message_page(body, thread_id),
        )

    def get_message(self, message_id: str, *, version: str = "beta") -> Message:
        """GET /messaging/messages/{messageId}: one message (beta does not say its thread:
        `thread_id` is None there). NotFound for a deleted message."""
        response = self._http.call("GET", _message_path(message_id), media_type=_media(version))
        return read_one(
            response, _wire_messaging.message, _wire_messaging.message_reader(None), "message", message_id
        )

    def reply_in_thread(
        self, thread_id: str, *, text: str, attachment_ids: Sequence[str] = (), version: str = "beta"
    ) -> Message:
        """POST /messaging/threads/{threadId}/messages: the seller's reply (201 with the Message).

        Never retried (see the class). ValidationFailed with code THREAD_CLOSED for a closed
        post-purchase problem; RateLimited (with `retry_after`) for a second send within a second.
        """
        body = _message_body(text, attachment_ids)
        path = _thread_path(thread_id) + "/messages"
        response = self._http.call("POST", path, body=body, media_type=_media(version), retry=False)
        return _sent_message(response, thread_id)

    def send_message(
        self,
        *,
        recipient_login: str,
        order_id: str,
        text: str,
        attachment_ids: Sequence[str] = (),
        version: str = "beta",
    ) -> Message:
        """POST /messaging/messages: a message to a buyer about their order (201 with the Message).

        `order_id` is mandatory since 28 Feb 2025 and must be an order of that buyer (else 422
        VALIDATION_ERROR, path `order`). A question asked before a purchase can only be answered
        with `reply_in_thread`. Never retried (see the class).
        """
        if not recipient_login or not recipient_login.strip():
            raise ValueError("recipient_login is required")
        if not order_id or not order_id.strip():
            raise ValueError("order_id is required: Allegro refuses a message without an order")
        body = {
            "recipient": {"login": recipient_login},
            **_message_body(text, attachment_ids),
            "order": {"id": order_id},
        }
        media = _media(version)
        response = self._http.call("POST", "/messaging/messages", body=body, media_type=media, retry=False)
        return _sent_message(response, None)

    def delete_message(self, message_id: str) -> None:
        """DELETE /messaging/messages/{messageId} (204). Deprecated by Allegro and due to be
        removed: the message disappears from the API for good while the thread keeps its
        `lastMessageDateTime`. Only for the seller's own messages (403 otherwise)."""
        self._http.call("DELETE", _message_path(message_id), media_type=PUBLIC_V1)

    # --- attachments --------------------------------------------------------------------------

    def declare_message_attachment(self, file_name: str, size: int) -> str:
        """POST /messaging/message-attachments: declare a file of `size` bytes; returns its id.

        The type is judged from the name (415 for a name Allegro cannot map to an allowed type),
        so keep the real extension. Retried: a repeated declaration only leaves an unused one.
        """
        if not file_name or not file_name.strip():
            raise ValueError("file_name is required")
        check_int("size", size, 1, ATTACHMENT_MAX_BYTES)
        body = {"filename": file_name, "size": size}  # lowercase, unlike /sale/issues' fileName
        response = self._http.call(
            "POST", "/messaging/message-attachments", body=body, media_type=PUBLIC_V1, retry=True
        )
        declared = json_object(response).get("id")
        if not isinstance(declared, str) or not declared:
            raise AllegroResponseError("POST /messaging/message-attachments: missing required field 'id'")
        return declared

    def upload_message_attachment(self, attachment_id: str, data: bytes, content_type: str) -> None:
        """PUT /messaging/message-attachments/{attachmentId}: the file's bytes as the body.

        `content_type` must be exactly one of the allowed types, with no parameters: Allegro
        answers 415 to `application/pdf;charset=UTF-8` (allegro-api#5760). 413 when larger than
        declared. Not retried: a failed upload is repeated by the caller, after a new look.
        """
        if content_type not in ATTACHMENT_CONTENT_TYPES:
            raise ValueError(f"content_type must be one of {ATTACHMENT_CONTENT_TYPES}")
        if not data or len(data) > ATTACHMENT_MAX_BYTES:
            raise ValueError(f"an attachment must have 1 to {ATTACHMENT_MAX_BYTES} bytes")
        url = self._http.api_url + _attachment_path(attachment_id)
        self._http.call_binary(
            "PUT", url, accept=PUBLIC_V1, retry=False, data=data, content_type=content_type
        )

    def download_message_attachment(self, attachment_id: str) -> DownloadedAttachment:
        """GET /messaging/message-attachments/{attachmentId}: the file, its type and name.

        Only files from the last six months can be fetched (NotFound after that), so copy what
        the desk must keep. The name comes from Content-Disposition (`filename*=UTF-8''…`
        preferred, else `filename`, which Allegro sends as an RFC 2047 encoded word).
        """
        url = self._http.api_url + _attachment_path(attachment_id)
        response = self._http.call_binary("GET", url, accept="*/*", retry=True)
        content_type = response.headers.get("Content-Type") or "application/octet-stream"
        return DownloadedAttachment(
            data=response.content,
            content_type=content_type.split(";", 1)[0].strip(),
            file_name=file_name_of(response.headers.get("Content-Disposition")),
        )


def file_name_of(disposition: str | None) -> str | None:
    """The file name of a Content-Disposition header (RFC 6266 / 5987 / 2047 forms), or None."""
    if not disposition:
        return None
    holder = email.message.Message()
    holder["Content-Disposition"] = disposition
    name = holder.get_filename()  # prefers filename* and decodes its charset and %-escapes
    if not name:
        return None
    if "=?" in name:  # `filename="=?UTF-8?Q?name.jpg?="`
        try:
            name = str(email.header.make_header(email.header.decode_header(name)))
        except (ValueError, LookupError, UnicodeDecodeError):
            return name
    return name.strip() or None


def _media(version: str) -> str:
    try:
        return MESSAGING_VERSIONS[version]
    except KeyError:
        raise ValueError(f"version must be one of {sorted(MESSAGING_VERSIONS)}, got {version!r}") from None


def _refuse_beta_filters(values: dict[str, Any]) -> None:
    given = sorted(name for name, value in values.items() if value is not None)
    if given:
        raise ValueError(f"{', '.join(given)} {_BETA_ONLY}; pass version='beta'")


def _public_message_params(
    offset: int, limit: int | None, before: dt.datetime | None, after: dt.datetime | None
) -> Params:
    check_int("offset", offset, 0, MAX_MESSAGE_OFFSET)
    params: list[tuple[str, str]] = []
    if before is not None:
        if offset:
            raise ValueError("before cannot be combined with offset")
        params.append(("before", _moment("before", before)))
    else:
        params.append(("offset", str(offset)))
    params.append(("limit", str(limit or MESSAGE_PAGE_LIMIT)))
    if after is not None:
        params.append(("after", _moment("after", after)))
    return params


def _moment(name: str, value: dt.datetime) -> str:
    if value.tzinfo is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")
    return format_datetime(value)


def _message_body(text: str, attachment_ids: Sequence[str]) -> dict[str, Any]:
    if not isinstance(text, str) or not text.strip():
        raise ValueError("text must not be empty")
    if len(text) > MESSAGE_TEXT_MAX:
        raise ValueError(f"text may have at most {MESSAGE_TEXT_MAX} characters, got {len(text)}")
    if isinstance(attachment_ids, str):
        raise ValueError("attachment_ids must be a sequence of ids, not a string")
    body: dict[str, Any] = {"text": text}
    if attachment_ids:
        body["attachments"] = [{"id": attachment} for attachment in attachment_ids]
    return body


def _sent_message(response: Any, thread_id: str | None) -> Message:
    """The 201 answer of a send; an answer that cannot be read is not a reason to send again."""
    try:
        return _wire_messaging.message(response.content, thread_id)
    except FAST_MISSES:
        return _parse_messaging.parse_message(json_object(response), thread_id)


def _thread_path(thread_id: str) -> str:
    if not thread_id or not thread_id.strip():
        raise ValueError("thread_id is required")
    return "/messaging/threads/" + quote(thread_id, safe="")


def _message_path(message_id: str) -> str:
    if not message_id or not message_id.strip():
        raise ValueError("message_id is required")
    return "/messaging/messages/" + quote(message_id, safe="")


def _attachment_path(attachment_id: str) -> str:
    if not attachment_id or not attachment_id.strip():
        raise ValueError("attachment_id is required")
    return "/messaging/message-attachments/" + quote(attachment_id, safe="")
