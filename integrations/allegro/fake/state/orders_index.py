"""Sorted per-seller views of checkout forms, so list queries over 50 000 orders stay cheap.

Each seller gets one ascending (time, id) list per sortable field, built lazily and dropped when
any of that seller's forms changes. A query bisects the time range of its sort field and only
walks the window when other filters are present; paging therefore costs O(log n + page).
"""
from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

SORT_FIELDS = {"updatedAt": "updated", "lineItems.boughtAt": "bought"}
EQUALITY_FILTERS = (
    "status",
    "fulfillment.status",
    "fulfillment.provider.id",
    "fulfillment.shipmentSummary.lineItemsSent",
    "payment.id",
    "surcharges.id",
    "delivery.method.id",
    "buyer.login",
    "marketplace.id",
)


@dataclass(slots=True)
class FormMeta:
    """What the index needs to know about one form: owner and its two sort keys (epoch ms)."""

    seller_id: str
    updated: int
    bought: int


@dataclass(slots=True)
class FormQuery:
    """A parsed GET /order/checkout-forms request."""

    seller_id: str
    offset: int = 0
    limit: int = 100
    sort: str = "-lineItems.boughtAt"
    # field ("updated"/"bought") -> (gte, lte) in epoch ms, either may be None
    ranges: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)
    equals: dict[str, str] = field(default_factory=dict)


def dotted_matches(document: Any, dotted: str, expected: str) -> bool:
    """True when the value at a dotted path equals `expected`; lists match if any element does."""
    values: list[Any] = [document]
    for part in dotted.split("."):
        found: list[Any] = []
        for value in values:
            if isinstance(value, list):
                found.extend(v.get(part) for v in value if isinstance(v, dict))
            elif isinstance(value, dict):
                found.append(value.get(part))
        values = found
    flat = [v for value in values for v in (value if isinstance(value, list) else [value])]
    return any(v == expected for v in flat)


class OrderIndex:
    """Form metadata plus cached sorted views per (seller, field)."""

    def __init__(self) -> None:
        self.meta: dict[str, FormMeta] = {}
        self._ids_by_seller: dict[str, set[str]] = {}
        self._views: dict[tuple[str, str], tuple[list[int], list[str]]] = {}

    def put(self, form_id: str, seller_id: str, updated: int, bought: int) -> None:
        """Insert or update a form; invalidates the owner's views."""
        self.meta[form_id] = FormMeta(seller_id, updated, bought)
        self._ids_by_seller.setdefault(seller_id, set()).add(form_id)
        self._views.pop((seller_id, "updated"), None)
        self._views.pop((seller_id, "bought"), None)

    def seller_of(self, form_id: str) -> str | None:
        """The owner of a form, or None for unknown ids."""
        meta = self.meta.get(form_id)
        return meta.seller_id if meta else None

    def _view(self, seller_id: str, key: str) -> tuple[list[int], list[str]]:
        view = self._views.get((seller_id, key))
        if view is None:
            pairs = sorted((getattr(self.meta[i], key), i) for i in self._ids_by_seller.get(seller_id, ()))
            view = ([p[0] for p in pairs], [p[1] for p in pairs])
            self._views[(seller_id, key)] = view
        return view

    def search(self, query: FormQuery, forms: dict[str, dict[str, Any]]) -> tuple[list[str], int]:
        """Ids of the requested page and the total number of matches."""
        descending = query.sort.startswith("-")
        key = SORT_FIELDS[query.sort.lstrip("-")]
        keys, ids = self._view(query.seller_id, key)
        gte, lte = query.ranges.get(key, (None, None))
        low = 0 if gte is None else bisect.bisect_left(keys, gte)
        high = len(keys) if lte is None else bisect.bisect_right(keys, lte)
        high = max(low, high)
        checks = self._checks(query, forms)
        if not checks:
            return _page_of_range(ids, low, high, query, descending), high - low
        window: Iterable[str] = ids[low:high]
        if descending:
            window = reversed(ids[low:high])
        return _page_of_filtered(window, checks, query)

    def _checks(self, query: FormQuery, forms: dict[str, dict[str, Any]]) -> list[Callable[[str], bool]]:
        sort_key = SORT_FIELDS[query.sort.lstrip("-")]
        checks: list[Callable[[str], bool]] = []
        for key, (gte, lte) in query.ranges.items():
            if key != sort_key and (gte is not None or lte is not None):
                checks.append(_range_check(self.meta, key, gte, lte))
        for dotted, expected in query.equals.items():
            checks.append(lambda i, d=dotted, e=expected: dotted_matches(forms[i], d, e))
        return checks


def _range_check(
    meta: dict[str, FormMeta], key: str, gte: int | None, lte: int | None
) -> Callable[[str], bool]:
    low = gte if gte is not None else -(2**63)
    high = lte if lte is not None else 2**63
    return lambda form_id: low <= getattr(meta[form_id], key) <= high


def _page_of_range(ids: list[str], low: int, high: int, query: FormQuery, descending: bool) -> list[str]:
    if descending:
        stop = high - query.offset
        start = max(low, stop - query.limit)
        return ids[start:stop][::-1] if stop > low else []
    start = low + query.offset
    return ids[start:min(high, start + query.limit)]


def _page_of_filtered(
    window: Iterable[str], checks: list[Callable[[str], bool]], query: FormQuery
) -> tuple[list[str], int]:
    page: list[str] = []
    total = 0
    for form_id in _matching(window, checks):
        if query.offset <= total < query.offset + query.limit:
            page.append(form_id)
        total += 1
    return page, total


def _matching(window: Iterable[str], checks: list[Callable[[str], bool]]) -> Iterator[str]:
    for form_id in window:
        if all(check(form_id) for check in checks):
            yield form_id
