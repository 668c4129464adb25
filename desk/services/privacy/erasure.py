"""Erasure that keeps the books (G3): a buyer's identity pseudonymised, texts and files removed, every
amount, line, date, status and invoice number kept; the erased orders and buyer registered so no sync
brings the data back; the buyer's pending write-backs cancelled.

What each column becomes is decided by its mark in the models (desk/services/shared/redaction.py);
this module finds the rows, applies it in batches (one commit per batch), counts the rows changed per
table and registers the erasure. Every step is idempotent: a second run changes nothing. Legal holds
are the caller's business. A dry run does the same work and rolls it back, so its counts are exact.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, insert, or_, select, tuple_

from desk.extensions import db
from desk.models import OutboxMessage, OutboxState, QuarantinedRecord, ShipmentLabel
from desk.models.issue import Issue, IssueMessage, IssueNote, ReplyFile
from desk.models.privacy import BUYER_ID, BUYER_LOGIN, ErasedBuyer, ErasedOrder
from desk.models.rating import Rating, RatingDraft
from desk.services.privacy import scope
from desk.services.privacy.pseudonyms import buyer_pseudonym, login_pseudonym
from desk.services.shared.redaction import BUYER_CLASSES, TEXT_CLASSES, scrub_row, text_marker

log = logging.getLogger(__name__)
BATCH = 500  # orders (or conversations) per commit
LIVE_OUTBOX = (OutboxState.PENDING, OutboxState.SENDING, OutboxState.UNKNOWN)
CANCELLED_CODE = "erased"


@dataclass(frozen=True)
class ErasureResult:
    counts: dict[str, int]  # table name -> rows changed (files deleted count under the file's table)
    pseudonyms: tuple[str, ...] = ()  # buyer pseudonyms touched (HMAC hex, never the raw id)


class _Run:
    """Counts and the batch commits of one erasure (nothing is committed in a dry run)."""

    def __init__(self, now: dt.datetime, reason: str, dry_run: bool) -> None:
        self.now, self.reason, self.dry_run = now, reason[:64], dry_run
        self.counts: Counter[str] = Counter()

    def scrub(self, rows, *, account_id: Callable | int, classes=BUYER_CLASSES) -> None:
        for row in rows:
            account = account_id(row) if callable(account_id) else account_id
            if scrub_row(row, account_id=account, now=self.now, classes=classes):
                self.counts[row.__table__.name] += 1

    def commit(self) -> None:
        db.session.flush()
        if not self.dry_run:
            db.session.commit()

    def result(self, pseudonyms=()) -> ErasureResult:
        if self.dry_run:
            db.session.rollback()
        counts = {table: n for table, n in sorted(self.counts.items()) if n}
        log.info("privacy erasure%s: %s", " (dry run)" if self.dry_run else "", counts)  # counts only
        return ErasureResult(counts=counts, pseudonyms=tuple(pseudonyms))


def erase_buyer(
    *, account_ids: Collection[int], buyer_allegro_id: str, now: dt.datetime, reason: str,
    dry_run: bool = False, progress: Callable[[str], None] | None = None,
) -> ErasureResult:
    """Everything the desk holds about one buyer on those accounts: identity pseudonymised, texts and
    files removed, the orders and the buyer registered, pending write-backs cancelled. Does not check
    legal holds (the caller does). Idempotent; commits per batch; `progress` hears each finished step."""
    run = _Run(now, reason, dry_run)
    pseudonyms = []
    for account_id in sorted(account_ids):
        pseudonyms.append(buyer_pseudonym(account_id, buyer_allegro_id))
        _erase_on_account(run, account_id, buyer_allegro_id, progress or (lambda _step: None))
    return run.result(pseudonyms)


def _erase_on_account(run: _Run, account_id: int, buyer_id: str, progress: Callable[[str], None]) -> None:
    logins = scope.buyer_logins(account_id, buyer_id)
    for batch in scope.chunks(scope.buyer_order_ids(account_id, buyer_id), BATCH):
        _erase_orders(run, batch)
        run.commit()
    progress("orders")
    issues = scope.buyer_issue_ids(account_id, buyer_id, logins)
    ratings = scope.buyer_rating_ids(account_id, buyer_id)
    _erase_conversations(run, issues, classes=BUYER_CLASSES)
    _erase_ratings(run, ratings)
    progress("conversations")
    targets = {account_id: _targets(issues, ratings)}
    _outbox_and_quarantine(run, targets, extra={account_id: [buyer_id, *logins]})
    _register_buyer(run, account_id, buyer_id, logins)
    run.commit()
    progress("registry")


def pseudonymise_orders(
    *, order_ids: Sequence[int], now: dt.datetime, reason: str, dry_run: bool = False
) -> ErasureResult:
    """These orders' buyer identity, delivery and invoice address, message and notes, their shipments'
    receiver data and label files, their conversations' texts and files and their ratings' buyer; the
    orders are registered. No hold check. Idempotent; commits per batch."""
    run = _Run(now, reason, dry_run)
    for batch in scope.chunks(sorted(set(order_ids)), BATCH):
        _erase_orders(run, batch)
        run.commit()
    return run.result()


def redact_conversations(
    *, issue_ids: Sequence[int], now: dt.datetime, dry_run: bool = False
) -> ErasureResult:
    """Texts and files of conversations (discussions, claims and Message Center threads); who, when,
    statuses and amounts stay. Idempotent; commits per batch."""
    run = _Run(now, "retention", dry_run)
    for batch in scope.chunks(sorted(set(issue_ids)), BATCH):
        _erase_conversations(run, batch, classes=TEXT_CLASSES)
        run.commit()
    return run.result()


def _erase_orders(run: _Run, order_ids: list[int]) -> None:
    shipments = scope.shipment_ids(order_ids)
    forms = scope.order_forms(order_ids)
    issues = scope.order_issue_ids(order_ids, forms)
    ratings = scope.order_rating_ids(order_ids, forms)
    for query in scope.order_rows(order_ids, shipments, issues).values():
        run.scrub(db.session.scalars(query), account_id=_account_of)
    if shipments:  # labels are copies the carrier can print again: the rows go
        deleted = db.session.execute(delete(ShipmentLabel).where(ShipmentLabel.shipment_id.in_(shipments)))
        run.counts["shipment_label"] += deleted.rowcount or 0
    _erase_conversations(run, issues, classes=BUYER_CLASSES)
    _erase_ratings(run, ratings)
    targets: dict[int, list[str]] = {}
    for account_id, allegro_id in forms:
        targets.setdefault(account_id, []).append(allegro_id)
    for account_id, extra in _targets(issues, ratings, by_account=True).items():
        targets.setdefault(account_id, []).extend(extra)
    _outbox_and_quarantine(run, targets)
    _register_orders(run, forms)


def _erase_conversations(run: _Run, issue_ids: Collection[int], *, classes) -> None:
    if not issue_ids:
        return
    ids = sorted(issue_ids)
    issues = list(db.session.scalars(select(Issue).where(Issue.id.in_(ids))))
    run.scrub(issues, account_id=_account_of, classes=classes)
    accounts = {issue.id: issue.account_id for issue in issues}
    for model in (IssueMessage, IssueNote, ReplyFile):
        rows = db.session.scalars(select(model).where(model.issue_id.in_(ids)))
        run.scrub(rows, account_id=lambda row: accounts[row.issue_id], classes=classes)


def _erase_ratings(run: _Run, rating_ids: Collection[int]) -> None:
    if not rating_ids:
        return
    ratings = list(db.session.scalars(select(Rating).where(Rating.id.in_(sorted(rating_ids)))))
    run.scrub(ratings, account_id=_account_of)
    drafts = db.session.scalars(select(RatingDraft).where(RatingDraft.rating_id.in_(sorted(rating_ids))))
    run.scrub(drafts, account_id=0)


def _targets(issue_ids, rating_ids, *, by_account: bool = False):
    """Allegro ids the outbox and the quarantine know these conversations and ratings by."""
    rows = []
    if issue_ids:
        query = select(Issue.account_id, Issue.allegro_id).where(Issue.id.in_(issue_ids))
        rows += db.session.execute(query).all()
    if rating_ids:
        query = select(Rating.account_id, Rating.allegro_id).where(Rating.id.in_(rating_ids))
        rows += db.session.execute(query).all()
    if not by_account:
        return [allegro_id for _account, allegro_id in rows]
    found: dict[int, list[str]] = {}
    for account_id, allegro_id in rows:
        found.setdefault(account_id, []).append(allegro_id)
    return found


def _outbox_and_quarantine(run: _Run, targets: dict[int, list[str]], extra: dict | None = None) -> None:
    """Write-backs about these Allegro ids: texts scrubbed, the live ones cancelled with the reason;
    quarantined records of them (or naming the buyer, `extra`) scrubbed."""
    for account_id, ids in targets.items():
        ids = sorted(set(ids))
        if ids:
            query = select(OutboxMessage).where(
                OutboxMessage.account_id == account_id, OutboxMessage.target_id.in_(ids)
            )
            for message in db.session.scalars(query):
                _cancel(run, message, account_id)
        _scrub_quarantine(run, account_id, ids, (extra or {}).get(account_id, ()))


def _cancel(run: _Run, message: OutboxMessage, account_id: int) -> None:
    changed = scrub_row(message, account_id=account_id, now=run.now)
    if message.state in LIVE_OUTBOX:
        message.state = OutboxState.FAILED
        message.last_error_code = CANCELLED_CODE
        message.last_error = f"{text_marker(run.now)} {run.reason}"  # a marker: a rerun leaves it
        message.next_attempt_at = None
        run.counts["outbox_cancelled"] += 1
        changed = True
    if changed:
        run.counts["outbox_message"] += 1


def _scrub_quarantine(run: _Run, account_id: int, ids: list[str], names: Collection[str]) -> None:
    conditions = [QuarantinedRecord.allegro_id.in_(ids)] if ids else []
    conditions += [QuarantinedRecord.raw.contains(name, autoescape=True) for name in names if name]
    if not conditions:
        return
    query = select(QuarantinedRecord).where(QuarantinedRecord.account_id == account_id, or_(*conditions))
    run.scrub(db.session.scalars(query), account_id=account_id)


def _register_orders(run: _Run, forms: list[tuple[int, str]]) -> None:
    """The orders into the registry: one read of those already there, one insert of the rest."""
    if not forms:
        return
    query = select(ErasedOrder.account_id, ErasedOrder.allegro_id).where(
        *scope.pair_lists(ErasedOrder.account_id, ErasedOrder.allegro_id, forms)
    )
    known = {tuple(row) for row in db.session.execute(query)}  # crossed pairs fall out below
    new = [{"account_id": account_id, "allegro_id": allegro_id, "erased_at": run.now, "reason": run.reason}
           for account_id, allegro_id in sorted(set(forms) - known)]
    if new:
        db.session.execute(insert(ErasedOrder), new)
        run.counts["erased_order"] += len(new)


def _register_buyer(run: _Run, account_id: int, buyer_id: str, logins: Collection[str]) -> None:
    entries = [(BUYER_ID, buyer_pseudonym(account_id, buyer_id))]
    entries += [(BUYER_LOGIN, login_pseudonym(account_id, login)) for login in sorted(logins)]
    pairs = tuple_(ErasedBuyer.kind, ErasedBuyer.pseudonym)
    known = {tuple(row) for row in db.session.execute(
        select(ErasedBuyer.kind, ErasedBuyer.pseudonym).where(
            ErasedBuyer.account_id == account_id, pairs.in_(entries))
    )}
    new = [{"account_id": account_id, "kind": kind, "pseudonym": digest, "erased_at": run.now,
            "reason": run.reason} for kind, digest in entries if (kind, digest) not in known]
    if new:
        db.session.execute(insert(ErasedBuyer), new)
        run.counts["erased_buyer"] += len(new)


def _account_of(row) -> int:
    return getattr(row, "account_id", None) or 0
