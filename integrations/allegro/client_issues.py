"""AllegroClient methods for post-purchase issues (`/sale/issues*`, beta.v1): discussions and claims."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import requests

from integrations.allegro import _parse_issues, _wire_issues
from integrations.allegro._args import check_int
from integrations.allegro._http import BETA_V1, Requester, json_object
from integrations.allegro._records import UNREADABLE, describe, read_json, read_one, rejected
from integrations.allegro.errors import AllegroResponseError, UnreadableRecord
from integrations.allegro.models import Price
from integrations.allegro.models_issues import (
    ATTACHMENT_CONTENT_TYPES,
    ATTACHMENT_FILE_NAME_MAX,
    ATTACHMENT_MAX_BYTES,
    CLAIM_DECISIONS,
    ISSUE_TEXT_MAX,
    MESSAGE_TYPES,
    AttachmentUpload,
    Issue,
    IssueMessage,
    IssuePage,
)

CHAT_PAGE_LIMIT = 100
# hosts that may receive the bearer token with an upload, besides the API host itself
_ALLEGRO_DOMAINS = ("allegro.pl", "allegrosandbox.pl")


class IssuesMixin:
    """Mixed into AllegroClient; uses its `_http` requester."""

    _http: Requester

    # --- reading ------------------------------------------------------------------------------

    def list_issues(
        self,
        *,
        offset: int = 0,
        limit: int = 100,
        statuses: Sequence[str] | None = None,
        checkout_form_id: str | None = None,
    ) -> IssuePage:
        """GET /sale/issues: one page, newest opened first; stop paging when a page is short
        (`size` counts unreadable issues too, which are set aside in `rejected`)."""
        check_int("limit", limit, 1, 100)
        check_int("offset", offset, 0, None)
        if isinstance(statuses, str):
            raise ValueError("statuses must be a sequence of statuses, not a string")
        params = [("offset", str(offset)), ("limit", str(limit))]
        params.extend(("status", status) for status in statuses or ())
        if checkout_form_id:
            params.append(("checkoutForm.id", checkout_form_id))
        response = self._http.call("GET", "/sale/issues", params=params)
        return read_json(response, _wire_issues.issue_page, _wire_issues.lenient_issue_page)

    def get_issue(self, issue_id: str) -> Issue:
        """GET /sale/issues/{issueId}: one discussion or claim; UnreadableRecord when the answer
        cannot be read or is another issue."""
        response = self._http.call("GET", _issue_path(issue_id))
        return read_one(response, _wire_issues.issue, _wire_issues.read_issue, "issue", issue_id)

    def list_issue_chat(self, issue_id: str, *, offset: int = 0, limit: int = 100) -> list[IssueMessage]:
        """GET /sale/issues/{issueId}/chat: one page of messages and state-change notifications."""
        check_int("limit", limit, 1, 100)
        check_int("offset", offset, 0, None)
        params = [("offset", str(offset)), ("limit", str(limit))]
        response = self._http.call("GET", _issue_path(issue_id) + "/chat", params=params)

        def lenient(body: Mapping[str, Any]) -> list[IssueMessage]:
            try:
                return _parse_issues.parse_issue_chat(body)
            except UNREADABLE as exc:  # a message we cannot read: the issue waits in quarantine, unchanged
                record = rejected("issue_chat", body, describe(exc), allegro_id=issue_id)
                raise UnreadableRecord(record) from exc

        return read_json(response, _wire_issues.issue_chat, lenient)

    def get_issue_chat(self, issue_id: str) -> list[IssueMessage]:
        """GET /sale/issues/{issueId}/chat, every page: the whole chat, oldest first."""
        seen: dict[str, IssueMessage] = {}
        offset = 0
        while True:
            page = self.list_issue_chat(issue_id, offset=offset, limit=CHAT_PAGE_LIMIT)
            fresh = [message for message in page if message.id not in seen]
            seen.update((message.id, message) for message in fresh)
            # a page with nothing new means the server ignores offset: stop rather than loop forever
            if len(page) < CHAT_PAGE_LIMIT or not fresh:
                break
            offset += CHAT_PAGE_LIMIT
        return sorted(seen.values(), key=lambda message: message.created_at)

    # --- writing (never retried: the outbox confirms by re-reading before any resend) ---------

    def post_issue_message(
        self,
        issue_id: str,
        *,
        type: str = "REGULAR",
        text: str | None = None,
        attachment_ids: Sequence[str] = (),
    ) -> IssueMessage:
        """POST /sale/issues/{issueId}/message: the seller's message; 409 when the chat is closed.

        Not idempotent: two calls post two messages, so a failure is raised at once.
        """
        body = _message_body(type, text, attachment_ids)
        response = self._http.call("POST", _issue_path(issue_id) + "/message", body=body, retry=False)
        return _parse_issues.parse_issue_message(json_object(response))

    def change_claim_status(
        self, issue_id: str, *, status: str, message: str, partial_refund: Price | None = None
    ) -> None:
        """POST /sale/issues/{issueId}/status: accept or reject a claim (claims only, 200 with no body)."""
        body = _claim_status_body(status, message, partial_refund)
        self._http.call("POST", _issue_path(issue_id) + "/status", body=body, retry=False)

    # --- attachments --------------------------------------------------------------------------

    def declare_issue_attachment(self, file_name: str, size: int) -> AttachmentUpload:
        """POST /sale/issues/attachments: declare a file of `size` bytes; gives the one-time upload URL."""
        if not file_name or len(file_name) > ATTACHMENT_FILE_NAME_MAX:
            raise ValueError(f"file_name must have 1 to {ATTACHMENT_FILE_NAME_MAX} characters")
        check_int("size", size, 1, ATTACHMENT_MAX_BYTES)
        # a repeated declaration only leaves an unused one behind, so retrying is harmless
        response = self._http.call(
            "POST", "/sale/issues/attachments", body={"fileName": file_name, "size": size}, retry=True
        )
        declared_id = json_object(response).get("id")
        location = response.headers.get("Location")
        if not isinstance(declared_id, str) or not declared_id:
            raise AllegroResponseError("POST /sale/issues/attachments: missing required field 'id'")
        if not location:
            raise AllegroResponseError("POST /sale/issues/attachments: no Location header to upload to")
        return AttachmentUpload(id=declared_id, upload_url=urljoin(self._http.api_url + "/", location))

    def upload_issue_attachment(self, upload: AttachmentUpload, data: bytes, content_type: str) -> None:
        """PUT {Location of the declaration}: send the file's bytes once (413 too big, 415 wrong type).

        Not retried: the URL works once, so a lost answer is resolved by declaring again.
        """
        if content_type not in ATTACHMENT_CONTENT_TYPES:
            raise ValueError(f"content_type must be one of {ATTACHMENT_CONTENT_TYPES}")
        if not data or len(data) > ATTACHMENT_MAX_BYTES:
            raise ValueError(f"an attachment must have 1 to {ATTACHMENT_MAX_BYTES} bytes")
        self._check_upload_url(upload.upload_url)
        self._raw_call(
            "PUT", upload.upload_url, accept=BETA_V1, data=data, content_type=content_type, retry=False
        )

    def download_issue_attachment(self, attachment_id: str) -> tuple[bytes, str]:
        """GET /sale/issues/attachments/{attachmentId}: the file's bytes and content type."""
        if not attachment_id or not attachment_id.strip():
            raise ValueError("attachment_id is required")
        url = self._http.api_url + "/sale/issues/attachments/" + quote(attachment_id, safe="")
        response = self._raw_call("GET", url, accept="*/*", retry=True)
        content_type = response.headers.get("Content-Type") or "application/octet-stream"
        return response.content, content_type.split(";", 1)[0].strip()

    # --- helpers ------------------------------------------------------------------------------

    def _raw_call(
        self,
        method: str,
        url: str,
        *,
        accept: str,
        retry: bool,
        data: bytes | None = None,
        content_type: str | None = None,
    ) -> requests.Response:
        """A binary call through the requester (see Requester.call_binary)."""
        return self._http.call_binary(
            method, url, accept=accept, retry=retry, data=data, content_type=content_type
        )

    def _check_upload_url(self, url: str) -> None:
        """Refuse to send the bearer token anywhere but the API host or Allegro's own domains."""
        target, api = urlsplit(url), urlsplit(self._http.api_url)
        if (target.scheme, target.netloc) == (api.scheme, api.netloc):
            return
        host = (target.hostname or "").lower()
        if target.scheme == "https" and any(host == d or host.endswith("." + d) for d in _ALLEGRO_DOMAINS):
            return
        raise ValueError(f"refusing to upload to {url!r}: not an Allegro address")



