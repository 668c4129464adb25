"""The administrator's payouts: pending withdrawals, the bank transfer file, and marking them paid.

Each step is a compare-and-set on the payout's state in one UPDATE: exporting takes only REQUESTED
payouts into the new file (two administrators exporting at once get disjoint files, the second perhaps
none), marking paid takes only EXPORTED ones (the second click finds nothing to mark). A payout is
therefore in one file and paid once. The file is kept, so downloading it again exports nothing.

The file: semicolon CSV in UTF-8, one transfer per row, for the bank's bulk transfer import::

    rachunek_nadawcy;rachunek_odbiorcy;nazwa_odbiorcy;kwota;tytul;data_realizacji;id_wyplaty
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import select, update

from desk.extensions import db
from desk.models.payout import Payout, PayoutExport, PayoutState
from desk.services.billing.policy import BillingPolicy
from desk.services.errors import N_, NotFoundError

HEADER = ("rachunek_nadawcy", "rachunek_odbiorcy", "nazwa_odbiorcy", "kwota", "tytul", "data_realizacji",
          "id_wyplaty")
PENDING = (PayoutState.REQUESTED, PayoutState.EXPORTED)


def pending(*, limit: int = 500) -> list[Payout]:
    """Payouts not paid yet (requested, or exported and waiting to be marked paid), soonest due first."""
    return list(
        db.session.scalars(
            select(Payout).where(Payout.state.in_(PENDING)).order_by(Payout.due_on, Payout.id).limit(limit)
        )
    )


def recent_exports(*, limit: int = 20) -> list[PayoutExport]:
    return list(db.session.scalars(select(PayoutExport).order_by(PayoutExport.id.desc()).limit(limit)))


def export(*, actor_id: int | None, now: dt.datetime, policy: BillingPolicy,
           payout_ids: Iterable[int] | None = None) -> PayoutExport | None:
    """Put every REQUESTED payout (or those of `payout_ids`) into a new transfer file (commits). None when
    there was nothing left to export: nothing is written then."""
    batch = PayoutExport(created_by=actor_id, created_at=now, count=0, total=Decimal("0.00"))
    db.session.add(batch)
    db.session.flush()
    claim = (
        update(Payout)
        .where(Payout.state == PayoutState.REQUESTED)
        .values(state=PayoutState.EXPORTED, export_id=batch.id, exported_at=now)
        .execution_options(synchronize_session=False)
    )
    if payout_ids is not None:
        claim = claim.where(Payout.id.in_(list(payout_ids)))
    if db.session.execute(claim).rowcount == 0:
        db.session.rollback()
        return None
    taken = list(db.session.scalars(select(Payout).where(Payout.export_id == batch.id).order_by(Payout.id)))
    batch.count = len(taken)
    batch.total = sum((payout.amount for payout in taken), Decimal("0.00"))
    batch.content = _file(taken, policy)
    db.session.commit()
    return batch


def _file(payouts: list[Payout], policy: BillingPolicy) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for payout in payouts:
        writer.writerow((
            policy.bank_account, payout.iban, payout.holder[:70], f"{payout.amount:.2f}".replace(".", ","),
            f"Wyplata salda W/{payout.id} konto {payout.account_id}", payout.due_on.isoformat(),
            payout.id,
        ))
    return out.getvalue()


def export_file(export_id: int) -> tuple[str, str]:
    """(file name, content) of a transfer file made before."""
    found = db.session.get(PayoutExport, export_id)
    if found is None:
        raise NotFoundError(N_("Export not found."))
    return f"wyplaty-{found.id}-{found.created_at:%Y%m%d}.csv", found.content


def mark_paid(payout_ids: Iterable[int], *, actor_id: int | None, now: dt.datetime) -> int:
    """Mark exported payouts paid (commits); returns how many this call marked. Payouts not exported, or
    already paid (by another click), are left as they are."""
    ids = list(payout_ids)
    if not ids:
        return 0
    marked = db.session.execute(
        update(Payout)
        .where(Payout.id.in_(ids), Payout.state == PayoutState.EXPORTED)
        .values(state=PayoutState.PAID, paid_at=now, paid_by=actor_id)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return marked
