"""Fake `/sale/issues*` routes (beta.v1 only): discussions, claims, their chats and attachments."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from integrations.allegro.fake.context import current_seller, get_state, json_body
from integrations.allegro.fake.errors import ApiError, validation_error
from integrations.allegro.fake.responses import BETA_V1, json_response
from integrations.allegro.fake.state.issues import ATTACHMENT_MAX_BYTES, ISSUE_STATUSES, MESSAGE_TYPES
from integrations.allegro.fake.validation import load_spec_dict

bp = Blueprint("issues", __name__)

ALL_MESSAGE_TYPES = MESSAGE_TYPES["DISPUTE"] | MESSAGE_TYPES["CLAIM"]
CLAIM_DECISIONS = frozenset(
    {
        "ACCEPTED_REPAIR",
        "ACCEPTED_REFUND",
        "ACCEPTED_EXCHANGE",
        "ACCEPTED_PARTIAL_REFUND",
        "REJECTED_ADDITIONAL_REQUIREMENTS_NOT_COMPLETED",
        "REJECTED_PRODUCT_NOT_RETURNED",
        "REJECTED_PRODUCT_DAMAGED_BY_USER",
        "REJECTED_PRODUCT_CONFORMS_TO_CONTRACT",
        "REJECTED_MINOR_DEFECT",
        "REJECTED_OTHER",
        "REJECTED_CLAIM_WITHDRAWN_BY_BUYER",
    }
)
FILE_NAME_MAX = 255
TEXT_MAX = 20000


def _relax_message_request(spec: dict) -> None:
    """Make MessageRequest require only `type`.

    The spec lists `required: [text, attachment, type]`, yet `attachment` is no property at all and
    its own description asks for text, attachments or both; a literal reading would reject every
    valid message. The handler checks "text or attachments" instead.
    """
    schema = spec["components"]["schemas"]["MessageRequest"]
    schema["required"] = ["type"]


# done on import, which the package's own import of the app guarantees happens before the
# validator compiles the (cached) spec
_relax_message_request(load_spec_dict())


def _int_arg(name: str, default: int, low: int, high: int | None) -> int:
    """An integer query parameter within [low, high], else Allegro's 422."""
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise validation_error(f"Parameter {name} must be an integer", path=name) from None
    if value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise validation_error(f"Parameter {name} must be {bounds}", path=name)
    return value


def _beta(payload: object, status: int = 200) -> Response:
    return json_response(payload, status, mimetype=BETA_V1)


@bp.get("/sale/issues")
def issues() -> Response:
    """The seller's issues, most recently opened first; no count or totalCount."""
    offset = _int_arg("offset", 0, 0, None)
    limit = _int_arg("limit", 10, 1, 100)
    statuses = frozenset(request.args.getlist("status")) or None
    if statuses is not None and not statuses <= ISSUE_STATUSES:
        unknown = ", ".join(sorted(statuses - ISSUE_STATUSES))
        raise validation_error(f"Unknown issue status: {unknown}", path="status")
    found = get_state().list_issues(
        current_seller(),
        offset=offset,
        limit=limit,
        statuses=statuses,
        form_id=request.args.get("checkoutForm.id"),
    )
    return _beta({"issues": found})


@bp.get("/sale/issues/<issueId>")
def issue(issueId: str) -> Response:
    """One discussion or claim."""
    return _beta(get_state().issue_for(current_seller(), issueId))


@bp.get("/sale/issues/<issueId>/chat")
def chat(issueId: str) -> Response:
    """A page of the chat, oldest first."""
    offset = _int_arg("offset", 0, 0, None)
    limit = _int_arg("limit", 10, 1, 100)
    return _beta({"chat": get_state().chat_for(current_seller(), issueId, offset=offset, limit=limit)})


@bp.post("/sale/issues/<issueId>/message")
def message(issueId: str) -> Response:
    """The seller's message (not idempotent: every call adds one)."""
    kind, text, attachment_ids = _message_request(json_body())
    entry = get_state().post_seller_message(
        current_seller(), issueId, kind=kind, text=text, attachment_ids=attachment_ids
    )
    return _beta(entry, 201)


