"""Fake `/messaging*` routes (Message Center) in public.v1 and beta.v1, picked by Accept.

The gate negotiates the media type and validates requests against
`spec/allegro-messaging-2026-09.yaml`; here are the checks a schema cannot express (parameters
of the other version, `before` with `offset`, the order of a new message) and all of them when
validation is off. The state answers with JSON already in the negotiated shape.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, g, request

from integrations.allegro.fake.context import current_seller, get_state, json_body
from integrations.allegro.fake.errors import validation_error
from integrations.allegro.fake.responses import BETA_V1, PUBLIC_V1, errors_response, json_response
from integrations.allegro.fake.routes.query_args import bool_arg, int_arg
from integrations.allegro.fake.state.messaging import TEXT_MAX
from integrations.allegro.fake.state.messaging_shapes import decode_cursor
from integrations.allegro.fake.timeutil import parse_iso

bp = Blueprint("messaging", __name__)

PAGE_LIMIT = 20
MAX_THREAD_OFFSET = 15_000_000
MAX_MESSAGE_OFFSET = 15_000
_BETA_THREAD_FILTERS = ("page.id", "type", "read", "status", "orderId")
_PUBLIC_MESSAGE_FILTERS = ("offset", "before", "after")
_THREAD_TYPES = ("COMMON", "POST_PURCHASE_ISSUE")
_THREAD_STATUSES = ("OPEN", "CLOSED")


@bp.get("/messaging/threads")
def threads() -> Response:
    """The seller's threads, newest last message first."""
    beta = _beta()
    limit = int_arg("limit", PAGE_LIMIT, 1, PAGE_LIMIT)
    if beta:
        _refuse(("offset",), "public.v1")
        position = decode_cursor(request.args.get("page.id"))
        filters = {
            "type": _choice("type", _THREAD_TYPES),
            "read": bool_arg("read"),
            "status": _choice("status", _THREAD_STATUSES),
            "orderId": request.args.get("orderId"),
        }
    else:
        _refuse(_BETA_THREAD_FILTERS, "beta.v1")
        position, filters = int_arg("offset", 0, 0, MAX_THREAD_OFFSET), {}
    page = get_state().list_threads(
        current_seller(), beta=beta, position=position, limit=limit, filters=filters
    )
    return _answer(page)


@bp.get("/messaging/threads/<threadId>")
def thread(threadId: str) -> Response:
    """One thread of the seller."""
    return _answer(get_state().thread_for(current_seller(), threadId, beta=_beta()))


@bp.put("/messaging/threads/<threadId>/read")
def read_flag(threadId: str) -> Response:
    """Set the read flag: 200 with the Thread (public) or `{read}` (beta)."""
    flag = json_body().get("read")
    if not isinstance(flag, bool):
        raise validation_error("Missing read flag in the request body", path="read")
    return _answer(get_state().set_read(current_seller(), threadId, flag, beta=_beta()))


@bp.get("/messaging/threads/<threadId>/messages")
def thread_messages(threadId: str) -> Response:
    """A page of the thread's messages, newest first."""
    beta = _beta()
    limit = int_arg("limit", PAGE_LIMIT, 1, PAGE_LIMIT)
    before = after = None
    if beta:
        _refuse(_PUBLIC_MESSAGE_FILTERS, "public.v1")
        position = decode_cursor(request.args.get("page.id"))
    else:
        _refuse(("page.id",), "beta.v1")
        if "before" in request.args and "offset" in request.args:
            raise validation_error("Parameter before cannot be used with offset", path="before")
        position = int_arg("offset", 0, 0, MAX_MESSAGE_OFFSET)
        before, after = _time_arg("before"), _time_arg("after")
    page = get_state().thread_messages_for(
        current_seller(), threadId, beta=beta, position=position, limit=limit, before=before, after=after
    )
    return _answer(page)


@bp.post("/messaging/threads/<threadId>/messages")
def reply(threadId: str) -> Response:
    """The seller writes in a thread: 201 with the Message (1 per second per user)."""
    text, attachment_ids = _new_message(json_body())
    seller_id = current_seller()
    waited = _too_soon(seller_id)
    if waited is not None:
        return waited
    message = get_state().reply(seller_id, threadId, text=text, attachment_ids=attachment_ids, beta=_beta())
    return _answer(message, 201)


