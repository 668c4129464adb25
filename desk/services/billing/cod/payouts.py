"""The daily COD payout batch: what is due on a day, one bank transfer per account and bank account, a
transfer CSV, and the money marked paid once the CSV is made.

A payout is never made twice:
- building works account by account, each under the account's COD lock, in its own transaction: the
  account's due items not yet in a payout are tied to the batch's payout (`payout_id`) and committed
  together; a second worker building at the same time finds them taken. A crash loses at most the
  account in hand (rolled back); building again finishes the batch, paying exactly the rest.
- the export takes the batch's row lock, writes the CSV from the stored payouts and marks them and
  their items paid in the same commit; a batch is exported once (asking again gives the same file, as
  a copy). A worker still building holds the batch's share lock, so the export waits for it, and a
  worker that comes after the export stops: its accounts wait for the next batch.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from desk.extensions import db
from desk.models.account import SellerAccount
from desk.models.billing import BillingProfile
from desk.models.cod import (
    BatchStatus,
    CodAccount,
    CodPayout,
    CodPayoutBatch,
    CodState,
    PayoutSink,
    ShipmentCod,
)
from desk.services.billing.cod import accounts
from desk.services.billing.ledger import grosze
from desk.services.errors import N_, ConflictError, NotFoundError

BOM = "\ufeff"
COLUMNS = ("Rachunek odbiorcy", "Nazwa odbiorcy", "Kwota", "Tytuł przelewu", "Data", "Wypłata")
CHUNK = 500


@dataclass(frozen=True)
class DueLine:
    """What one account is owed on the day, to one bank account."""

    account_id: int
    account_name: str
    iban: str
    amount: Decimal
    items: int
    held: bool


@dataclass(frozen=True)
class BuildResult:
    batch: CodPayoutBatch | None  # None: nothing was due
    paid_accounts: int = 0
    held_accounts: int = 0
    stopped: bool = False  # the batch was exported while this worker was building


@dataclass(frozen=True)
class PayoutFile:
    name: str
    content: bytes
    first_export: bool  # False: a copy of a file already given out


def _due_items(pay_date: dt.date):
    return (
        select(ShipmentCod)
        .where(ShipmentCod.state == CodState.DUE, ShipmentCod.payout_id.is_(None))
        .where(ShipmentCod.sink == PayoutSink.BANK_ACCOUNT, ShipmentCod.due_on <= pay_date)
    )


def preview(pay_date: dt.date) -> list[DueLine]:
    """What is due on `pay_date` (and before, not yet paid), per account and bank account, with the
    accounts whose payouts are held; nothing is written."""
    states = (CodState.DUE, CodState.WITHHELD)
    rows = db.session.execute(
        select(
            ShipmentCod.account_id,
            SellerAccount.name,
            ShipmentCod.iban,
            func.sum(ShipmentCod.amount - ShipmentCod.offset_amount),
            func.count(ShipmentCod.id),
            ShipmentCod.state == CodState.WITHHELD,
        )
        .join(SellerAccount, SellerAccount.id == ShipmentCod.account_id)
        .where(ShipmentCod.state.in_(states), ShipmentCod.payout_id.is_(None))
        .where(ShipmentCod.sink == PayoutSink.BANK_ACCOUNT, ShipmentCod.due_on <= pay_date)
        .group_by(ShipmentCod.account_id, SellerAccount.name, ShipmentCod.iban, ShipmentCod.state)
        .order_by(SellerAccount.name, ShipmentCod.iban)
    ).all()
    return [
        DueLine(account_id, name, iban, grosze(Decimal(str(total))), count, bool(held))
        for account_id, name, iban, total, count, held in rows
    ]


def _current_batch(pay_date: dt.date, now: dt.datetime, actor_id: int | None) -> CodPayoutBatch:
    """The day's batch not yet exported (reopened for building), or a new one (commits)."""
    for _attempt in range(3):
        found = db.session.scalar(
            select(CodPayoutBatch)
            .where(CodPayoutBatch.pay_date == pay_date, CodPayoutBatch.status != BatchStatus.EXPORTED)
            .order_by(CodPayoutBatch.number.desc())
            .limit(1)
        )
        if found is not None:
            db.session.execute(
                update(CodPayoutBatch)
                .where(CodPayoutBatch.id == found.id, CodPayoutBatch.status == BatchStatus.READY)
                .values(status=BatchStatus.OPEN)
            )
            db.session.commit()
            return found
        number = (db.session.scalar(
            select(func.max(CodPayoutBatch.number)).where(CodPayoutBatch.pay_date == pay_date)
        ) or 0) + 1
        batch = CodPayoutBatch(
            pay_date=pay_date, number=number, open_day=pay_date, created_at=now, created_by=actor_id
        )
        db.session.add(batch)
        try:
            db.session.commit()
            return batch
        except IntegrityError:  # another worker opened the day's batch at the same moment
            db.session.rollback()
    raise ConflictError(N_("The payout batch is being prepared by someone else; try again."))


