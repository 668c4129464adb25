"""Buyer conversations, their messages, notes and reply templates.

One conversation model for every place a buyer talks to the seller, told apart by `source`:
- `sale_issues`: a discussion (DISPUTE, "dyskusja") or claim (CLAIM, "reklamacja") of Allegro's
  `/sale/issues`, which since 28 Oct 2026 opens no new discussions for company sellers;
- `messaging`: a Message Center thread of `/messaging`, either a buyer's question (COMMON) or a
  post-purchase problem (POST_PURCHASE_ISSUE, "Problemy z zakupem", which replaced discussions).
The class keeps its first name, Issue. Besides Allegro's fields it stores what the
inbox sorts and filters on, computed at every sync or write so each queue is one index range:
`lane` (one of reply / decision / waiting / closed), `needs_reply` with the moment the buyer
started waiting for us, `escalated` (Allegro involved), `due_at` (Allegro's deadline) and
`activity_at` (the last message, never empty).
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk.extensions import db
from desk.orm import created_at, intpk, personal_table, str32, str64

if TYPE_CHECKING:
    from desk.models.agent import Agent
    from desk.models.order import Order

DISPUTE, CLAIM = "DISPUTE", "CLAIM"
COMMON, PROBLEM = "COMMON", "POST_PURCHASE_ISSUE"  # Message Center thread types
CONVERSATION_TYPES = (PROBLEM, COMMON, DISPUTE, CLAIM)
SOURCE_ISSUES, SOURCE_MESSAGING = "sale_issues", "messaging"
# Lanes partition the issues; the "needs our reply" and "escalated" queues are flags across them.
LANE_REPLY, LANE_DECISION, LANE_WAITING, LANE_CLOSED = "reply", "decision", "waiting", "closed"
OPEN_LANES = (LANE_REPLY, LANE_DECISION, LANE_WAITING)
NOTE_MAX_LENGTH = 5000


class Issue(db.Model):
    """One conversation of a seller account: a discussion, a claim or a Message Center thread."""

    __tablename__ = "issue"
    __table_args__ = (
        UniqueConstraint("account_id", "source", "allegro_id"),
        # One index per inbox queue: (queue condition, sort key, id) keeps each page an index range;
        # the trailing account_id lets an agent's account filter and the queue counts read the
        # index alone.
        Index("ix_issue_reply_queue", "needs_reply", "needs_reply_since", "id", "account_id"),
        Index("ix_issue_lane_activity", "lane", "activity_at", "id", "account_id"),
        Index("ix_issue_lane_due", "lane", "due_at", "id", "account_id"),
        Index("ix_issue_escalated", "escalated", "activity_at", "id", "account_id"),
        Index("ix_issue_assignee", "assigned_agent_id", "lane", "activity_at", "id", "account_id"),
        Index("ix_issue_account_buyer", "account_id", "buyer_login"),
        Index("ix_issue_reference", "reference_number"),
        personal_table(
            "buyer", "allegro_id", "checkout_form_id", "source", "type", "reference_number", "status",
            "reason_type", "right", "expectations", "offer_id", "last_message_status", "chat_key",
            "last_message_role", "lane", "decision",
        ),
    )

    id: Mapped[intpk]
    account_id: Mapped[int] = mapped_column(ForeignKey("seller_account.id", ondelete="CASCADE"))
    allegro_id: Mapped[str64]
    checkout_form_id: Mapped[str | None] = mapped_column(String(64), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("order.id", ondelete="SET NULL"), index=True)

    source: Mapped[str] = mapped_column(String(16), default=SOURCE_ISSUES)  # sale_issues | messaging
    # DISPUTE | CLAIM (sale_issues); COMMON | POST_PURCHASE_ISSUE (messaging)
    type: Mapped[str] = mapped_column(String(24))
    reference_number: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str32]
    chat_active: Mapped[bool] = mapped_column(default=True)
    return_required: Mapped[bool | None]
    status_due_at: Mapped[dt.datetime | None]
    decision_due_at: Mapped[dt.datetime | None]
    opened_at: Mapped[dt.datetime | None]
    subject: Mapped[str | None] = mapped_column(String(64), info={"personal": "free_text"})
    reason_type: Mapped[str | None] = mapped_column(String(64))  # a claim's reason, a problem's subType
    reason_description: Mapped[str | None] = mapped_column(Text, info={"personal": "free_text"})
    right: Mapped[str | None] = mapped_column(String(16))  # WARRANTY | COMPLAINT (claims)
    description: Mapped[str | None] = mapped_column(Text, info={"personal": "free_text"})
    expectations: Mapped[list | None]  # [{"name": "REFUND", "amount": "12.50", "currency": "PLN"}]
    # [{"id", "file_name"}] attached to the issue itself
    attachments: Mapped[list | None] = mapped_column(info={"personal": "free_text"})
    offer_id: Mapped[str | None] = mapped_column(String(64))
    quantity: Mapped[int | None]

    # Buyer fields are personal data (retention applies).
    buyer_allegro_id: Mapped[str | None] = mapped_column(String(64), info={"personal": "identity"})
    buyer_login: Mapped[str | None] = mapped_column(String(120), info={"personal": "identity"})

    # Allegro's chat summary, and the change key (status|count|last message) of the chat we hold.
    last_message_status: Mapped[str | None] = mapped_column(String(32))
    last_message_at: Mapped[dt.datetime | None]
    messages_count: Mapped[int] = mapped_column(default=0)
    chat_key: Mapped[str | None] = mapped_column(String(120))
    chat_synced_at: Mapped[dt.datetime | None]
    last_message_role: Mapped[str | None] = mapped_column(String(16))
    last_message_preview: Mapped[str | None] = mapped_column(String(200), info={"personal": "free_text"})
    # Message Center threads: Allegro's read flag, and the 404s a listed thread answered (a thread is
    # never deleted on one answer; it is retried later and shown as missing after several).
    allegro_read: Mapped[bool | None]
    missing_count: Mapped[int] = mapped_column(default=0)
    missing_since: Mapped[dt.datetime | None]

    # Derived for the inbox (see the module docstring).
    lane: Mapped[str] = mapped_column(String(16), default=LANE_WAITING)
    needs_reply: Mapped[bool] = mapped_column(default=False)
    needs_reply_since: Mapped[dt.datetime | None]  # our reply target counts from here
    escalated: Mapped[bool] = mapped_column(default=False)
    advisor_joined: Mapped[bool] = mapped_column(default=False)  # an Allegro advisor wrote in the chat
    due_at: Mapped[dt.datetime | None]  # Allegro's deadline for the next step, if any
    activity_at: Mapped[dt.datetime]

    assigned_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    assigned_at: Mapped[dt.datetime | None]  # last (un)assignment; round-robin only picks never-assigned
    decision: Mapped[str | None] = mapped_column(String(64))  # the last claim decision sent by the desk
    decided_by_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    decided_at: Mapped[dt.datetime | None]

    first_seen_at: Mapped[created_at]
    updated_at: Mapped[created_at]  # last change seen by the desk
    synced_at: Mapped[created_at]
    closed_at: Mapped[dt.datetime | None]

    order: Mapped[Order | None] = relationship()
    assigned_agent: Mapped[Agent | None] = relationship(foreign_keys=[assigned_agent_id])
    decided_by: Mapped[Agent | None] = relationship(foreign_keys=[decided_by_agent_id])
    messages: Mapped[list[IssueMessage]] = relationship(
        back_populates="issue",
        cascade="all, delete-orphan",
        order_by="[IssueMessage.created_at, IssueMessage.id]",
    )
    changes: Mapped[list[IssueStateChange]] = relationship(
        back_populates="issue", cascade="all, delete-orphan", order_by="IssueStateChange.id"
    )
    notes: Mapped[list[IssueNote]] = relationship(
        back_populates="issue", cascade="all, delete-orphan", order_by="IssueNote.id"
    )

    @property
    def is_claim(self) -> bool:
        return self.type == CLAIM

    @property
    def is_thread(self) -> bool:
        """A Message Center thread (a question or a post-purchase problem)."""
        return self.source == SOURCE_MESSAGING

    @property
    def is_problem(self) -> bool:
        return self.type == PROBLEM

    @property
    def is_closed(self) -> bool:
        return self.lane == LANE_CLOSED


class IssueMessage(db.Model):
    """One chat entry: buyer, seller (maybe sent from the desk), Allegro advisor or a system notice.

    `created_at` is Allegro's (when the author wrote it); `seen_at` is when the desk first saw it,
    which for Message Center messages can be hours later (Allegro publishes some late): the reply
    clock of a thread starts there.
    """

    __tablename__ = "issue_message"
    __table_args__ = (
        UniqueConstraint("issue_id", "allegro_id"),
        Index("ix_issue_message_issue_created", "issue_id", "created_at"),
        personal_table("buyer", "allegro_id", "author_role", "status", "message_type"),
    )

    id: Mapped[intpk]
    issue_id: Mapped[int] = mapped_column(ForeignKey("issue.id", ondelete="CASCADE"))
    allegro_id: Mapped[str64]
    # BUYER | SELLER | ADMIN | SYSTEM | FULFILLMENT (issues); BUYER | SELLER | USER | CONSULTANT |
    # ALLEGRO | ... (threads; a thread's USER is mapped to BUYER or SELLER by login when stored)
    author_role: Mapped[str] = mapped_column(String(16))
    author_login: Mapped[str | None] = mapped_column(String(120), info={"personal": "identity"})
    text: Mapped[str | None] = mapped_column(Text, info={"personal": "free_text"})
    created_at: Mapped[dt.datetime]
    # [{"id", "file_name"}] (+ "mime_type", "status" in threads)
    attachments: Mapped[list | None] = mapped_column(info={"personal": "free_text"})
    seen_at: Mapped[dt.datetime | None]
    # Message Center only: VERIFYING | BLOCKED | DELIVERED | ...; ASK_QUESTION | MAIL | MESSAGE_CENTER
    status: Mapped[str | None] = mapped_column(String(16))
    message_type: Mapped[str | None] = mapped_column(String(16))
    subject: Mapped[str | None] = mapped_column(String(255), info={"personal": "free_text"})
    deleted_at: Mapped[dt.datetime | None]  # gone from Allegro (found by the nightly reconcile)
    sent_by_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_message.id", ondelete="SET NULL"))

    issue: Mapped[Issue] = relationship(back_populates="messages")
    sent_by: Mapped[Agent | None] = relationship()


class IssueStateChange(db.Model):
    """History: status and chat changes seen by the sync, decisions and assignments made in the desk."""

    __tablename__ = "issue_state_change"
    # status, flags, deadlines, decisions and assignees: nothing the buyer wrote
    __table_args__ = (personal_table("buyer", "source", "field", "old_value", "new_value"),)

    id: Mapped[intpk]
    issue_id: Mapped[int] = mapped_column(ForeignKey("issue.id", ondelete="CASCADE"), index=True)
    at: Mapped[created_at]
    source: Mapped[str] = mapped_column(String(16))  # sync | agent | auto
    field: Mapped[str] = mapped_column(String(32))  # status | chat_active | deadline | decision | assignee
    old_value: Mapped[str | None] = mapped_column(String(255))
    new_value: Mapped[str | None] = mapped_column(String(255))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))

    issue: Mapped[Issue] = relationship(back_populates="changes")
    agent: Mapped[Agent | None] = relationship()


class IssueNote(db.Model):
    """An agent's internal note on an issue; never sent to Allegro or the buyer."""

    __tablename__ = "issue_note"
    __table_args__ = (personal_table("buyer"),)

    id: Mapped[intpk]
    issue_id: Mapped[int] = mapped_column(ForeignKey("issue.id", ondelete="CASCADE"), index=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]
    body: Mapped[str] = mapped_column(Text, info={"personal": "free_text"})

    issue: Mapped[Issue] = relationship(back_populates="notes")
    agent: Mapped[Agent | None] = relationship()