@bp.post("/messaging/messages")
def new_message() -> Response:
    """The seller writes to a buyer about their order: 201 with the Message (1 per second)."""
    body = json_body()
    text, attachment_ids = _new_message(body)
    recipient = body.get("recipient")
    login = recipient.get("login") if isinstance(recipient, dict) else None
    if not isinstance(login, str) or not login:
        raise validation_error("Recipient login is required", path="recipient.login")
    order = body.get("order")
    order_id = order.get("id") if isinstance(order, dict) else None
    seller_id = current_seller()
    waited = _too_soon(seller_id)
    if waited is not None:
        return waited
    message = get_state().send_new_message(
        seller_id,
        recipient=login,
        order_id=order_id if isinstance(order_id, str) else None,
        text=text,
        attachment_ids=attachment_ids,
        beta=_beta(),
    )
    return _answer(message, 201)


@bp.get("/messaging/messages/<messageId>")
def message(messageId: str) -> Response:
    """One message the seller can see."""
    return _answer(get_state().message_for(current_seller(), messageId, beta=_beta()))


@bp.delete("/messaging/messages/<messageId>")
def delete_message(messageId: str) -> Response:
    """Delete the seller's own message (deprecated by Allegro, still 204)."""
    get_state().delete_message(current_seller(), messageId)
    response = Response(status=204)
    response.headers.remove("Content-Type")
    return response


@bp.post("/messaging/message-attachments")
def declare_attachment() -> Response:
    """An attachment declaration `{filename, size}`: 201 `{id}` (no Location, unlike issues)."""
    body = json_body()
    name, size = body.get("filename"), body.get("size")
    if not isinstance(name, str) or not name:
        raise validation_error("filename is required", path="filename")
    if isinstance(size, bool) or not isinstance(size, int):
        raise validation_error("size must be an integer", path="size")
    attachment_id = get_state().declare_message_attachment(current_seller(), name, size)
    return _answer({"id": attachment_id}, 201)


@bp.put("/messaging/message-attachments/<attachmentId>")
def upload_attachment(attachmentId: str) -> Response:
    """The file's bytes; Content-Type must be exactly an allowed type (no parameters)."""
    content_type = (request.headers.get("Content-Type") or "").strip()
    get_state().upload_message_attachment(
        current_seller(), attachmentId, request.get_data(cache=True), content_type
    )
    return _answer({"id": attachmentId})


@bp.get("/messaging/message-attachments/<attachmentId>")
def download_attachment(attachmentId: str) -> Response:
    """The file, named in Content-Disposition the way Allegro writes it (allegro-api#8750)."""
    attachment = get_state().message_attachment_content(current_seller(), attachmentId)
    response = Response(attachment.data, status=200, mimetype=attachment.content_type)
    name = attachment.file_name
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"=?UTF-8?Q?{_q_encoded(name)}?=\"; filename*=UTF-8''{quote(name, safe='')}"
    )
    return response


# --- helpers ------------------------------------------------------------------------------------------


def _beta() -> bool:
    return g.get("media_type") == BETA_V1


def _answer(payload: Any, status: int = 200) -> Response:
    return json_response(payload, status, mimetype=BETA_V1 if _beta() else PUBLIC_V1)


def _too_soon(seller_id: str) -> Response | None:
    wait = get_state().send_wait(seller_id)
    if wait is None:
        return None
    response = errors_response(429, "TOO_MANY_REQUESTS", "Too many requests: 1 message per second")
    response.headers["Retry-After"] = str(max(1, round(wait)))
    return response


def _new_message(body: dict[str, Any]) -> tuple[str, list[str]]:
    """(text, attachment ids) of NewMessageInThread / NewMessage."""
    text, cited = body.get("text"), body.get("attachments") or []
    if not isinstance(text, str) or not 0 < len(text) <= TEXT_MAX:
        raise validation_error(f"text must have 1 to {TEXT_MAX} characters", path="text")
    if not isinstance(cited, list) or not all(isinstance(item, dict) for item in cited):
        raise validation_error("attachments must be a list of {id} objects", path="attachments")
    return text, [str(item.get("id")) for item in cited]


def _refuse(names: tuple[str, ...], version: str) -> None:
    for name in names:
        if name in request.args:
            raise validation_error(f"Parameter {name} is available only for {version}", path=name)


def _choice(name: str, allowed: tuple[str, ...]) -> str | None:
    raw = request.args.get(name)
    if raw is not None and raw not in allowed:
        raise validation_error(f"Parameter {name} must be one of {', '.join(allowed)}", path=name)
    return raw


def _time_arg(name: str) -> dt.datetime | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    try:
        return parse_iso(raw)
    except ValueError:
        raise validation_error(f"Parameter {name} must be an ISO-8601 date-time", path=name) from None


def _q_encoded(name: str) -> str:
    """RFC 2047 "Q" encoding of a file name (what Allegro puts in the plain `filename`)."""
    safe = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
    return "".join(chr(b) if chr(b) in safe else f"={b:02X}" for b in name.encode())
