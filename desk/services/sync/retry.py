"""The sync page's quarantine: the records set aside, and retrying them.

A retry reads the record from Allegro again and stores it through its area's own sync code,
under the account's sync lease (so it never races a running sync). A record Allegro no longer has
is resolved as gone.
"""

from __future__ import annotations

import enum
import json
import logging
from collections.abc import Callable

from sqlalchemy import select

from desk.extensions import db
from desk.models import QuarantinedRecord
from desk.orm import utcnow
from desk.services.errors import N_, DeskError, NotFoundError
from desk.services.issues.sync import sync_issue
from desk.services.issues.threads.sync import sync_thread
from desk.services.orders.sync import sync_order
from desk.services.ports import AllegroGateway
from desk.services.ratings.sync import sync_rating
from desk.services.shared.quarantine import resolve
from desk.services.sync.lease import acquire_lease, lease_of, release_lease
from desk.services.sync.runner import SyncBusy, default_holder
from integrations.allegro import AllegroClient, AllegroError, NotFound

log = logging.getLogger(__name__)
RETRY_LEASE_SECONDS = 120
LISTED = 200  # open records shown on the sync page


class RetryOutcome(enum.StrEnum):
    STORED = "stored"  # read and stored: resolved
    STILL_BAD = "still_bad"  # set aside again, with the new error
    GONE = "gone"  # Allegro no longer has it: resolved


def open_records(account_ids: set[int] | None, *, limit: int = LISTED) -> list[QuarantinedRecord]:
    """Records still set aside, newest seen first, of these accounts (None: every account)."""
    query = (
        select(QuarantinedRecord)
        .where(QuarantinedRecord.resolved_at.is_(None))
        .order_by(QuarantinedRecord.last_seen_at.desc(), QuarantinedRecord.id.desc())
        .limit(limit)
    )
    if account_ids is not None:
        query = query.where(QuarantinedRecord.account_id.in_(account_ids))
    return list(db.session.scalars(query))


def get_record(record_id: int) -> QuarantinedRecord:
    """One quarantined record; NotFoundError when there is none."""
    record = db.session.get(QuarantinedRecord, record_id)
    if record is None:
        raise NotFoundError(N_("There is no such set-aside record."))
    return record


def retry_record(gateway: AllegroGateway, record_id: int, *, holder: str | None = None) -> RetryOutcome:
    """Read a set-aside record from Allegro again and store it. Commits.

    Raises NotFoundError for an unknown record, SyncBusy while the account is being synced, and
    DeskError when Allegro cannot be asked now (the record stays as it was).
    """
    record = get_record(record_id)
    if record.resolved_at is not None:
        return RetryOutcome(record.resolution) if record.resolution == "gone" else RetryOutcome.STORED
    account_id = record.account_id
    holder = holder or default_holder()
    if not acquire_lease(account_id, holder, ttl_seconds=RETRY_LEASE_SECONDS):
        lease = lease_of(account_id)
        raise SyncBusy(account_id, lease.holder, lease.acquired_at, lease.expires_at)
    try:
        return _retry(gateway.client_for(account_id), record)
    except AllegroError as exc:
        log.info("retry of set-aside %s %s failed: %s", record.kind, record.allegro_id, exc)
        raise DeskError(N_("Allegro could not be asked for this record now. Try again in a moment.")) from exc
    finally:
        db.session.rollback()  # nothing half-done stays in the session when the retry failed
        release_lease(account_id, holder)


def _retry(client: AllegroClient, record: QuarantinedRecord) -> RetryOutcome:
    account_id, kind, key = record.account_id, record.kind, record.record_key
    target = _target_id(record)
    if target is None:
        return RetryOutcome.STILL_BAD  # nothing says which record it was: only Allegro can fix it
    try:
        stored = RETRIES[kind](client, account_id, target)
    except NotFound:
        resolve(account_id, [kind], [key], resolution="gone")
        db.session.commit()
        log.info("set-aside %s %s of account %s is gone from Allegro", kind, target, account_id)
        return RetryOutcome.GONE
    if stored and kind == "order_event":  # the event's order is stored: the event has done its job
        resolve(account_id, [kind], [key], resolution="stored")
    db.session.commit()
    return RetryOutcome.STORED if stored else RetryOutcome.STILL_BAD


def _target_id(record: QuarantinedRecord) -> str | None:
    """Which Allegro record to read: the record's own id, or for an event the order it names."""
    if record.kind != "order_event":
        return record.allegro_id
    try:
        event = json.loads(record.raw)
        form_id = event["order"]["checkoutForm"]["id"]
    except (ValueError, KeyError, TypeError):
        return None
    return form_id if isinstance(form_id, str) and form_id else None


def _order(client: AllegroClient, account_id: int, form_id: str) -> bool:
    stored = sync_order(client, account_id, form_id)
    db.session.commit()
    return stored


def _issue(client: AllegroClient, account_id: int, issue_id: str) -> bool:
    return sync_issue(client, account_id, issue_id, now=utcnow())


def _thread(client: AllegroClient, account_id: int, thread_id: str) -> bool:
    return sync_thread(client, account_id, thread_id, now=utcnow())


def _rating(client: AllegroClient, account_id: int, rating_id: str) -> bool:
    return sync_rating(client, account_id, rating_id, now=utcnow())


RETRIES: dict[str, Callable[[AllegroClient, int, str], bool]] = {
    "checkout_form": _order,
    "order_event": _order,
    "issue": _issue,
    "issue_chat": _issue,
    "thread": _thread,
    "thread_messages": _thread,
    "rating": _rating,
}
