"""The erasure registry as the sync paths read it: which orders and buyers of an account were erased.

Allegro keeps serving an erased order, conversation or rating with the buyer's data. Each store
function of a sync path (orders, issues and their chats, Message Center threads and messages,
ratings) calls a guard here right after it has copied Allegro's view onto its rows, inside the same
flush: a registered row keeps only its non-identity fields, so the buyer's data never reaches a
commit. Orders are registered by Allegro's id; buyers by the pseudonyms of their id and logins, and
only what the buyer did up to the erasure is covered (a later purchase is new processing).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterable, Sequence

from sqlalchemy import select

from desk.extensions import db
from desk.models import Order
from desk.models.privacy import BUYER_ID, BUYER_LOGIN, ErasedBuyer, ErasedOrder
from desk.orm import utcnow
from desk.services.shared.pseudonym_keys import login_pseudonym, pseudonym
from desk.services.shared.redaction import BUYER_CLASSES, is_pseudonym, scrub_row

# Keys of Allegro's JSON (and of the desk's DTOs) that name an order or a buyer.
_REFERENCE_KEYS = frozenset({"id", "login", "checkoutForm", "checkout_form_id", "order_id", "orderId"})


def erased_orders(account_id: int, allegro_ids: Iterable[str]) -> set[str]:
    """Which of these Allegro order ids of the account are registered as erased."""
    ids = sorted({i for i in allegro_ids if i})
    if not ids:
        return set()
    query = select(ErasedOrder.allegro_id).where(
        ErasedOrder.account_id == account_id, ErasedOrder.allegro_id.in_(ids)
    )
    with db.session.no_autoflush:  # called while a row is half copied from Allegro
        return set(db.session.scalars(query))


def erased_buyers(
    account_id: int, *, ids: Iterable[str] = (), logins: Iterable[str] = ()
) -> dict[str, dt.datetime]:
    """Registered buyers among these raw ids and logins: {raw value: erased_at}."""
    wanted = {pseudonym(account_id, v): v for v in set(ids) if v and not is_pseudonym(v)}
    by_login = {login_pseudonym(account_id, v): v for v in set(logins) if v and not is_pseudonym(v)}
    if not wanted and not by_login:
        return {}
    query = select(ErasedBuyer.kind, ErasedBuyer.pseudonym, ErasedBuyer.erased_at).where(
        ErasedBuyer.account_id == account_id,
        ErasedBuyer.pseudonym.in_(sorted(set(wanted) | set(by_login))),
    )
    found: dict[str, dt.datetime] = {}
    with db.session.no_autoflush:
        rows = db.session.execute(query).all()
    for kind, digest, erased_at in rows:
        source = wanted if kind == BUYER_ID else by_login if kind == BUYER_LOGIN else {}
        if digest in source:
            found[source[digest]] = erased_at
    return found


def _covered(erased_at: dt.datetime | None, happened_at: dt.datetime | None) -> bool:
    """A registered buyer's row is covered when it began before the erasure (or its date is unknown)."""
    return erased_at is not None and (happened_at is None or happened_at <= erased_at)


def guard_orders(account_id: int, forms: Sequence[tuple[str, str | None, dt.datetime | None]]) -> int:
    """Scrub the stored orders of a page of forms ((allegro id, buyer id, bought at) each) that are
    registered, or whose buyer was erased after buying them; returns how many rows changed. Called
    by the order store after each page is flushed, before its commit."""
    if not forms:
        return 0
    registered = erased_orders(account_id, (allegro_id for allegro_id, _buyer, _at in forms))
    buyers = erased_buyers(account_id, ids=(buyer for _id, buyer, _at in forms if buyer))
    due = {
        allegro_id for allegro_id, buyer, bought_at in forms
        if allegro_id in registered or _covered(buyers.get(buyer or ""), bought_at)
    }
    if not due:
        return 0
    rows = db.session.scalars(select(Order).where(Order.account_id == account_id, Order.allegro_id.in_(due)))
    now = utcnow()
    return sum(scrub_row(order, account_id=account_id, now=now) for order in rows)


def conversation_erased(issue) -> bool:
    """Whether a conversation (an Issue row, just updated from Allegro) belongs to erased data."""
    if is_pseudonym(issue.buyer_allegro_id) or is_pseudonym(issue.buyer_login):
        return True
    if issue.checkout_form_id and erased_orders(issue.account_id, [issue.checkout_form_id]):
        return True
    buyers = erased_buyers(
        issue.account_id, ids=[issue.buyer_allegro_id or ""], logins=[issue.buyer_login or ""]
    )
    started = issue.opened_at or issue.first_seen_at
    return any(_covered(at, started) for at in buyers.values())


def guard_conversation(issue, messages: Iterable = ()) -> bool:
    """Scrub a conversation and the given messages of it when it belongs to erased data (the
    pseudonyms already stored mark it, else the registry); True when it does."""
    if not conversation_erased(issue):
        return False
    now = utcnow()
    scrub_row(issue, account_id=issue.account_id, now=now)
    for message in messages:
        scrub_row(message, account_id=issue.account_id, now=now, classes=BUYER_CLASSES)
    return True


def guard_ratings(account_id: int, ratings: Sequence) -> int:
    """Scrub ratings of a page just updated from Allegro that belong to erased data (their order is
    registered, or their buyer was erased after rating); two queries a page. Returns how many."""
    if not ratings:
        return 0
    registered = erased_orders(account_id, (r.checkout_form_id for r in ratings if r.checkout_form_id))
    buyers = erased_buyers(account_id, ids=(r.buyer_allegro_id for r in ratings if r.buyer_allegro_id))
    now, scrubbed = utcnow(), 0
    for rating in ratings:
        erased = (
            is_pseudonym(rating.buyer_allegro_id)
            or rating.checkout_form_id in registered
            or _covered(buyers.get(rating.buyer_allegro_id or ""), rating.rated_at)
        )
        if erased:
            scrub_row(rating, account_id=account_id, now=now)
            scrubbed += 1
    return scrubbed


def record_erased(account_id: int, allegro_id: str | None, raw: str) -> bool:
    """Whether a record about to be quarantined is of an erased order or buyer (its raw JSON is then
    not kept): its own id, or any order id, buyer id or login inside it, is registered."""
    names = {allegro_id} if allegro_id else set()
    with contextlib.suppress(ValueError):  # not JSON: only its own id tells
        _references(json.loads(raw), names)
    if not names:
        return False
    return bool(erased_orders(account_id, names) or erased_buyers(account_id, ids=names, logins=names))


def _references(value, found: set[str], key: str | None = None) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _references(v, found, k)
    elif isinstance(value, list):
        for item in value:
            _references(item, found, key)
    elif isinstance(value, str) and key in _REFERENCE_KEYS and len(value) <= 120:
        found.add(value)
