"""The daily retention job: per seller account, the rows whose period has passed are pseudonymised,
redacted or deleted, class by class, 1 000 rows per transaction, skipping rows under a legal hold.

- The erasure engine and the holds are ports (RetentionPorts, wired in desk.wiring.retention): this
  module decides what is due and keeps the books, the engine changes the rows. Label PDFs and the job's
  own old receipts are deleted here.
- Resumable: every batch commits its marks with the run's cursor; a run a crash interrupted is taken up
  again (same `now`, same receipt) by the next call, so a crash and its rerun leave one receipt.
- Idempotent: rows acted on are marked (RetentionMark), a rerun finds nothing new.
- A dry run changes nothing: it asks the engine what it would change and stores only its receipt.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import delete, select, update

from desk.extensions import db
from desk.models import RetentionMark, RetentionRun, RetentionSettings, SellerAccount, ShipmentLabel
from desk.models.retention import RUN_DONE, RUN_RUNNING
from desk.orm import utcnow
from desk.services.errors import N_, ConflictError, NotFoundError
from desk.services.privacy import retention_policy as policies
from desk.services.privacy.retention_policy import AccountPolicy, DataClass
from desk.services.privacy.retention_rows import MARKED, DueRow, count_due, due_batch, mark

BATCH = 1000
LEASE = dt.timedelta(minutes=15)  # renewed with every batch; a killed process's lease runs out
# the classes a run on one account goes through, in this order (the access log is desk-wide)
ACCOUNT_CLASSES = (
    DataClass.ORDER_IDENTITY, DataClass.ISSUE_TEXTS, DataClass.PRESALE_THREADS, DataClass.LABEL_FILES,
    DataClass.PRIVACY_RECEIPTS,
)
Progress = Callable[[int, int], None]  # (rows looked at so far, rows due at the start)


class RetentionBusy(ConflictError):
    """Another process is running the job on the account."""


class ErasureOutcome(Protocol):
    """What the erasure engine answers (its ErasureResult): table name -> rows changed."""

    @property
    def counts(self) -> Mapping[str, int]: ...


@dataclass(frozen=True)
class RetentionPorts:
    """The erasure engine, the legal holds and the access log, as the job calls them."""

    pseudonymise_orders: Callable[..., ErasureOutcome]  # (*, order_ids, now, reason, dry_run)
    redact_conversations: Callable[..., ErasureOutcome]  # (*, issue_ids, now, dry_run)
    held_order_ids: Callable[..., set[int]]  # (*, account_id, order_ids, now)
    purge_access_log: Callable[..., int]  # (*, now, keep_days, batch)


def run_retention(ports: RetentionPorts, *, now: dt.datetime, account_ids: Collection[int] | None = None,
                  dry_run: bool = False, batch: int = BATCH, progress: Progress | None = None
                  ) -> list[RetentionRun]:
    """The daily job: every account with retention active (or `account_ids`), then the desk-wide access
    log; one receipt per account (and one for the access log). Returns the receipts."""
    ids = list(account_ids) if account_ids is not None else policies.active_account_ids()
    runs = []
    for account_id in ids:
        try:
            run = run_account(ports, account_id, now=now, dry_run=dry_run, batch=batch, progress=progress)
        except RetentionBusy:  # the other process finishes it
            continue
        runs.append(run)
    if not dry_run and account_ids is None:
        access = purge_access_log(ports, now=now, batch=batch)
        if access is not None:
            runs.append(access)
    return runs


def run_account(ports: RetentionPorts, account_id: int, *, now: dt.datetime, dry_run: bool = False,
                batch: int = BATCH, progress: Progress | None = None) -> RetentionRun:
    """One account's run (a dry run works on an inactive account too); resumes the account's run a
    crash interrupted, with that run's own `now`. Raises RetentionBusy while another process runs it."""
    if db.session.get(SellerAccount, account_id) is None:
        raise NotFoundError(N_("No such account."))
    policy = policies.account_policy(account_id)
    if not dry_run and not policy.active:
        raise ConflictError(N_("Retention is not active for this account."))
    if not dry_run and not _claim(account_id):
        raise RetentionBusy(N_("Retention is already running on this account."))
    run = None
    try:
        run = _start(account_id, now, dry_run)
        _Job(ports, run, policy, batch, dry_run, progress).run(finished_at=now)
    except BaseException as exc:
        db.session.rollback()
        if not dry_run:
            _note_error(run.id if run is not None else None, account_id, exc)
        raise
    return run