def build(
    pay_date: dt.date,
    *,
    now: dt.datetime,
    actor_id: int | None = None,
    after_account: Callable[[int], None] | None = None,
) -> BuildResult:
    """Prepare the day's batch: every account's due COD tied to one payout per bank account. Safe to
    run twice at once and to run again after a crash (each account once). `after_account` is called
    after each account's commit (tests stop a worker there)."""
    due_accounts = _due_items(pay_date).with_only_columns(ShipmentCod.account_id).distinct()
    account_ids = sorted(set(db.session.scalars(due_accounts)))
    open_batch = db.session.scalar(
        select(CodPayoutBatch.id).where(
            CodPayoutBatch.pay_date == pay_date, CodPayoutBatch.status == BatchStatus.OPEN
        )
    )
    if not account_ids and open_batch is None:
        return BuildResult(None)
    batch = _current_batch(pay_date, now, actor_id)
    paid = held = 0
    for account_id in account_ids:
        outcome = _reserve(batch.id, account_id, pay_date, now)
        if outcome == "stop":
            return BuildResult(batch, paid, held, stopped=True)
        paid += outcome == "paid"
        held += outcome == "held"
        if after_account is not None:
            after_account(account_id)
    db.session.execute(
        update(CodPayoutBatch)
        .where(CodPayoutBatch.id == batch.id, CodPayoutBatch.status == BatchStatus.OPEN)
        .values(status=BatchStatus.READY, built_at=now)
    )
    db.session.commit()
    db.session.refresh(batch)
    return BuildResult(batch, paid, held)


def _reserve(batch_id: int, account_id: int, pay_date: dt.date, now: dt.datetime) -> str:
    """One account in its own transaction: "paid" (a payout made), "held", "none" or "stop"."""
    settings = accounts.lock(account_id, now)
    batch = db.session.get(
        CodPayoutBatch, batch_id, with_for_update={"read": True}, populate_existing=True
    )
    if batch is None or batch.status is BatchStatus.EXPORTED:
        db.session.rollback()
        return "stop"
    if accounts.refresh_locked(settings, now):  # dues appeared since the last look: nothing leaves
        db.session.commit()
        return "held"
    # plain columns, not ORM objects: an account may have hundreds of parcels due on a day
    items = db.session.execute(
        _due_items(pay_date)
        .where(ShipmentCod.account_id == account_id)
        .with_only_columns(ShipmentCod.id, ShipmentCod.iban, ShipmentCod.amount - ShipmentCod.offset_amount)
    ).all()
    fallback = ""
    if any(not iban for _id, iban, _payable in items):  # the account's payout account, where one is given
        fallback = db.session.scalar(
            select(BillingProfile.payout_iban).where(BillingProfile.account_id == account_id)
        ) or ""
    by_iban: dict[str, list[tuple[int, Decimal]]] = defaultdict(list)
    for item_id, iban, payable in items:
        if iban or fallback:
            by_iban[iban or fallback].append((item_id, grosze(Decimal(str(payable)))))
    for iban, group in by_iban.items():
        payout = db.session.scalar(
            select(CodPayout).where(
                CodPayout.batch_id == batch_id, CodPayout.account_id == account_id, CodPayout.iban == iban
            )
        )
        if payout is None:
            payout = CodPayout(
                batch_id=batch_id, account_id=account_id, iban=iban, amount=Decimal("0.00"), items=0,
                created_at=now,
            )
            db.session.add(payout)
        payout.amount += sum((payable for _id, payable in group), Decimal("0.00"))
        payout.items += len(group)
        db.session.flush()
        ids = [item_id for item_id, _payable in group]
        for start in range(0, len(ids), CHUNK):
            db.session.execute(
                update(ShipmentCod)
                .where(ShipmentCod.id.in_(ids[start : start + CHUNK]), ShipmentCod.payout_id.is_(None))
                .values(payout_id=payout.id, updated_at=now)
                .execution_options(synchronize_session=False)
            )
    db.session.commit()
    return "paid" if by_iban else "none"


