"""Money into a balance: a top-up recorded by an administrator from the bank's history, or a row of an
imported bank statement (bank_import.py). Both come through `record_topup`, keyed by its source and the
source's own id, so the same transfer is booked once however often it is typed or imported.

An online payment gateway would be one more `TopupSource` whose notification handler calls
`record_topup` with the gateway's payment id: the ledger and this function need no change for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from desk.extensions import db
from desk.models.account import SellerAccount
from desk.models.billing import EntryKind
from desk.models.payout import Topup, TopupSource
from desk.services.billing import inputs
from desk.services.billing.ledger import Posting, post
from desk.services.errors import N_, NotFoundError, ValidationError

RECORDED = N_("Top-up (bank transfer)")


@dataclass(frozen=True)
class TopupIn:
    """One payment into an account, as its source knows it."""

    account_id: int
    amount: Decimal
    source: TopupSource
    external_id: str  # the bank's transaction id, the form's key, a gateway's payment id
    booked_on: dt.date
    reference: str = ""  # the transfer's title
    sender: str = ""
    sender_account: str = ""
    actor_id: int | None = None


def existing(source: TopupSource, external_id: str) -> Topup | None:
    """The top-up already booked under this source and id, if any."""
    return db.session.scalar(select(Topup).where(Topup.source == source, Topup.external_id == external_id))


def record_topup(topup: TopupIn) -> Topup:
    """Book one payment: a TOPUP ledger entry and its Topup row (flushes, never commits). The same source
    and id again returns the row booked first and writes nothing."""
    if not topup.external_id or len(topup.external_id) > 120:
        raise ValidationError(N_("A top-up needs its transaction id (at most 120 characters)."))
    found = existing(topup.source, topup.external_id)
    if found is not None:
        return found
    if topup.amount is None or topup.amount <= 0:
        raise ValidationError(N_("The amount must be above zero."))
    entry = post(
        Posting(
            topup.account_id, EntryKind.TOPUP, topup.amount, key=f"topup:{topup.source}:{topup.external_id}",
            reference=topup.reference[:120], reason=RECORDED, actor_id=topup.actor_id,
        )
    )
    found = existing(topup.source, topup.external_id)  # booked by whoever held the account's lock before
    if found is not None:
        return found
    row = Topup(
        account_id=topup.account_id, source=topup.source, external_id=topup.external_id, amount=topup.amount,
        booked_on=topup.booked_on, reference=topup.reference[:140], sender=topup.sender[:140],
        sender_account=topup.sender_account[:34], entry_id=entry.id, created_by=topup.actor_id,
    )
    db.session.add(row)
    db.session.flush()
    return row


def record_manual_topup(
    account_id: int, form: Mapping[str, str], *, key: str, actor_id: int | None, today: dt.date
) -> Topup:
    """An administrator's top-up from the bank's history: amount, the transfer's reference and the day it
    was booked (not in the future). Raises inputs.FormErrors per field, nothing written. Commits."""
    if db.session.get(SellerAccount, account_id) is None:
        raise NotFoundError(N_("Account not found."))
    errors: dict[str, inputs.FieldError] = {}
    values = {}
    for field, read in (
        ("amount", lambda v: inputs.amount(v)),
        ("reference", lambda v: _reference(v)),
        ("booked_on", lambda v: _booked_on(v, today)),
    ):
        try:
            values[field] = read(form.get(field, ""))
        except inputs.FieldError as error:
            errors[field] = error
    if errors:
        raise inputs.FormErrors(errors)
    key = (key or "").strip()[:64]
    if not key:
        raise ValidationError(N_("The form is damaged. Reload the page and try again."))
    row = record_topup(
        TopupIn(account_id, values["amount"], TopupSource.MANUAL, key, values["booked_on"],
                reference=values["reference"], actor_id=actor_id)
    )
    db.session.commit()
    return row


def _reference(value: str) -> str:
    reference = inputs.text(value, "reference", max_length=140)
    if not reference:
        raise inputs.FieldError("reference", N_("Enter the bank transfer's reference or title."))
    return reference


def _booked_on(value: str, today: dt.date) -> dt.date:
    booked = inputs.day(value, "booked_on")
    if booked > today:
        raise inputs.FieldError("booked_on", N_("The transfer cannot be booked in the future."))
    return booked
