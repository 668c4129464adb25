"""Post-purchase issues part of the fake: discussions, claims, their chats and attachments.

Stored issues are replaced, never changed in place, once published (like checkout forms), so an
answer serialized outside the lock never sees half a change; chat entries never change at all.
Request bodies are checked by `routes.issues`; the rules that depend on the state live here.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
from collections.abc import Callable, Iterable
from typing import Any

from integrations.allegro.fake.errors import ApiError, not_found, validation_error
from integrations.allegro.fake.state.form_factory import new_uuid
from integrations.allegro.fake.state.issue_factory import (
    STATUS_NOTES,
    IssueTopic,
    chat_entry,
    made_up_parties,
    new_issue,
    pick_topic,
)
from integrations.allegro.fake.state.orders_index import OrderIndex
from integrations.allegro.fake.timeutil import to_utc

ISSUE_STATUSES = frozenset(
    {
        "DISPUTE_CLOSED",
        "DISPUTE_ONGOING",
        "DISPUTE_UNRESOLVED",
        "CLAIM_SUBMITTED",
        "CLAIM_ACCEPTED",
        "CLAIM_REJECTED",
    }
)
MESSAGE_TYPES = {
    "DISPUTE": frozenset({"REGULAR", "END_REQUEST"}),
    "CLAIM": frozenset(
        {"REGULAR", "RETURN_REQUIRED_SELLER_LABEL", "RETURN_REQUIRED_CUSTOM", "RETURN_NOT_REQUIRED"}
    ),
}
# a claim message of these types also records the seller's return decision
RETURN_REQUIRED = {
    "RETURN_REQUIRED_SELLER_LABEL": True,
    "RETURN_REQUIRED_CUSTOM": True,
    "RETURN_NOT_REQUIRED": False,
}
ATTACHMENT_TYPES = frozenset(
    {"image/png", "image/gif", "image/bmp", "image/tiff", "image/jpeg", "application/pdf"}
)
ATTACHMENT_MAX_BYTES = 2 * 1024 * 1024
# the address Allegro writes into attachment URLs, whatever host the fake listens on
ATTACHMENT_URL = "https://api.allegro.pl/sale/issues/attachments/"
# chat.lastMessage.status after a message by each role, once the seller has written in the chat
_LAST_STATUS = {"SELLER": "SELLER_REPLIED", "BUYER": "BUYER_REPLIED", "ADMIN": "ALLEGRO_ADVISOR_REPLIED"}


class IssuesStateMixin:
    """Issues, chats and attachments of the fake; mixed into FakeAllegroState."""

    _lock: threading.RLock
    _rng: random.Random
    _index: OrderIndex
    now: Callable[[], dt.datetime]
    sellers: dict[str, dict[str, Any]]
    checkout_forms: dict[str, dict[str, Any]]

    def _init_issues(self) -> None:
        """Called by FakeAllegroState.__init__."""
        self.issues: dict[str, dict[str, Any]] = {}
        self.issue_chats: dict[str, list[dict[str, Any]]] = {}
        self.claim_decisions: dict[str, str] = {}  # issue id -> the seller's last decision
        self.issue_attachments: dict[str, dict[str, Any]] = {}
        self._issue_sellers: dict[str, str] = {}
        self._claims_numbered = 0

    # -- arranging (test handle) -------------------------------------------------------------------

    def add_issue(
        self,
        seller_id: str,
        *,
        type: str = "DISPUTE",
        checkout_form_id: str | None = None,
        text: str | None = None,
        opened_at: dt.datetime | None = None,
        attachment_ids: Iterable[str] = (),
        topic: IssueTopic | None = None,
        **overrides: Any,
    ) -> dict[str, Any]:
        """Open a discussion or claim with the buyer's first message; return the stored JSON.

        Buyer and offer come from the seller's checkout form when one is named, else they are made
        up; `text` defaults to what buyers write about `topic` (a random one when None).
        """
        if type not in MESSAGE_TYPES:
            raise ValueError(f"type must be DISPUTE or CLAIM, not {type!r}")
        with self._lock:
            if seller_id not in self.sellers:
                raise KeyError(f"unknown seller {seller_id!r}")
            opened = to_utc(opened_at) if opened_at is not None else self.now()
            topic = topic or pick_topic(self._rng)
            parties = self._form_parties(seller_id, checkout_form_id) or made_up_parties(self._rng, opened)
            if type == "CLAIM":
                self._claims_numbered += 1
            issue = new_issue(
                self._rng,
                kind=type,
                topic=topic,
                opened=opened,
                parties=parties,
                claim_number=self._claims_numbered,
            )
            files = self._link_files(seller_id, attachment_ids)
            self._issue_sellers[issue["id"]] = seller_id
            author = {"login": issue["buyer"]["login"], "role": "BUYER"}
            first = chat_entry(self._rng, text or self._rng.choice(topic.texts), author, opened, files)
            summary = {"lastMessage": {"status": "NEW", "createdAt": first["createdAt"]}, "messagesCount": 1}
            issue.update(chat={**summary, "initialMessage": first}, attachments=files, **overrides)
            self.issues[issue["id"]] = issue
            self.issue_chats[issue["id"]] = [first]
            return issue

    def add_buyer_message(
        self,
        issue_id: str,
        text: str | None,
        *,
        attachment_ids: Iterable[str] = (),
        at: dt.datetime | None = None,
    ) -> dict[str, Any]:
        """The buyer writes: lastMessage becomes BUYER_REPLIED, or stays NEW if the seller never wrote."""
        with self._lock:
            issue = self._issue(issue_id)
            files = self._link_files(self._issue_sellers[issue_id], attachment_ids)
            entry = self._append(
                issue_id, text, {"login": issue["buyer"]["login"], "role": "BUYER"}, files, at
            )
            if files:
                self.issues[issue_id] = {
                    **self.issues[issue_id],
                    "attachments": [*issue["attachments"], *files],
                }
            return entry

    def add_advisor_message(
        self, issue_id: str, text: str, *, at: dt.datetime | None = None
    ) -> dict[str, Any]:
        """An Allegro advisor (role ADMIN, no login) writes in the chat."""
        with self._lock:
            self._issue(issue_id)
            return self._append(issue_id, text, {"role": "ADMIN"}, [], at)

    def add_seller_message(
        self, issue_id: str, text: str, *, type: str = "REGULAR", at: dt.datetime | None = None
    ) -> dict[str, Any]:
        """A message the seller wrote on Allegro's own pages (for histories; no API rule applies)."""
        with self._lock:
            self._issue(issue_id)
            login = self.sellers[self._issue_sellers[issue_id]]["login"]
            entry = self._append(issue_id, text, {"login": login, "role": "SELLER"}, [], at)
            if type in RETURN_REQUIRED:
                self._set_state(issue_id, returnRequired=RETURN_REQUIRED[type])
            return entry

    def set_issue_status(
        self, issue_id: str, status: str, *, chat_active: bool | None = None, at: dt.datetime | None = None
    ) -> dict[str, Any]:
        """Move the issue to `status` with a SYSTEM note; the chat closes with a discussion by default."""
        with self._lock:
            issue = self._issue(issue_id)
            if status not in ISSUE_STATUSES or not status.startswith(issue["type"]):
                raise ValueError(f"{status!r} is not a status of a {issue['type']}")
            active = status != "DISPUTE_CLOSED" if chat_active is None else chat_active
            due = issue["currentState"]["statusDueDate"] if status == "CLAIM_SUBMITTED" else None
            self._set_state(issue_id, status=status, chatActive=active, statusDueDate=due)
            self._append(issue_id, STATUS_NOTES[status], {"role": "SYSTEM"}, [], at, counted=False)
            return self.issues[issue_id]

    def attach_file(self, file_name: str, data: bytes, content_type: str) -> str:
        """Store an uploaded file, as a buyer's would be; its id goes to add_issue or add_buyer_message."""
        if content_type not in ATTACHMENT_TYPES or not 0 < len(data) <= ATTACHMENT_MAX_BYTES:
            raise ValueError("an attachment is a file of an allowed type with 1 byte to 2 MiB")
        with self._lock:
            return self._store_attachment(file_name, len(data), None, content_type, bytes(data))

    def seller_of_issue(self, issue_id: str) -> str | None:
        """The seller the issue was opened against (None for an unknown id)."""
        return self._issue_sellers.get(issue_id)

    def seller_of_form(self, form_id: str) -> str | None:
        """The seller of a checkout form (None for an unknown id)."""
        return self._index.seller_of(form_id)

    # -- API operations ----------------------------------------------------------------------------

    def list_issues(
        self, seller_id: str, *, offset: int, limit: int, statuses: frozenset[str] | None, form_id: str | None
    ) -> list[dict[str, Any]]:
        """GET /sale/issues: the seller's issues, most recently opened first, without totals."""
        with self._lock:
            found = [
                issue
                for issue_id, issue in self.issues.items()
                if self._issue_sellers[issue_id] == seller_id
                and (statuses is None or issue["currentState"]["status"] in statuses)
                and (form_id is None or issue["checkoutForm"]["id"] == form_id)
            ]
        found.sort(key=lambda issue: (issue["openedDate"], issue["id"]), reverse=True)
        return found[offset : offset + limit]

    def issue_for(self, seller_id: str, issue_id: str) -> dict[str, Any]:
        """The seller's issue, or the 404 Allegro gives for unknown and foreign issues alike."""
        with self._lock:
            if self._issue_sellers.get(issue_id) != seller_id:
                raise not_found("Issue")
            return self.issues[issue_id]

    def chat_for(self, seller_id: str, issue_id: str, *, offset: int, limit: int) -> list[dict[str, Any]]:
        """GET /sale/issues/{issueId}/chat: oldest first, state-change notes included."""
        with self._lock:
            self.issue_for(seller_id, issue_id)
            return self.issue_chats[issue_id][offset : offset + limit]

    def post_seller_message(
        self, seller_id: str, issue_id: str, *, kind: str, text: str | None, attachment_ids: list[str]
    ) -> dict[str, Any]:
        """POST /sale/issues/{issueId}/message: 422 for a type or file the issue refuses, 409 if closed."""
        with self._lock:
            issue = self.issue_for(seller_id, issue_id)
            if kind not in MESSAGE_TYPES[issue["type"]]:
                raise validation_error(
                    f"Message type {kind} is not allowed for a {issue['type']}", path="type"
                )
            for attachment_id in attachment_ids:
                attachment = self.issue_attachments.get(attachment_id)
                if attachment is None or attachment["owner"] != seller_id or attachment["data"] is None:
                    raise validation_error(
                        f"Attachment {attachment_id} has not been uploaded", path="attachments"
                    )
            if not issue["currentState"]["chatActive"]:
                raise ApiError(409, "CONFLICT", "Dispute is in a state that forbids adding new messages")
            files = self._link_files(seller_id, attachment_ids)
            login = self.sellers[seller_id]["login"]
            entry = self._append(issue_id, text, {"login": login, "role": "SELLER"}, files, None)
            if kind in RETURN_REQUIRED:
                self._set_state(issue_id, returnRequired=RETURN_REQUIRED[kind])
            return entry

    def change_claim_status(
        self, seller_id: str, issue_id: str, *, decision: str, message: str, refund: dict[str, Any] | None
    ) -> None:
        """POST /sale/issues/{issueId}/status: the seller decides a claim.

        A decision may be changed one way only: an acceptance into another acceptance, a rejection
        into an acceptance; never a rejection after a decision, never the same decision twice.
        """
        with self._lock:
            issue = self.issue_for(seller_id, issue_id)
            if issue["type"] != "CLAIM":
                raise validation_error("Status can be changed only for claims, not for disputes")
            current = issue["currentState"]["status"]
            accepting = decision.startswith("ACCEPTED")
            if current not in ("CLAIM_SUBMITTED", "CLAIM_ACCEPTED", "CLAIM_REJECTED"):
                raise validation_error("The claim is closed", path="status")
            if current != "CLAIM_SUBMITTED" and (
                not accepting or self.claim_decisions.get(issue_id) == decision
            ):
                raise validation_error("The claim has already been decided", path="status")
            self.claim_decisions[issue_id] = decision
            status = "CLAIM_ACCEPTED" if decision.startswith("ACCEPTED") else "CLAIM_REJECTED"
            self._set_state(issue_id, status=status, statusDueDate=None)
            note = f"{STATUS_NOTES[status]} ({decision}) Uzasadnienie: {message}"
            if refund is not None:
                note += f" Kwota zwrotu: {refund.get('amount')} {refund.get('currency')}."
            self._append(issue_id, note, {"role": "SYSTEM"}, [], None, counted=False)

    def declare_attachment(self, seller_id: str, file_name: str, size: int) -> str:
        """POST /sale/issues/attachments: a declared, not yet uploaded file of the seller; its id."""
        with self._lock:
            return self._store_attachment(file_name, size, seller_id, None, None)

    def upload_attachment(
        self, seller_id: str, attachment_id: str, content: bytes, content_type: str
    ) -> None:
        """PUT /sale/issues/attachments/{attachmentId}: the one upload a declaration allows."""
        with self._lock:
            attachment = self.issue_attachments.get(attachment_id)
            if attachment is None or attachment["owner"] != seller_id:
                raise not_found("Attachment")
            if attachment["data"] is not None:
                raise ApiError(409, "ATTACHMENT_ERROR", "The upload URL has already been used")
            if content_type not in ATTACHMENT_TYPES:
                raise ApiError(415, "NotSupportedException", f"Unsupported attachment type: {content_type}")
            if len(content) > min(attachment["size"], ATTACHMENT_MAX_BYTES):
                raise ApiError(413, "ATTACHMENT_ERROR", "File is too big: larger than declared")
            if not content:
                raise validation_error("The file is empty")
            self.issue_attachments[attachment_id] = {
                **attachment,
                "contentType": content_type,
                "data": content,
            }

    def attachment_content(self, seller_id: str, attachment_id: str) -> tuple[bytes, str]:
        """GET /sale/issues/attachments/{attachmentId}: the bytes and their content type."""
        with self._lock:
            attachment = self.issue_attachments.get(attachment_id)
            if (
                attachment is None
                or attachment["data"] is None
                or attachment["owner"] not in (None, seller_id)
            ):
                raise not_found("Attachment")
            return attachment["data"], attachment["contentType"]

    # -- internals ---------------------------------------------------------------------------------

    def _issue(self, issue_id: str) -> dict[str, Any]:
        issue = self.issues.get(issue_id)
        if issue is None:
            raise KeyError(f"unknown issue {issue_id!r}")
        return issue

    def _form_parties(
        self, seller_id: str, form_id: str | None
    ) -> tuple[dict[str, str], dict[str, str], dict[str, Any]] | None:
        """(buyer, checkoutForm, offer with its price) from the seller's order, None without one."""
        if form_id is None:
            return None
        if self._index.seller_of(form_id) != seller_id:
            raise KeyError(f"checkout form {form_id!r} is not an order of seller {seller_id!r}")
        form = self.checkout_forms[form_id]
        item = form["lineItems"][0]
        created = min(li.get("boughtAt", form["updatedAt"]) for li in form["lineItems"])
        return (
            {"id": form["buyer"]["id"], "login": form["buyer"]["login"]},
            {"id": form_id, "createdAt": created},
            {"id": item["offer"]["id"], "quantity": item["quantity"], "price": item["price"]},
        )

    def _store_attachment(
        self, file_name: str, size: int, owner: str | None, content_type: str | None, data: bytes | None
    ) -> str:
        attachment_id = new_uuid(self._rng)
        self.issue_attachments[attachment_id] = {
            "id": attachment_id,
            "fileName": file_name,
            "size": size,
            "owner": owner,
            "contentType": content_type,
            "data": data,
        }
        return attachment_id

    def _link_files(self, seller_id: str, attachment_ids: Iterable[str]) -> list[dict[str, str]]:
        """Attachment JSON for uploaded files, which from now on belong to the seller of their issue."""
        ids = list(attachment_ids)
        if any(self.issue_attachments[i]["data"] is None for i in ids):
            raise ValueError(f"not every attachment of {ids!r} has been uploaded")
        files = []
        for attachment_id in ids:
            attachment = self.issue_attachments[attachment_id]
            self.issue_attachments[attachment_id] = {**attachment, "owner": seller_id}
            files.append({"fileName": attachment["fileName"], "url": ATTACHMENT_URL + attachment_id})
        return files

    def _append(
        self,
        issue_id: str,
        text: str | None,
        author: dict[str, str],
        files: list[dict[str, str]],
        at: dt.datetime | None,
        *,
        counted: bool = True,
    ) -> dict[str, Any]:
        """Add a chat entry; counted ones (all but SYSTEM notes) move messagesCount and lastMessage."""
        chat = self.issue_chats[issue_id]
        seller_wrote = any(entry["author"]["role"] == "SELLER" for entry in chat)
        entry = chat_entry(self._rng, text, author, to_utc(at) if at is not None else self.now(), files)
        chat.append(entry)
        if counted:
            role = author["role"]
            status = _LAST_STATUS[role] if role == "SELLER" or seller_wrote else "NEW"
            issue = self.issues[issue_id]
            count = issue["chat"]["messagesCount"] + 1
            last = {"status": status, "createdAt": entry["createdAt"]}
            self.issues[issue_id] = {
                **issue,
                "chat": {**issue["chat"], "messagesCount": count, "lastMessage": last},
            }
        return entry

    def _set_state(self, issue_id: str, **changes: Any) -> None:
        issue = self.issues[issue_id]
        self.issues[issue_id] = {**issue, "currentState": {**issue["currentState"], **changes}}
