"""The ratings desk: filtered keyset pages with the whole story of each rating, the alert queue, templates.

Every function takes `account_ids`, the seller accounts the caller may see (None means all);
a rating of another account behaves exactly like a missing one.
"""
from __future__ import annotations

import base64
import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import Select, false, func, select, true, tuple_, update
from sqlalchemy.orm import selectinload

from desk.extensions import db
from desk.models import Order, OrderLine, OutboxMessage, OutboxState, SellerAccount
from desk.models.rating import DraftKind, DraftState, Rating, RatingDraft, RatingTemplate, RemovalOutcome
from desk.orm import utcnow
from desk.services.errors import N_, ConflictError, NotFoundError, ValidationError
from desk.services.ratings.actions import visible_rating

WARSAW = ZoneInfo("Europe/Warsaw")
MAX_PAGE = 200
REMOVAL_FILTERS = ("possible", "requested", "pending", "removed", "refused")
TEMPLATE_NAME_MAX = 80
TEMPLATE_BODY_MAX = 2000
PLACEHOLDERS = ("{buyer_login}", "{order_number}")
TRACKING_KIND = "tracking_number"  # the orders desk's outbox kind: waybills added by agents
# What a story shows of the buyer's discussions and claims (plain values, one query per page).
_ISSUE_COLUMNS = ("id", "account_id", "buyer_login", "type", "reference_number", "allegro_id", "status")


@dataclass(frozen=True)
class RatingFilters:
    """What the ratings list is narrowed to. Dates are days in Europe/Warsaw, both inclusive."""

    account_id: int | None = None
    recommended: bool | None = None
    unanswered: bool = False
    removal: str | None = None  # one of REMOVAL_FILTERS
    new_only: bool = False  # the queue of new negative ratings
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    buyer: str = ""  # buyer login, exact


@dataclass(frozen=True, slots=True)
class StoryOrder:
    """What a rating's story shows of its order: plain values read in one query, not an entity."""

    id: int
    allegro_id: str
    bought_at: dt.datetime | None
    total_amount: Decimal
    currency: str
    delivery_method_name: str | None
    fulfillment_status: str | None


_STORY_ORDER_COLUMNS = tuple(getattr(Order, name) for name in StoryOrder.__dataclass_fields__)


@dataclass(frozen=True)
class Story:
    """What surrounds a rating: its order, the parcel and the buyer's discussions or claims."""

    order: StoryOrder | None = None
    first_item: str | None = None
    more_items: int = 0
    waybills: list[str] = field(default_factory=list)
    issues: list = field(default_factory=list)  # rows of _ISSUE_COLUMNS when the issues area is installed


@dataclass(frozen=True)
class RatingRow:
    rating: Rating
    account_name: str
    story: Story
    pending_draft: RatingDraft | None = None  # an answer waiting for approval or being sent


@dataclass(frozen=True)
class RatingPage:
    rows: list[RatingRow]
    next_cursor: str | None
    prev_cursor: str | None


def filtered(filters: RatingFilters, account_ids: set[int] | None, *, now: dt.datetime) -> Select | None:
    """The filtered query (no order), or None when the caller can see none of the accounts asked for."""
    query = select(Rating)
    if filters.account_id is not None:
        if account_ids is not None and filters.account_id not in account_ids:
            return None
        query = query.where(Rating.account_id == filters.account_id)
    elif account_ids is not None:
        if not account_ids:
            return None
        query = query.where(Rating.account_id.in_(sorted(account_ids)))
    if filters.recommended is not None:
        query = query.where(Rating.recommended == (true() if filters.recommended else false()))
    if filters.unanswered:
        query = query.where(Rating.answer_text.is_(None))
    if filters.new_only:
        query = query.where(Rating.is_new_negative == true())
    if filters.buyer:
        query = query.where(Rating.buyer_login == filters.buyer)
    if filters.removal:
        query = query.where(*_removal_condition(filters.removal, now))
    if filters.date_from:
        query = query.where(Rating.rated_at >= warsaw_midnight(filters.date_from))
    if filters.date_to:
        query = query.where(Rating.rated_at < warsaw_midnight(filters.date_to + dt.timedelta(days=1)))
    return query


