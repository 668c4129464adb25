"""Price lists: reading them, creating (new or as a copy from a date), closing, deleting, and editing
the rows and add-ons of a list that has not come into force yet.

History is never rewritten: a list that has started is read-only, and prices change through a new
list from a date (optionally closing the current one the day before).

Concurrent saves: before it checks for overlapping validity, a save takes a lock per owner (the public
list or one seller account) that lasts until its commit: on PostgreSQL a transaction-scoped advisory
lock (`pg_advisory_xact_lock`), so two agents saving lists of one owner at once are serialised and the
second sees the first's list. SQLite has one writer at a time, and a second writer that read before the
first committed fails its commit instead of writing an overlap. A database exclusion constraint would
need btree_gist on PostgreSQL and has no SQLite equivalent, so the lock is the one guard on both.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, or_, select, text

from desk.extensions import db
from desk.models import AddonPrice, PriceList, PriceRow, SellerAccount
from desk.models.pricing import DEFAULT_VAT_RATE
from desk.services.errors import N_, ConflictError, NotFoundError
from desk.services.shipping.pricing.validation import (
    REQUIRED,
    PriceFormError,
    Problem,
    addon_overlap,
    check_addon,
    check_row,
    parse_money,
    row_overlap,
)

LOCK_NAMESPACE = 48_117  # first key of the advisory lock: "price lists"; the second is the owner
NAME_MAX = 120
READ_ONLY = N_("This price list has already come into force and cannot be changed: create a new list "
               "from a date instead.")


@dataclass(frozen=True, slots=True)
class PriceListSummary:
    price_list: PriceList
    account_name: str | None
    row_count: int
    addon_count: int
    state: str  # planned | in_force | ended


def state_of(price_list: PriceList, today: dt.date) -> str:
    if price_list.valid_from > today:
        return "planned"
    if price_list.valid_to is not None and price_list.valid_to < today:
        return "ended"
    return "in_force"


def list_price_lists(*, account_ids: set[int] | None, today: dt.date) -> list[PriceListSummary]:
    """Public lists and the individual lists of the visible accounts (None: all), newest first."""
    rows = select(func.count(PriceRow.id)).where(PriceRow.list_id == PriceList.id).scalar_subquery()
    addons = select(func.count(AddonPrice.id)).where(AddonPrice.list_id == PriceList.id).scalar_subquery()
    query = (
        select(PriceList, SellerAccount.name, rows, addons)
        .outerjoin(SellerAccount, SellerAccount.id == PriceList.account_id)
        .order_by(PriceList.account_id.is_not(None), SellerAccount.name, PriceList.valid_from.desc())
    )
    if account_ids is not None:
        query = query.where(or_(PriceList.account_id.is_(None), PriceList.account_id.in_(account_ids)))
    return [PriceListSummary(pl, name, n_rows, n_addons, state_of(pl, today))
            for pl, name, n_rows, n_addons in db.session.execute(query)]


def get_price_list(list_id: int, *, account_ids: set[int] | None) -> PriceList:
    """The list, if the caller may see it (public, or of a visible account); NotFoundError otherwise."""
    price_list = db.session.get(PriceList, list_id)
    if price_list is None or not _visible(price_list.account_id, account_ids):
        raise NotFoundError(N_("No such price list."))
    return price_list


def _visible(account_id: int | None, account_ids: set[int] | None) -> bool:
    return account_id is None or account_ids is None or account_id in account_ids


def lock_owner(account_id: int | None) -> None:
    """Serialise saves of one owner's lists until the commit (PostgreSQL; see the module docstring)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:ns, :owner)"),
                           {"ns": LOCK_NAMESPACE, "owner": account_id or 0})