def _start(account_id: int, now: dt.datetime, dry_run: bool) -> RetentionRun:
    """The run a crash interrupted (taken up again), or a new one."""
    run = None if dry_run else _unfinished(account_id)
    if run is None:
        run = RetentionRun(account_id=account_id, dry_run=dry_run, now=now, started_at=now)
        db.session.add(run)
        if not dry_run:
            db.session.commit()
    else:
        run.resumed += 1
    return run


def _claim(account_id: int) -> bool:
    """Take the account's lease (free, or left to expire by a killed process)."""
    wall = utcnow()
    claimed = db.session.execute(
        update(RetentionSettings)
        .where(RetentionSettings.account_id == account_id)
        .where((RetentionSettings.lease_until.is_(None)) | (RetentionSettings.lease_until < wall))
        .values(lease_until=wall + LEASE)
    ).rowcount
    db.session.commit()
    return claimed == 1


def _lease(account_id: int | None, until: dt.datetime | None) -> None:
    if account_id is not None:
        db.session.execute(
            update(RetentionSettings)
            .where(RetentionSettings.account_id == account_id)
            .values(lease_until=until)
        )


def purge_access_log(ports: RetentionPorts, *, now: dt.datetime, batch: int = BATCH) -> RetentionRun | None:
    """Purge the desk-wide access log past the longest access-log ceiling of the accounts with retention
    active (nobody's log goes before its owner's ceiling); None when no account is active."""
    ids = policies.active_account_ids()
    if not ids:
        return None
    keep = max(policies.keep_days(policies.account_policy(i)[DataClass.ACCESS_LOG], now) for i in ids)
    started = time.perf_counter()
    run = RetentionRun(account_id=None, now=now, started_at=now)
    db.session.add(run)
    db.session.commit()
    removed = ports.purge_access_log(now=now, keep_days=keep, batch=batch)
    key = DataClass.ACCESS_LOG.value
    run.rows, run.counts = {key: removed}, {key: {"access_log": removed}}
    _finish(run, time.perf_counter() - started, now)
    return run


def _unfinished(account_id: int) -> RetentionRun | None:
    return db.session.scalar(
        select(RetentionRun).where(
            RetentionRun.account_id == account_id, RetentionRun.state == RUN_RUNNING,
            RetentionRun.dry_run.is_(False),
        ).order_by(RetentionRun.id).limit(1)
    )


