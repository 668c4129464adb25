"""Rating sync for one seller account: `/sale/user-ratings` by lastChangedAt, newest first.

Allegro lists ratings changed since a moment, newest first, at most 20 000 deep. A pass reads
from the stored watermark (minus an overlap margin) down; when the offset would pass 20 000 the
window is narrowed (`lastChangedAt.lte` = the oldest change seen) and the offset starts again.
Each page is applied and its position saved in one commit, so a killed sync resumes mid-pass;
the watermark moves only when a pass is complete. The caller holds the account's sync lease.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import or_, select

from desk.extensions import db
from desk.models.rating import Rating, RemovalOutcome
from desk.services.ratings import rollup as rating_rollup
from desk.services.ratings.store import Outcome, link_orders, mark_removed, upsert_ratings
from desk.services.shared.cursors import get_cursor, has_cursor, set_cursor
from desk.services.shared.quarantine import Quarantine, store_each
from integrations.allegro import AllegroClient, NotFound, RatingPage, UnreadableRecord

if TYPE_CHECKING:  # the DTO is only named in annotations
    from integrations.allegro import Rating as RatingDTO

WATERMARK_FEED = "ratings"  # the newest lastChangedAt of the last complete pass (ISO), "" = none yet
WINDOW_FEED = "ratings_window"  # an unfinished pass: "top_ms|lte_ms|offset", "" = none
SWEEP_FEED = "ratings_sweep"  # when recent ratings were last re-read in full (ISO)
MS = dt.timedelta(milliseconds=1)
STEP = "ratings"  # the sync step these records belong to (quarantine)


@dataclass(frozen=True)
class RatingSyncSettings:
    """Tunables of the rating sync (tests shrink the page and the offset limit)."""

    page_size: int = 100
    max_offset: int = 20_000  # Allegro refuses a deeper offset
    overlap: dt.timedelta = dt.timedelta(minutes=15)  # re-read changes near the watermark (clock skew)
    removal_checks: int = 50  # requested removals re-read per sync
    removal_check_every: dt.timedelta = dt.timedelta(minutes=30)
    sweep_days: int = 30  # how far back the periodic re-read goes
    sweep_every: dt.timedelta = dt.timedelta(hours=6)
    on_page: Callable[[], None] = lambda: None  # renews the lease; called before each commit


@dataclass
class RatingSyncStats:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0  # ratings set aside (unreadable, or refused by the store)
    new_negatives: int = 0
    removed: int = 0
    linked: int = 0
    pages: int = 0

    def count(self, outcomes: list[Outcome]) -> None:
        self.created += outcomes.count(Outcome.CREATED)
        self.updated += outcomes.count(Outcome.UPDATED)
        self.unchanged += outcomes.count(Outcome.UNCHANGED)


def sync_ratings(
    client: AllegroClient, account_id: int, *, now: dt.datetime, settings: RatingSyncSettings | None = None
) -> RatingSyncStats:
    """Apply every rating changed since the last sync, settle requested removals and, now and
    then, re-read recent ratings (exclusions and removals do not move lastChangedAt). Commits."""
    settings = settings or RatingSyncSettings()
    stats = RatingSyncStats()
    pass_ = _Pass(client, account_id, stats, Quarantine(account_id, STEP), now)
    initial = not has_cursor(account_id, WATERMARK_FEED)
    _changes(pass_, initial=initial, settings=settings)
    _settle_removals(pass_, settings=settings)
    last_sweep = _parse_time(get_cursor(account_id, SWEEP_FEED))
    if initial:
        set_cursor(account_id, SWEEP_FEED, now.isoformat())
    elif last_sweep is None or now - last_sweep >= settings.sweep_every:
        _sweep(pass_, settings=settings)
        set_cursor(account_id, SWEEP_FEED, now.isoformat())
    stats.linked = link_orders(account_id)
    stats.quarantined = pass_.quarantine.added
    settings.on_page()
    db.session.commit()
    return stats


@dataclass(frozen=True)
class _Pass:
    """What every part of one rating sync works with."""

    client: AllegroClient
    account_id: int
    stats: RatingSyncStats
    quarantine: Quarantine
    now: dt.datetime


def _changes(pass_: _Pass, *, initial: bool, settings: RatingSyncSettings) -> None:
    """The incremental pass from the watermark; each page and its position in one commit."""
    account_id, stats = pass_.account_id, pass_.stats
    watermark = _parse_time(get_cursor(account_id, WATERMARK_FEED))
    gte = watermark - settings.overlap if watermark else None
    top, lte, offset = _parse_window(get_cursor(account_id, WINDOW_FEED))
    while True:
        page = pass_.client.list_ratings(
            offset=offset, limit=settings.page_size, last_changed_gte=gte, last_changed_lte=lte
        )
        stats.pages += 1
        if page.ratings and top is None:
            top = _changed(page.ratings[0])
        _apply(pass_, page, initial=initial)
        full = page.size >= settings.page_size
        if full:
            lte, offset = _next_window(lte, offset, page, settings)
            set_cursor(account_id, WINDOW_FEED, _window(top, lte, offset))
        else:
            newest = max(filter(None, (top, watermark)), default=None)
            set_cursor(account_id, WATERMARK_FEED, newest.isoformat() if newest else "")
            set_cursor(account_id, WINDOW_FEED, "")
        settings.on_page()
        db.session.commit()
        if not full:
            return


def _sweep(pass_: _Pass, *, settings: RatingSyncSettings) -> None:
    """Re-read every rating changed in the last `sweep_days`; one missing from Allegro is confirmed
    gone with a 404 before it counts as removed."""
    client, account_id, stats, now = pass_.client, pass_.account_id, pass_.stats, pass_.now
    gte = now - dt.timedelta(days=settings.sweep_days)
    lte, offset, seen = None, 0, set()
    while True:
        page = client.list_ratings(
            offset=offset, limit=settings.page_size, last_changed_gte=gte, last_changed_lte=lte
        )
        stats.pages += 1
        seen.update(r.id for r in page.ratings)
        seen.update(record.allegro_id for record in page.rejected)  # not gone, only unreadable
        _apply(pass_, page, initial=False)
        settings.on_page()
        db.session.commit()
        if page.size < settings.page_size:
            break
        lte, offset = _next_window(lte, offset, page, settings)
    missing = db.session.scalars(
        select(Rating).where(
            Rating.account_id == account_id,
            Rating.last_changed_at >= gte + settings.overlap,
            Rating.removal_outcome != RemovalOutcome.REMOVED,
        )
    ).all()
    days = set()
    for row in missing:
        if row.allegro_id in seen:
            continue
        try:
            client.get_rating(row.allegro_id)
        except NotFound:
            if mark_removed(row, now):
                stats.removed += 1
                days.add(row.rated_on)
        except UnreadableRecord:
            pass  # it exists; what it says is for the next pass to read
    rating_rollup.refresh_days(account_id, days)


def _apply(pass_: _Pass, page: RatingPage, *, initial: bool) -> None:
    pass_.quarantine.reject_all(page.rejected)
    days = _store(pass_, list(page.ratings), initial=initial)
    rating_rollup.refresh_days(pass_.account_id, days)


def _store(pass_: _Pass, ratings: list[RatingDTO], *, initial: bool) -> set[dt.date]:
    """Store ratings, setting aside any the store refuses; returns the days whose statistics changed."""
    refused: set[str] = set()

    def store(batch):
        return [upsert_ratings(pass_.account_id, list(batch), now=pass_.now, initial=initial)]

    def refuse(dto: RatingDTO, exc: BaseException) -> None:
        refused.add(dto.id)
        pass_.quarantine.refuse("rating", dto.id, dto, exc)

    days: set[dt.date] = set()
    for outcomes, touched, negatives in store_each(ratings, store, refuse):
        pass_.stats.count(outcomes)
        pass_.stats.new_negatives += negatives
        days |= touched
    pass_.quarantine.stored("rating", (dto.id for dto in ratings if dto.id not in refused))
    return days


def _changed(rating: RatingDTO) -> dt.datetime:
    return rating.last_changed_at or rating.edited_at or rating.created_at


def _next_window(
    lte: dt.datetime | None, offset: int, page: RatingPage, settings: RatingSyncSettings
) -> tuple[dt.datetime | None, int]:
    """Where the next page starts: further down, or (past the offset limit) a narrower window."""
    following = offset + page.size
    if following <= settings.max_offset:
        return lte, following
    if not page.ratings:
        raise RuntimeError("a whole page of unreadable ratings at the offset limit; cannot page further")
    # Inclusive bound, one millisecond up: ratings sharing the oldest time on this page are read again.
    narrowed = _changed(page.ratings[-1]) + MS
    if lte is not None and narrowed >= lte:
        raise RuntimeError("more ratings share one lastChangedAt than Allegro lets us page through")
    return narrowed, 0


def _settle_removals(pass_: _Pass, *, settings: RatingSyncSettings) -> None:
    """Re-read ratings whose removal we requested: a 404 means the buyer removed it."""
    client, account_id, stats, now = pass_.client, pass_.account_id, pass_.stats, pass_.now
    due = db.session.scalars(
        select(Rating)
        .where(
            Rating.account_id == account_id,
            Rating.removal_outcome == RemovalOutcome.PENDING,
            or_(
                Rating.removal_checked_at.is_(None),
                Rating.removal_checked_at < now - settings.removal_check_every,
            ),
        )
        .order_by(Rating.removal_requested_at)
        .limit(settings.removal_checks)
    ).all()
    days = set()
    for row in due:
        try:
            dto = client.get_rating(row.allegro_id)
        except NotFound:
            if mark_removed(row, now):
                stats.removed += 1
                days.add(row.rated_on)
        except UnreadableRecord as exc:
            pass_.quarantine.reject(exc.record)
        else:
            days |= _store(pass_, [dto], initial=False)
        row.removal_checked_at = now
    rating_rollup.refresh_days(account_id, days)


def sync_rating(client: AllegroClient, account_id: int, rating_id: str, *, now: dt.datetime) -> bool:
    """Read one rating again and store it (a retry from the quarantine); commits.

    True when stored; False when set aside again. NotFound propagates.
    """
    pass_ = _Pass(client, account_id, RatingSyncStats(), Quarantine(account_id, STEP), now)
    try:
        dto = client.get_rating(rating_id)
    except UnreadableRecord as exc:
        pass_.quarantine.reject(exc.record)
    else:
        rating_rollup.refresh_days(account_id, _store(pass_, [dto], initial=False))
    db.session.commit()
    return pass_.quarantine.added == 0


def _window(top: dt.datetime | None, lte: dt.datetime | None, offset: int) -> str:
    return f"{_ms(top)}|{_ms(lte)}|{offset}"


def _parse_window(value: str | None) -> tuple[dt.datetime | None, dt.datetime | None, int]:
    if not value:
        return None, None, 0
    top, lte, offset = value.split("|")
    return _from_ms(top), _from_ms(lte), int(offset)


def _ms(moment: dt.datetime | None) -> str:
    return "" if moment is None else str(round(moment.timestamp() * 1000))


def _from_ms(text: str) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(int(text) / 1000, dt.UTC) if text else None


def _parse_time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None