def export(batch_id: int, *, now: dt.datetime, actor_id: int | None) -> PayoutFile:
    """The batch's transfer CSV; the first time, its payouts and their COD are marked paid in the same
    commit. ConflictError while the batch is still being built (or a build stopped half-way)."""
    batch = db.session.get(CodPayoutBatch, batch_id, with_for_update=True, populate_existing=True)
    if batch is None:
        raise NotFoundError(N_("Payout batch not found."))
    if batch.status is BatchStatus.OPEN:
        db.session.rollback()
        raise ConflictError(N_("The batch is not finished yet: prepare it again to finish it."))
    payouts = payouts_of(batch.id)
    content = _csv(batch, payouts)
    name = f"wyplaty-pobran-{batch.pay_date.isoformat()}-{batch.number}.csv"
    if batch.status is BatchStatus.EXPORTED:
        db.session.rollback()
        return PayoutFile(name, content, first_export=False)
    paid_ids = select(CodPayout.id).where(CodPayout.batch_id == batch.id)
    db.session.execute(update(CodPayout).where(CodPayout.batch_id == batch.id).values(paid_at=now))
    db.session.execute(
        update(ShipmentCod)
        .where(ShipmentCod.payout_id.in_(paid_ids), ShipmentCod.state == CodState.DUE)
        .values(state=CodState.PAID, paid_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    batch.status, batch.exported_at, batch.exported_by = BatchStatus.EXPORTED, now, actor_id
    batch.open_day = None  # the day may get another batch (money that became due later)
    db.session.commit()
    return PayoutFile(name, content, first_export=True)


def payouts_of(batch_id: int) -> list[tuple[CodPayout, str]]:
    """The batch's payouts with the name the transfer is made out to (company, else account name)."""
    rows = db.session.execute(
        select(CodPayout, SellerAccount.name, BillingProfile.company_name)
        .join(SellerAccount, SellerAccount.id == CodPayout.account_id)
        .outerjoin(BillingProfile, BillingProfile.account_id == CodPayout.account_id)
        .where(CodPayout.batch_id == batch_id)
        .order_by(CodPayout.id)
    ).all()
    return [(payout, company or name) for payout, name, company in rows]


def _csv(batch: CodPayoutBatch, payouts: list[tuple[CodPayout, str]]) -> bytes:
    """Semicolons, decimal comma, UTF-8 with BOM (as Polish banks' import and Excel read it); the
    account number as the 26-digit NRB."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for payout, name in payouts:
        title = f"Pobrania {batch.pay_date.isoformat()} wypłata {payout.id} ({payout.items} przes.)"
        writer.writerow([
            payout.iban[2:] if payout.iban.startswith("PL") else payout.iban,
            name.lstrip("=+-@\t\r")[:70],  # a bank import, and never a formula if opened in a sheet
            f"{payout.amount:.2f}".replace(".", ","),
            title,
            batch.pay_date.isoformat(),
            payout.id,
        ])
    return out.getvalue().encode("utf-8")


def batches(limit: int = 30) -> list[CodPayoutBatch]:
    """The newest batches."""
    newest = CodPayoutBatch.pay_date.desc(), CodPayoutBatch.number.desc()
    return list(db.session.scalars(select(CodPayoutBatch).order_by(*newest).limit(limit)))


def get_batch(batch_id: int) -> CodPayoutBatch:
    """One batch (NotFoundError)."""
    found = db.session.get(CodPayoutBatch, batch_id)
    if found is None:
        raise NotFoundError(N_("Payout batch not found."))
    return found


def held_accounts() -> list[tuple[CodAccount, str]]:
    """Accounts whose payouts are held, with their names."""
    return [tuple(row) for row in db.session.execute(
        select(CodAccount, SellerAccount.name)
        .join(SellerAccount, SellerAccount.id == CodAccount.account_id)
        .where(CodAccount.held.is_(True))
        .order_by(SellerAccount.name)
    )]