@bp.post("/sale/issues/<issueId>/status")
def status(issueId: str) -> Response:
    """The seller's decision on a claim: 200 with no body."""
    decision, message, refund = _claim_request(json_body())
    get_state().change_claim_status(
        current_seller(), issueId, decision=decision, message=message, refund=refund
    )
    response = Response(status=200)
    response.headers.remove("Content-Type")
    return response


@bp.post("/sale/issues/attachments")
def declare_attachment() -> Response:
    """A declaration; the Location header is the one-time upload URL."""
    file_name, size = _declaration(json_body())
    attachment_id = get_state().declare_attachment(current_seller(), file_name, size)
    response = _beta({"id": attachment_id}, 201)
    response.headers["Location"] = f"{request.host_url.rstrip('/')}/sale/issues/attachments/{attachment_id}"
    return response


@bp.put("/sale/issues/attachments/<attachmentId>")
def upload_attachment(attachmentId: str) -> Response:
    """The file's bytes in their own content type (the gate has checked the type is allowed)."""
    content = request.get_data(cache=True)
    get_state().upload_attachment(current_seller(), attachmentId, content, request.mimetype)
    return _beta({"id": attachmentId})


@bp.get("/sale/issues/attachments/<attachmentId>")
def download_attachment(attachmentId: str) -> Response:
    """The uploaded file with its content type."""
    content, content_type = get_state().attachment_content(current_seller(), attachmentId)
    return Response(content, status=200, mimetype=content_type)


# --- request bodies (the checks a schema cannot express, and all of them when validation is off) ---


def _message_request(body: dict[str, Any]) -> tuple[str, str | None, list[str]]:
    """(type, text, attachment ids) of a MessageRequest: text, attachments or both."""
    kind, text, cited = body.get("type"), body.get("text"), body.get("attachments") or []
    if kind not in ALL_MESSAGE_TYPES:
        raise validation_error(f"Unknown message type: {kind}", path="type")
    if text is not None and (not isinstance(text, str) or len(text) > TEXT_MAX):
        raise validation_error(f"text must be a string of at most {TEXT_MAX} characters", path="text")
    if not isinstance(cited, list) or not all(isinstance(item, dict) for item in cited):
        raise validation_error("attachments must be a list of {id} objects", path="attachments")
    ids = [str(item.get("id")) for item in cited]
    if not (text and text.strip()) and not ids:
        raise validation_error("At least one of fields: 'text', 'attachment' has to be present")
    return kind, text or None, ids


def _claim_request(body: dict[str, Any]) -> tuple[str, str, dict[str, Any] | None]:
    """(status, message, partialRefund) of a ClaimStatusChangeRequest."""
    decision, message, refund = body.get("status"), body.get("message"), body.get("partialRefund")
    if decision not in CLAIM_DECISIONS:
        raise validation_error(f"Unknown claim status: {decision}", path="status")
    if not isinstance(message, str) or not message.strip():
        raise validation_error("A message is required", path="message")
    if decision == "ACCEPTED_PARTIAL_REFUND" and not isinstance(refund, dict):
        raise validation_error("partialRefund is required for a partial refund", path="partialRefund")
    return decision, message, refund if isinstance(refund, dict) else None


def _declaration(body: dict[str, Any]) -> tuple[str, int]:
    """(fileName, size) of an attachment declaration; too big a file is Allegro's ATTACHMENT_ERROR."""
    name, size = body.get("fileName"), body.get("size")
    if not isinstance(name, str) or not 0 < len(name) <= FILE_NAME_MAX:
        raise validation_error(f"fileName must have 1 to {FILE_NAME_MAX} characters", path="fileName")
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise validation_error("size must be a positive integer", path="size")
    if size > ATTACHMENT_MAX_BYTES:
        message = f"Attachment is too big: at most {ATTACHMENT_MAX_BYTES} bytes are allowed"
        raise ApiError(422, "ATTACHMENT_ERROR", message, path="size")
    return name, size