def _issue_path(issue_id: str) -> str:
    if not issue_id or not issue_id.strip():
        raise ValueError("issue_id is required")
    return "/sale/issues/" + quote(issue_id, safe="")


def _message_body(type: str, text: str | None, attachment_ids: Sequence[str]) -> dict[str, Any]:
    if type not in MESSAGE_TYPES:
        raise ValueError(f"type must be one of {MESSAGE_TYPES}")
    if isinstance(attachment_ids, str):
        raise ValueError("attachment_ids must be a sequence of ids, not a string")
    has_text = bool(text and text.strip())
    if not has_text and not attachment_ids:
        raise ValueError("a message needs text, attachments or both")
    if text is not None and len(text) > ISSUE_TEXT_MAX:
        raise ValueError(f"text may have at most {ISSUE_TEXT_MAX} characters")
    body: dict[str, Any] = {"type": type}
    if has_text:
        body["text"] = text
    if attachment_ids:
        body["attachments"] = [{"id": attachment} for attachment in attachment_ids]
    return body


def _claim_status_body(status: str, message: str, partial_refund: Price | None) -> dict[str, Any]:
    if status not in CLAIM_DECISIONS:
        raise ValueError(f"status must be one of {CLAIM_DECISIONS}")
    if not message or not message.strip():
        raise ValueError("message is required with a claim decision")
    if (status == "ACCEPTED_PARTIAL_REFUND") != (partial_refund is not None):
        raise ValueError("partial_refund goes with ACCEPTED_PARTIAL_REFUND and only with it")
    body: dict[str, Any] = {"status": status, "message": message}
    if partial_refund is not None:
        body["partialRefund"] = {
            "amount": _amount(partial_refund.amount),
            "currency": partial_refund.currency,
        }
    return body


def _amount(amount: Decimal) -> str:
    """Allegro's two-decimal amount string; more precision would be silently rounded, so it is refused."""
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"a refund must be a positive amount with at most two decimals, got {amount}")
    return f"{amount:.2f}"
