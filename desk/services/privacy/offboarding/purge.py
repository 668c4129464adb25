"""The purge of an offboarded seller account: every row of the account in every table, children first, in
batches, each batch committed together with the receipt's running counts; then the account row itself and
its pseudonym key.

A purge that stops half-way (a crash, a deploy) is simply run again: it deletes what is left and its counts
go on from what was committed, so the receipt ends the same as for an uninterrupted run.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from sqlalchemy import delete, select, update

from desk.extensions import db
from desk.models import AccountOffboarding, OffboardingState, SellerAccount
from desk.services.privacy.offboarding.ownership import ACCOUNT_TABLE, AccountTables, OwnedTable

log = logging.getLogger(__name__)
# The port that destroys the account's pseudonym key (desk.services.privacy.pseudonyms.destroy_account_key);
# None where no key store is wired: the receipt then says the key was not destroyed.
DestroyKey = Callable[[int], None]


def due_offboardings(now: dt.datetime) -> list[int]:
    """Ids of scheduled purges whose day has come, and of purges that were interrupted."""
    query = select(AccountOffboarding.id).where(
        (
            (AccountOffboarding.state == OffboardingState.SCHEDULED)
            & (AccountOffboarding.purge_due_at <= now)
        )
        | (AccountOffboarding.state == OffboardingState.PURGING)
    ).order_by(AccountOffboarding.purge_due_at, AccountOffboarding.id)
    return list(db.session.scalars(query))


def purge_due(*, now: dt.datetime, destroy_key: DestroyKey | None, batch: int = 1000) -> dict[str, int]:
    """Purge every account whose purge is due (the daily job). Returns counts for the job's log line."""
    purged = rows = 0
    for offboarding_id in due_offboardings(now):
        receipt = purge_account(offboarding_id, now=now, destroy_key=destroy_key, batch=batch)
        purged += 1
        rows += sum(receipt.counts.values())
    return {"accounts_purged": purged, "rows_purged": rows}


def purge_account(
    offboarding_id: int, *, now: dt.datetime, destroy_key: DestroyKey | None, batch: int = 1000,
    stop_after: int | None = None,
) -> AccountOffboarding:
    """Purge the account of one offboarding row (scheduled and due, or interrupted); commits per batch.

    `stop_after` (tests: a crash mid-way) stops after that many batches, leaving the purge PURGING.
    """
    receipt = db.session.get(AccountOffboarding, offboarding_id)
    if receipt.state == OffboardingState.SCHEDULED:
        receipt.state, receipt.purge_started_at = OffboardingState.PURGING, now
        db.session.commit()
    if receipt.state != OffboardingState.PURGING:
        return receipt
    tables = AccountTables(db.metadata)
    batches = _Budget(stop_after)
    for owned in tables.children_first():
        _unlink_self_references(tables, owned, receipt.account_id)
        _purge_table(tables, owned, receipt, batch, batches)
        if batches.spent:
            return receipt
    _finish(receipt, now=now, destroy_key=destroy_key)
    return receipt


class _Budget:
    """How many batches the purge may still commit (None: all)."""

    def __init__(self, limit: int | None) -> None:
        self.left = limit

    def take(self) -> None:
        if self.left is not None:
            self.left -= 1

    @property
    def spent(self) -> bool:
        return self.left is not None and self.left <= 0


def _unlink_self_references(tables: AccountTables, owned: OwnedTable, account_id: int) -> None:
    """Corrections point at the invoices they correct: unlink them first so any order of deletion works."""
    if not owned.self_links:
        return
    condition = tables.condition(owned.name, account_id)
    values = {column.key: None for column in owned.self_links}
    db.session.execute(update(owned.table).where(condition).values(**values))
    db.session.commit()


def _purge_table(
    tables: AccountTables, owned: OwnedTable, receipt: AccountOffboarding, batch: int, batches: _Budget
) -> None:
    condition = tables.condition(owned.name, receipt.account_id)
    keys = list(owned.table.primary_key.columns)
    while not batches.spent:
        if len(keys) == 1:
            ids = list(db.session.scalars(select(keys[0]).where(condition).order_by(keys[0]).limit(batch)))
            if not ids:
                return
            deleted = db.session.execute(delete(owned.table).where(keys[0].in_(ids))).rowcount
        else:  # link tables with a composite key hold few rows per account: one statement
            deleted = db.session.execute(delete(owned.table).where(condition)).rowcount
            if not deleted:
                return
        _add_count(receipt, owned.name, deleted)
        db.session.commit()
        batches.take()


def _add_count(receipt: AccountOffboarding, table: str, rows: int) -> None:
    # a new dict, so the JSON column is written (in the same commit as the rows' deletion)
    receipt.counts = {**receipt.counts, table: receipt.counts.get(table, 0) + rows}


def _finish(receipt: AccountOffboarding, *, now: dt.datetime, destroy_key: DestroyKey | None) -> None:
    deleted = db.session.execute(delete(SellerAccount).where(SellerAccount.id == receipt.account_id)).rowcount
    if deleted:
        _add_count(receipt, ACCOUNT_TABLE, deleted)
    db.session.commit()
    if destroy_key is not None and not receipt.key_destroyed:
        destroy_key(receipt.account_id)
        receipt.key_destroyed = True
    elif destroy_key is None:
        log.warning("account %s purged without a pseudonym key store to destroy its key", receipt.account_id)
    receipt.state, receipt.purged_at = OffboardingState.PURGED, now
    db.session.commit()