def _removal_condition(name: str, now: dt.datetime) -> list:
    if name == "possible":
        return [Rating.removal_requested_at.is_(None), Rating.removal_possible_to >= now]
    if name == "requested":
        return [Rating.removal_requested_at.is_not(None)]
    outcome = {"pending": RemovalOutcome.PENDING, "removed": RemovalOutcome.REMOVED,
               "refused": RemovalOutcome.REFUSED}.get(name)
    return [Rating.removal_outcome == outcome] if outcome else []


def warsaw_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=WARSAW).astimezone(dt.UTC)


def list_ratings(
    *, filters: RatingFilters, account_ids: set[int] | None, after: str | None = None, limit: int = 50,
    now: dt.datetime | None = None,
) -> RatingPage:
    """One page of ratings, newest first, after the opaque cursor `after` (keyset, never OFFSET)."""
    limit = max(1, min(limit, MAX_PAGE))
    base = filtered(filters, account_ids, now=now or utcnow())
    if base is None:
        return RatingPage([], None, None)
    cursor = _decode(after)
    backward = cursor is not None and cursor[0]
    query = base
    keys = tuple_(Rating.rated_at, Rating.id)
    if cursor is not None:
        query = query.where(keys > (cursor[1], cursor[2]) if backward else keys < (cursor[1], cursor[2]))
    if backward:
        order = (Rating.rated_at.asc(), Rating.id.asc())
    else:
        order = (Rating.rated_at.desc(), Rating.id.desc())
    found = list(db.session.scalars(query.order_by(*order).limit(limit + 1)))
    if backward:
        if len(found) <= limit:  # nothing newer than these: the true first page
            return list_ratings(filters=filters, account_ids=account_ids, limit=limit, now=now)
        found, has_prev, has_next = found[:limit][::-1], True, True
    else:
        found, has_prev, has_next = found[:limit], cursor is not None, len(found) > limit
    return RatingPage(
        rows=rows_for(found),
        next_cursor=_encode(False, found[-1]) if has_next and found else None,
        prev_cursor=_encode(True, found[0]) if has_prev and found else None,
    )