class ReplyFile(db.Model):
    """A file an agent attached to a Message Center reply, kept in the desk until Allegro has the
    message: a failed send keeps the draft and its files, and a retry uploads them again."""

    __tablename__ = "reply_file"
    __table_args__ = (personal_table("buyer", "content_type"),)

    id: Mapped[intpk]
    # None for the first message of a new thread (the thread exists once Allegro has the message)
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("issue.id", ondelete="CASCADE"), index=True)
    outbox_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="SET NULL"), index=True
    )
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    file_name: Mapped[str] = mapped_column(String(255), info={"personal": "free_text"})
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary, info={"personal": "file"})
    created_at: Mapped[created_at]


class ReplyTemplate(db.Model):
    """A canned answer with placeholders such as {buyer_login}; managed by shop owners."""

    __tablename__ = "reply_template"

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(120), unique=True)
    body: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16), default="both")  # dispute | claim | both
    created_by_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]
    updated_at: Mapped[created_at]

    created_by: Mapped[Agent | None] = relationship()


class IssueView(db.Model):
    """Who has an issue open (or is writing a reply) and since when: the collision warning."""

    __tablename__ = "issue_view"

    issue_id: Mapped[int] = mapped_column(ForeignKey("issue.id", ondelete="CASCADE"), primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[str] = mapped_column(String(16), default="viewing")  # viewing | writing
    since: Mapped[created_at]  # when the current state began
    seen_at: Mapped[created_at]  # the last page view or action

    agent: Mapped[Agent] = relationship()