def check_no_overlap(account_id: int | None, start: dt.date, end: dt.date | None,
                     *, ignore_id: int | None = None) -> None:
    """ConflictError naming the list of the same owner whose validity meets [start, end]."""
    owner = PriceList.account_id.is_(None) if account_id is None else PriceList.account_id == account_id
    query = select(PriceList).where(owner, or_(PriceList.valid_to.is_(None), PriceList.valid_to >= start))
    if end is not None:
        query = query.where(PriceList.valid_from <= end)
    if ignore_id is not None:
        query = query.where(PriceList.id != ignore_id)
    clash = db.session.scalars(query.order_by(PriceList.valid_from).limit(1)).first()
    if clash is not None:
        raise ConflictError(
            N_("The validity overlaps the price list “%(name)s” (%(start)s – %(end)s): one seller account "
               "(or the public list) has one list on any day."),
            name=clash.name, start=clash.valid_from.isoformat(),
            end=clash.valid_to.isoformat() if clash.valid_to else "…",
        )


def parse_list_form(fields: Mapping[str, str], *, today: dt.date) -> dict:
    """name, valid_from, valid_to, vat_rate from a form; PriceFormError with every problem."""
    errors: dict[str, Problem] = {}
    name = (fields.get("name") or "").strip()
    if not name:
        errors["name"] = (REQUIRED, {})
    elif len(name) > NAME_MAX:
        errors["name"] = (N_("At most %(max)d characters."), {"max": NAME_MAX})
    start = _day(fields.get("valid_from"), "valid_from", errors, required=True)
    end = _day(fields.get("valid_to"), "valid_to", errors, required=False)
    if start is not None and start < today:
        errors["valid_from"] = (N_("A new price list cannot start in the past: history stays as it was "
                                   "charged."), {})
    if start is not None and end is not None and end < start:
        errors["valid_to"] = (N_("The list cannot end before it starts."), {})
    try:
        vat = parse_money(fields.get("vat_rate") or str(DEFAULT_VAT_RATE), maximum=Decimal(100))
    except ValueError as exc:
        errors["vat_rate"] = (str(exc), {})
        vat = None
    if errors:
        raise PriceFormError(errors)
    return {"name": name, "valid_from": start, "valid_to": end, "vat_rate": vat}


def _day(value: str | None, field: str, errors: dict[str, Problem], *, required: bool) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        if required:
            errors[field] = (REQUIRED, {})
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        day = None
    if day is None or not dt.date(2000, 1, 1) <= day <= dt.date(2099, 12, 31):
        errors[field] = (N_("Enter a date as YYYY-MM-DD."), {})
        return None
    return day


def create_price_list(
    *, account_id: int | None, fields: Mapping[str, str], agent_id: int | None, today: dt.date,
    account_ids: set[int] | None, copy_from_id: int | None = None, close_previous: bool = False,
) -> PriceList:
    """A new list for the public or one account, empty or a copy of another list's rows and add-ons.

    `close_previous` ends the owner's list in force on the new start date the day before, so prices
    change from a date without touching what was charged earlier. Commits."""
    values = parse_list_form(fields, today=today)
    if not _visible(account_id, account_ids) or (
            account_id is not None and db.session.get(SellerAccount, account_id) is None):
        raise NotFoundError(N_("No such seller account."))
    source = get_price_list(copy_from_id, account_ids=account_ids) if copy_from_id else None
    lock_owner(account_id)
    if close_previous:
        _close_before(account_id, values["valid_from"], today)
    check_no_overlap(account_id, values["valid_from"], values["valid_to"])
    price_list = PriceList(account_id=account_id, created_by=agent_id, **values)
    if source is not None:
        price_list.rows = [PriceRow(**_columns(row, PriceRow)) for row in source.rows]
        price_list.addons = [AddonPrice(**_columns(addon, AddonPrice)) for addon in source.addons]
    db.session.add(price_list)
    db.session.commit()
    return price_list


def _columns(item, model) -> dict:
    skip = {"id", "list_id"}
    return {c.key: getattr(item, c.key) for c in model.__table__.columns if c.key not in skip}


def _close_before(account_id: int | None, start: dt.date, today: dt.date) -> None:
    owner = PriceList.account_id.is_(None) if account_id is None else PriceList.account_id == account_id
    for current in db.session.scalars(select(PriceList).where(
            owner, PriceList.valid_from < start,
            or_(PriceList.valid_to.is_(None), PriceList.valid_to >= start))):
        current.valid_to = start - dt.timedelta(days=1)
    db.session.flush()