def _encode(backward: bool, rating: Rating) -> str:
    raw = json.dumps([backward, rating.rated_at.isoformat(), rating.id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(token: str | None) -> tuple[bool, dt.datetime, int] | None:
    """The cursor, or None (the first page) for a missing or damaged one."""
    if not token:
        return None
    try:
        backward, text, rating_id = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        moment = dt.datetime.fromisoformat(text)
    except (ValueError, TypeError):
        return None
    if moment.tzinfo is None or not isinstance(rating_id, int):
        return None
    return bool(backward), moment, rating_id


# --- the story around each rating ---------------------------------------------------------------


def rows_for(ratings: list[Rating]) -> list[RatingRow]:
    """Rows with account names, orders, parcels, issues and drafts: a few queries per page, not per row."""
    if not ratings:
        return []
    names = dict(db.session.execute(select(SellerAccount.id, SellerAccount.name)).all())
    stories = stories_for(ratings)
    drafts = _open_drafts([r.id for r in ratings])
    return [RatingRow(r, names.get(r.account_id, "?"), stories[r.id], drafts.get(r.id)) for r in ratings]


def stories_for(ratings: list[Rating]) -> dict[int, Story]:
    order_ids = {r.order_id for r in ratings if r.order_id}
    orders = {}
    if order_ids:
        query = select(*_STORY_ORDER_COLUMNS).where(Order.id.in_(order_ids))
        orders = {row.id: StoryOrder(*row) for row in db.session.execute(query)}
    lines: dict[int, list[str]] = {order_id: [] for order_id in orders}
    if orders:
        query = select(OrderLine.order_id, OrderLine.offer_name).where(OrderLine.order_id.in_(orders))
        for order_id, name in db.session.execute(query.order_by(OrderLine.id)):
            lines[order_id].append(name)
    waybills = _waybills(orders.values())
    issues = _buyer_issues(ratings)
    stories = {}
    for rating in ratings:
        order = orders.get(rating.order_id)
        names = lines.get(rating.order_id, [])
        stories[rating.id] = Story(
            order=order,
            first_item=names[0] if names else None,
            more_items=max(len(names) - 1, 0),
            waybills=waybills.get(order.allegro_id, []) if order else [],
            issues=issues.get((rating.account_id, rating.buyer_login), []),
        )
    return stories


def _waybills(orders: Iterable[StoryOrder]) -> dict[str, list[str]]:
    """Tracking numbers the desk sent to Allegro for these orders."""
    form_ids = sorted({o.allegro_id for o in orders})
    if not form_ids:
        return {}
    query = select(OutboxMessage.target_id, OutboxMessage.payload).where(
        OutboxMessage.kind == TRACKING_KIND,
        OutboxMessage.state == OutboxState.SENT,
        OutboxMessage.target_id.in_(form_ids),
    )
    found: dict[str, list[str]] = {}
    for form_id, payload in db.session.execute(query.order_by(OutboxMessage.id)):
        text = f"{payload.get('carrier_id', '')} {payload.get('waybill', '')}".strip()
        found.setdefault(form_id, []).append(text)
    return found


def issue_model():
    """The issues area's model, when that area is installed (ratings work without it)."""
    from desk.models import issue

    model = getattr(issue, "Issue", None)
    return model if model is not None and hasattr(model, "account_id") else None


def _buyer_issues(ratings: list[Rating]) -> dict[tuple[int, str | None], list]:
    """Discussions and claims of the same buyers, keyed by (account, buyer login)."""
    model = issue_model()
    column = getattr(model, "buyer_login", None) if model is not None else None
    logins = sorted({r.buyer_login for r in ratings if r.buyer_login})
    if column is None or not logins:
        return {}
    accounts = sorted({r.account_id for r in ratings})
    columns = [getattr(model, name) for name in _ISSUE_COLUMNS]
    query = select(*columns).where(model.account_id.in_(accounts), column.in_(logins))
    found: dict[tuple[int, str | None], list] = {}
    for issue in db.session.execute(query.order_by(model.id.desc()).limit(500)):
        found.setdefault((issue.account_id, issue.buyer_login), []).append(issue)
    return found


def _open_drafts(rating_ids: list[int]) -> dict[int, RatingDraft]:
    query = (
        select(RatingDraft)
        .where(RatingDraft.rating_id.in_(rating_ids), RatingDraft.kind == DraftKind.ANSWER)
        .where(RatingDraft.state.in_((DraftState.PROPOSED, DraftState.QUEUED)))
        .options(selectinload(RatingDraft.message))
        .order_by(RatingDraft.id)
    )
    found = {}
    for draft in db.session.scalars(query):
        unsent = draft.message is not None and draft.message.state is not OutboxState.SENT
        if draft.state is DraftState.PROPOSED or unsent:
            found[draft.rating_id] = draft
    return found


@dataclass(frozen=True)
class RatingDetail:
    rating: Rating
    account: SellerAccount
    story: Story
    drafts: list[RatingDraft]  # newest first
    other_ratings: list[Rating]  # the same buyer's other ratings of this account


def rating_detail(rating_id: int, account_ids: set[int] | None) -> RatingDetail:
    """Everything the rating page shows; NotFoundError for a missing or invisible rating."""
    rating = visible_rating(rating_id, account_ids)
    drafts = db.session.scalars(
        select(RatingDraft)
        .where(RatingDraft.rating_id == rating.id)
        .options(selectinload(RatingDraft.message), selectinload(RatingDraft.author))
        .order_by(RatingDraft.id.desc())
    ).all()
    others = []
    if rating.buyer_allegro_id:
        others = db.session.scalars(
            select(Rating)
            .where(Rating.account_id == rating.account_id, Rating.buyer_allegro_id == rating.buyer_allegro_id,
                   Rating.id != rating.id)
            .order_by(Rating.rated_at.desc())
            .limit(20)
        ).all()
    return RatingDetail(
        rating, db.session.get(SellerAccount, rating.account_id), stories_for([rating])[rating.id],
        list(drafts), list(others),
    )


def order_lines(order_id: int | None) -> list[OrderLine]:
    if order_id is None:
        return []
    query = select(OrderLine).where(OrderLine.order_id == order_id).order_by(OrderLine.id)
    return list(db.session.scalars(query))


# --- the alert queue ----------------------------------------------------------------------------


def new_negative_count(account_ids: set[int] | None) -> int:
    """How many negative ratings nobody has acknowledged yet (the badge)."""
    query = select(func.count()).select_from(Rating).where(Rating.is_new_negative == true())
    if account_ids is not None:
        if not account_ids:
            return 0
        query = query.where(Rating.account_id.in_(sorted(account_ids)))
    return db.session.scalar(query) or 0


def acknowledge(rating_ids: Iterable[int], *, agent_id: int, account_ids: set[int] | None,
                now: dt.datetime | None = None) -> int:
    """Take ratings off the new-negative queue (someone has seen them). Commits; returns how many."""
    ids = sorted(set(rating_ids))
    if not ids:
        return 0
    query = (
        update(Rating)
        .where(Rating.id.in_(ids), Rating.is_new_negative == true())
        .values(is_new_negative=False, acknowledged_at=now or utcnow(), acknowledged_by=agent_id)
        .execution_options(synchronize_session=False)
    )
    if account_ids is not None:
        query = query.where(Rating.account_id.in_(sorted(account_ids) or [-1]))
    count = db.session.execute(query).rowcount or 0
    db.session.commit()
    return count


# --- approvals ----------------------------------------------------------------------------------


def proposed_drafts(account_ids: set[int] | None) -> list[RatingDraft]:
    """Answers waiting for an owner's approval, oldest first."""
    query = (
        select(RatingDraft)
        .join(Rating)
        .where(RatingDraft.state == DraftState.PROPOSED)
        .options(selectinload(RatingDraft.rating), selectinload(RatingDraft.author))
        .order_by(RatingDraft.id)
    )
    if account_ids is not None:
        query = query.where(Rating.account_id.in_(sorted(account_ids) or [-1]))
    return list(db.session.scalars(query))


# --- templates ----------------------------------------------------------------------------------


def list_templates(kind: DraftKind | None = None) -> list[RatingTemplate]:
    query = select(RatingTemplate).order_by(RatingTemplate.kind, RatingTemplate.name)
    if kind is not None:
        query = query.where(RatingTemplate.kind == kind)
    return list(db.session.scalars(query))


def save_template(
    *, template_id: int | None, kind: str, name: str, body: str, agent_id: int | None
) -> RatingTemplate:
    """Create or change a template (plain text; placeholders are filled when it is used). Commits."""
    try:
        kind_value = DraftKind(kind)
    except ValueError:
        raise ValidationError(N_("Choose what the template is for.")) from None
    name = " ".join((name or "").split())
    body = (body or "").replace("\r\n", "\n").strip()
    if not 1 <= len(name) <= TEMPLATE_NAME_MAX:
        raise ValidationError(N_("The name must have 1 to %(max)d characters."), max=TEMPLATE_NAME_MAX)
    if not body or len(body) > TEMPLATE_BODY_MAX:
        raise ValidationError(N_("The text must have 1 to %(max)d characters."), max=TEMPLATE_BODY_MAX)
    unknown = set(re.findall(r"\{[^{}]*\}", body)) - set(PLACEHOLDERS)
    if unknown:
        raise ValidationError(
            N_("Unknown placeholder %(name)s; use {buyer_login} or {order_number}."), name=sorted(unknown)[0]
        )
    if template_id is None:
        template = RatingTemplate(created_by=agent_id)
    else:
        template = db.session.get(RatingTemplate, template_id)
    if template is None:
        raise NotFoundError(N_("Template not found."))
    clash = db.session.scalar(
        select(RatingTemplate.id).where(RatingTemplate.kind == kind_value, RatingTemplate.name == name)
    )
    if clash is not None and clash != template.id:
        raise ConflictError(N_("A template named %(name)s already exists."), name=name)
    template.kind, template.name, template.body = kind_value, name, body
    if template_id is None:
        db.session.add(template)
    else:
        template.updated_at = utcnow()
    db.session.commit()
    return template


def delete_template(template_id: int) -> None:
    template = db.session.get(RatingTemplate, template_id)
    if template is None:
        raise NotFoundError(N_("Template not found."))
    db.session.delete(template)
    db.session.commit()


def fill_template(body: str, rating: Rating, order: StoryOrder | Order | None) -> str:
    """The template's text for this rating: only the two known placeholders are replaced."""
    number = order.allegro_id if order else (rating.checkout_form_id or "")
    return body.replace("{buyer_login}", rating.buyer_login or "").replace("{order_number}", number)