class _Job:
    """One run on one account: its classes in order, batch after batch, the receipt kept as it goes."""

    def __init__(self, ports: RetentionPorts, run: RetentionRun, policy: AccountPolicy, batch: int,
                 dry_run: bool, progress: Progress | None) -> None:
        self.ports, self.run_row, self.policy, self.batch = ports, run, policy, batch
        self.dry_run, self.progress = dry_run, progress
        self.account_id, self.now = run.account_id, run.now
        self.seconds_before = run.seconds or 0.0
        self.started = time.perf_counter()
        self.done = 0
        self.total = self._total() if progress else 0

    def run(self, *, finished_at: dt.datetime) -> None:
        for data_class in ACCOUNT_CLASSES:
            self._class(data_class)
        if not self.dry_run:
            _lease(self.account_id, None)
        _finish(self.run_row, self._elapsed(), finished_at)

    def _total(self) -> int:
        cursor = self.run_row.cursor or {}
        return sum(
            count_due(c, self.account_id, self.policy[c].cutoff(self.now), after=cursor.get(c.value, 0),
                      sales_record=self.policy.sales_record)
            for c in ACCOUNT_CLASSES
        )

    def _class(self, data_class: DataClass) -> None:
        cutoff = self.policy[data_class].cutoff(self.now)
        after = (self.run_row.cursor or {}).get(data_class.value, 0)
        while True:
            batch = due_batch(data_class, self.account_id, cutoff, after=after, limit=self.batch,
                              sales_record=self.policy.sales_record)
            if batch.last_id is None:
                return
            rows, after = batch.rows, batch.last_id
            held = self._held(rows)
            acting = [row for row in rows if row.order_id is None or row.order_id not in held]
            counts = self._act(data_class, [row.id for row in acting]) if acting else {}
            self._record(data_class, acting, counts, len(rows) - len(acting), after)
            self.done += len(rows)
            if self.progress and rows:
                self.progress(self.done, max(self.total, self.done))

    def _held(self, rows: Sequence[DueRow]) -> set[int]:
        order_ids = {row.order_id for row in rows if row.order_id is not None}
        if not order_ids:
            return set()
        return set(self.ports.held_order_ids(account_id=self.account_id, order_ids=order_ids, now=self.now))

    def _act(self, data_class: DataClass, ids: list[int]) -> dict[str, int]:
        if not ids:
            return {}
        if data_class is DataClass.ORDER_IDENTITY:
            result = self.ports.pseudonymise_orders(
                order_ids=ids, now=self.now, reason=f"retention:{data_class.value}", dry_run=self.dry_run
            )
            return dict(result.counts)
        if data_class in (DataClass.ISSUE_TEXTS, DataClass.PRESALE_THREADS):
            result = self.ports.redact_conversations(issue_ids=ids, now=self.now, dry_run=self.dry_run)
            return dict(result.counts)
        if data_class is DataClass.LABEL_FILES:
            return {"shipment_label": self._delete_labels(ids)}
        return {"retention_run": self._delete_receipts(ids)}

    def _delete_labels(self, ids: list[int]) -> int:
        if self.dry_run:
            return len(ids)
        return db.session.execute(delete(ShipmentLabel).where(ShipmentLabel.id.in_(ids))).rowcount

    def _delete_receipts(self, ids: list[int]) -> int:
        if self.dry_run:
            return len(ids)
        db.session.execute(update(RetentionMark).where(RetentionMark.run_id.in_(ids)).values(run_id=None))
        return db.session.execute(delete(RetentionRun).where(RetentionRun.id.in_(ids))).rowcount

    def _record(self, data_class: DataClass, acting: list[DueRow], counts: Mapping[str, int], held: int,
                after: int) -> None:
        """Add the batch to the receipt; outside a dry run, mark its rows and commit with the cursor."""
        run, key = self.run_row, data_class.value
        run.rows = _added(run.rows, key, len(acting))
        run.held = _added(run.held, key, held)
        if counts:
            run.counts = {**(run.counts or {}), key: _summed((run.counts or {}).get(key, {}), counts)}
        run.cursor = {**(run.cursor or {}), key: after}
        if self.dry_run:
            return
        if data_class in MARKED and acting:
            mark(data_class, self.account_id, [row.id for row in acting], run_id=run.id, now=self.now,
                 sales_record=self.policy.sales_record)
        run.seconds = self._elapsed()
        _lease(self.account_id, utcnow() + LEASE)
        db.session.commit()

    def _elapsed(self) -> float:
        return self.seconds_before + time.perf_counter() - self.started


def _finish(run: RetentionRun, seconds: float, finished_at: dt.datetime) -> None:
    run.state, run.finished_at, run.seconds, run.error = RUN_DONE, finished_at, seconds, None
    db.session.commit()


def _note_error(run_id: int | None, account_id: int, exc: BaseException) -> None:
    """Keep why a run stopped on its receipt and free the account (the next call resumes the run)."""
    if run_id is not None:
        db.session.execute(
            update(RetentionRun).where(RetentionRun.id == run_id).values(error=repr(exc)[:500])
        )
    _lease(account_id, None)
    db.session.commit()


def _added(counter: Mapping | None, key: str, value: int) -> dict:
    counter = dict(counter or {})
    if value:
        counter[key] = counter.get(key, 0) + value
    return counter


def _summed(before: Mapping[str, int], more: Mapping[str, int]) -> dict[str, int]:
    total = dict(before)
    for table, value in more.items():
        total[table] = total.get(table, 0) + value
    return total
