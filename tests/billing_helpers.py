"""Money for the tests that order shipments: a balance to pay from and a quote to be charged at (a
shipment is recorded only together with its charge)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from decimal import Decimal

from desk.extensions import db
from desk.models import EntryKind
from desk.services import billing

QUOTE_DAY = dt.date(2026, 12, 3)


def fund(account_id: int, amount: str = "1000.00") -> None:
    """Top the account's balance up by `amount` (committed)."""
    billing.post(
        billing.Posting(
            account_id, EntryKind.TOPUP, Decimal(amount), key=f"test-topup:{uuid.uuid4().hex}",
            reference=f"SALDO {account_id}",
        )
    )
    db.session.commit()


def quoted(order, at: dt.date = QUOTE_DAY):
    """The shipment order with its quote by the public demo list (created when missing), as the form has
    it; fails the test when the list cannot price it."""
    from desk.services.shipping import ensure_public_price_list, forms

    ensure_public_price_list(today=dt.date(at.year, 1, 1))
    found = forms.price(order.account_id, order.carrier, order.request, at)
    assert found.priced, getattr(found, "reasons", None)
    return dataclasses.replace(order, quote=found.to_snapshot(), price_gross=found.gross)