def close_price_list(
    list_id: int, *, valid_to: str, today: dt.date, account_ids: set[int] | None
) -> PriceList:
    """Set the last day of a list. Days already past stay as they were: the last day is yesterday at
    the earliest, and never before the list starts. Commits."""
    price_list = get_price_list(list_id, account_ids=account_ids)
    errors: dict[str, Problem] = {}
    end = _day(valid_to, "valid_to", errors, required=True)
    if end is not None and end < max(price_list.valid_from, today - dt.timedelta(days=1)):
        errors["valid_to"] = (N_("The last day cannot be before yesterday or before the list starts; "
                                 "delete a list that never came into force instead."), {})
    if errors:
        raise PriceFormError(errors)
    lock_owner(price_list.account_id)
    check_no_overlap(price_list.account_id, price_list.valid_from, end, ignore_id=price_list.id)
    price_list.valid_to = end
    db.session.commit()
    return price_list


def delete_price_list(list_id: int, *, today: dt.date, account_ids: set[int] | None) -> None:
    """Delete a list that never came into force (nothing was ever charged by it). Commits."""
    price_list = get_price_list(list_id, account_ids=account_ids)
    if price_list.has_started(today):
        raise ConflictError(N_("Only a price list that has not come into force can be deleted; close "
                               "this one instead."))
    db.session.delete(price_list)
    db.session.commit()


def editable_list(list_id: int, *, today: dt.date, account_ids: set[int] | None) -> PriceList:
    """The list, if it may still be changed; ConflictError once it has come into force."""
    price_list = get_price_list(list_id, account_ids=account_ids)
    if price_list.has_started(today):
        raise ConflictError(READ_ONLY)
    return price_list


def save_row(list_id: int, fields: Mapping[str, str], *, today: dt.date, account_ids: set[int] | None,
             row_id: int | None = None) -> PriceRow:
    """Add a freight row (or change `row_id`) in a list that has not started. Commits."""
    price_list = editable_list(list_id, today=today, account_ids=account_ids)
    values, errors = check_row(fields)
    if values is not None:
        problem = row_overlap(values, [r for r in price_list.rows if r.id != row_id])
        if problem:
            errors["weight_from_g"] = problem
    if errors:
        raise PriceFormError(errors)
    row = _child(price_list.rows, row_id) if row_id else PriceRow()
    for key in ("carrier", "service", "size_class", "weight_from_g", "weight_to_g", "net"):
        setattr(row, key, getattr(values, key))
    if row_id is None:
        price_list.rows.append(row)
    db.session.commit()
    return row


def save_addon(list_id: int, fields: Mapping[str, str], *, today: dt.date, account_ids: set[int] | None,
               addon_id: int | None = None) -> AddonPrice:
    """Add an add-on price (or change `addon_id`) in a list that has not started. Commits."""
    price_list = editable_list(list_id, today=today, account_ids=account_ids)
    values, errors = check_addon(fields)
    if values is not None:
        problem = addon_overlap(values, [a for a in price_list.addons if a.id != addon_id])
        if problem:
            errors["value_from"] = problem
    if errors:
        raise PriceFormError(errors)
    addon = _child(price_list.addons, addon_id) if addon_id else AddonPrice()
    for key in ("carrier", "service", "code", "value_from", "value_to", "net_fixed", "percent", "min_net"):
        setattr(addon, key, getattr(values, key))
    if addon_id is None:
        price_list.addons.append(addon)
    db.session.commit()
    return addon


def delete_row(list_id: int, row_id: int, *, today: dt.date, account_ids: set[int] | None) -> None:
    price_list = editable_list(list_id, today=today, account_ids=account_ids)
    price_list.rows.remove(_child(price_list.rows, row_id))
    db.session.commit()


def delete_addon(list_id: int, addon_id: int, *, today: dt.date, account_ids: set[int] | None) -> None:
    price_list = editable_list(list_id, today=today, account_ids=account_ids)
    price_list.addons.remove(_child(price_list.addons, addon_id))
    db.session.commit()


def _child(items, item_id: int):
    found = next((item for item in items if item.id == item_id), None)
    if found is None:
        raise NotFoundError(N_("No such price in this list."))
    return found
