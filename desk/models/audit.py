"""The access log: an append-only record of who was shown which buyer's personal data (G7).

The log is itself personal data (owners and admins only) and is kept 12 months. It names buyers by a
key (`buyer_ref`), never by name or contact; search requests keep the query as typed.
"""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from desk.extensions import db
from desk.orm import intpk, personal_table

USER_AGENT_MAX = 200
QUERY_MAX = 200


class AccessAction(enum.StrEnum):
    VIEW = "view"  # a detail page (order, conversation, rating, parcel, complaint)
    LIST = "list"  # a row of a list page
    REVEAL = "reveal"  # a masked value shown on request ("pokaż")
    SEARCH = "search"  # a row of a search's results (or the search itself when nothing matched)
    EXPORT = "export"  # a row of a CSV or other export
    DOWNLOAD = "download"  # a file: label, attachment, document


class _AccessColumns:
    """The columns of a log row, shared by the log and by the rows still waiting to join it."""

    id: Mapped[intpk]
    at: Mapped[dt.datetime]
    # No foreign key: an agent's rows stay readable (by id) whatever happens to the agent.
    agent_id: Mapped[int | None]
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(USER_AGENT_MAX))
    route: Mapped[str] = mapped_column(String(80))  # the Flask endpoint, e.g. orders.detail
    action: Mapped[AccessAction] = mapped_column(db.Enum(AccessAction, native_enum=False, length=16))
    entity_type: Mapped[str | None] = mapped_column(String(24))  # order, issue, rating, shipment, ...
    entity_id: Mapped[int | None]
    # The buyer's key: the account's pseudonym of their Allegro id (see
    # desk.services.privacy.access_log._buyer_key); never a name or a contact.
    buyer_ref: Mapped[str | None] = mapped_column(String(64), info={"personal": "identity"})
    # The classes of personal data the response showed, sorted and comma-separated ("address,identity").
    data_classes: Mapped[str] = mapped_column(String(80), default="")
    search_query: Mapped[str | None] = mapped_column(String(QUERY_MAX), info={"personal": "free_text"})


_KEPT = ("ip", "user_agent", "route", "entity_type", "data_classes")


class AccessLog(_AccessColumns, db.Model):
    """One buyer entity (or one search) shown to one agent by one request. Rows are never updated;
    only the retention purge deletes them. Indexed for the forensic questions (by agent, buyer, record,
    IP, account and time); requests write to `AccessLogPending`, whose rows are moved here in bulk."""

    __tablename__ = "access_log"
    __table_args__ = (
        Index("ix_access_log_at", "at", "id"),
        Index("ix_access_log_agent_at", "agent_id", "at"),
        Index("ix_access_log_buyer_at", "buyer_ref", "at"),
        Index("ix_access_log_entity_at", "entity_type", "entity_id", "at"),
        Index("ix_access_log_ip_at", "ip", "at"),
        Index("ix_access_log_account_at", "account_id", "at"),
        personal_table("log", *_KEPT),
    )

    account_id: Mapped[int | None] = mapped_column(ForeignKey("seller_account.id", ondelete="CASCADE"))


class AccessLogPending(_AccessColumns, db.Model):
    """Log rows a request has written and committed that have not yet been moved into `AccessLog`.

    The table has no index but its key and no foreign key, so a request's insert appends to a page or
    two instead of updating six indexes at random places; `desk.services.privacy.access_log_store.settle`
    moves the rows in bulk (a job every minute, and every forensic read first), in their order of arrival."""

    __tablename__ = "access_log_pending"
    __table_args__ = (personal_table("log", *_KEPT),)

    # No foreign key: an insert then checks nothing per row; rows of a deleted account are dropped when
    # they are moved (desk.services.privacy.access_log_store.settle).
    account_id: Mapped[int | None]
