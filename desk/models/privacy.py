"""The erasure registry: buyers and orders whose personal data the desk has erased.

Allegro keeps serving an erased order with its buyer's data, so every sync path asks this registry and
stores only the non-identity fields of what it lists (desk/services/shared/erasures.py). It holds no
personal data itself: buyers by their pseudonym (the account's HMAC), orders by Allegro's order id.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from desk.extensions import db
from desk.orm import intpk

BUYER_ID, BUYER_LOGIN = "id", "login"


class ErasedBuyer(db.Model):
    """One erased buyer of one account, by the pseudonym of its Allegro id or of a login it used."""

    __tablename__ = "erased_buyer"
    __table_args__ = (UniqueConstraint("account_id", "kind", "pseudonym"),)

    id: Mapped[intpk]
    account_id: Mapped[int] = mapped_column(ForeignKey("seller_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))  # id | login
    pseudonym: Mapped[str] = mapped_column(String(64))  # HMAC-SHA256 hex under the account's key
    erased_at: Mapped[dt.datetime]
    reason: Mapped[str] = mapped_column(String(64), default="")  # request | retention | ... (no PII)


class ErasedOrder(db.Model):
    """One order of an account whose buyer data was erased (pseudonymised with its buyer or alone)."""

    __tablename__ = "erased_order"
    __table_args__ = (UniqueConstraint("account_id", "allegro_id"),)

    id: Mapped[intpk]
    account_id: Mapped[int] = mapped_column(ForeignKey("seller_account.id", ondelete="CASCADE"))
    allegro_id: Mapped[str] = mapped_column(String(64))  # the checkout form id
    erased_at: Mapped[dt.datetime]
    reason: Mapped[str] = mapped_column(String(64), default="")
