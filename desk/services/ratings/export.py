"""CSV export of the filtered ratings list, streamed row by row (Excel-friendly for Polish users)."""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator, Mapping
from zoneinfo import ZoneInfo

from sqlalchemy import select

from desk.extensions import db
from desk.models import Order, SellerAccount
from desk.models.rating import Rating
from desk.orm import utcnow
from desk.services.ratings.listing import RatingFilters, filtered

WARSAW = ZoneInfo("Europe/Warsaw")
BATCH = 1000
# Column keys in order; the caller gives their (translated) headings.
COLUMNS = (
    "rated_at", "account", "buyer_login", "recommended", "comment", "rate_delivery", "rate_delivery_cost",
    "rate_description", "rate_service", "order", "offers", "answer", "answered_at", "removal_possible_to",
    "removal_requested_at", "removal_outcome", "excluded", "excluded_reason", "allegro_id",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _time(value: dt.datetime | None) -> str:
    return value.astimezone(WARSAW).strftime("%Y-%m-%d %H:%M") if value else ""


def _cell(value) -> str:
    """Text as typed, but never a formula when the sheet opens (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def export_csv(
    *, filters: RatingFilters, account_ids: set[int] | None, headings: Mapping[str, str],
    words: Mapping[str, str], now: dt.datetime | None = None,
) -> Iterator[str]:
    """CSV chunks (UTF-8 with BOM, ';'-separated) of every rating the filters select, newest first.

    `words` translates yes/no and removal outcomes ("yes", "no", "none", "pending", ...).
    """
    query = filtered(filters, account_ids, now=now or utcnow())
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([headings.get(c, c) for c in COLUMNS])
    yield "\ufeff" + _take(buffer)
    if query is None:
        return
    names = dict(db.session.execute(select(SellerAccount.id, SellerAccount.name)).all())
    query = (
        query.outerjoin(Order, Order.id == Rating.order_id)
        .add_columns(Order.allegro_id)
        .order_by(Rating.rated_at.desc(), Rating.id.desc())
        .execution_options(yield_per=BATCH)
    )
    for count, (rating, order_number) in enumerate(db.session.execute(query), start=1):
        writer.writerow(_cell(v) for v in _values(rating, order_number, names, words))
        if count % 200 == 0:
            yield _take(buffer)
    yield _take(buffer)


def exported_ratings(
    *, filters: RatingFilters, account_ids: set[int] | None, now: dt.datetime | None = None
) -> list[tuple[int, int, str | None]]:
    """(rating id, account id, buyer's Allegro id) of every rating `export_csv` writes for the same
    filters: the access log records the export before it streams."""
    query = filtered(filters, account_ids, now=now or utcnow())
    if query is None:
        return []
    rows = db.session.execute(
        query.with_only_columns(Rating.id, Rating.account_id, Rating.buyer_allegro_id).order_by(None)
    )
    return [tuple(row) for row in rows]


def _values(rating: Rating, order_number: str | None, names: Mapping[int, str], words) -> list:
    yes, no = words.get("yes", "yes"), words.get("no", "no")
    return [
        _time(rating.rated_at),
        names.get(rating.account_id, ""),
        rating.buyer_login,
        yes if rating.recommended else no,
        rating.comment,
        rating.rate_delivery,
        rating.rate_delivery_cost,
        rating.rate_description,
        rating.rate_service,
        order_number or rating.checkout_form_id,
        " | ".join(o.get("title", "") for o in rating.offers or []),
        rating.answer_text,
        _time(rating.answered_at),
        _time(rating.removal_possible_to),
        _time(rating.removal_requested_at),
        words.get(rating.removal_outcome.value, rating.removal_outcome.value),
        yes if rating.excluded else no,
        rating.excluded_reason,
        rating.allegro_id,
    ]


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
