"""Fake state for buyer ratings: ratings, answers, removal requests and the ratings summary.

`ratings` holds each rating as public.v1 `UserRating` JSON. What that JSON cannot carry (the
seller it belongs to, beta.v1-only facts such as justifications) is kept aside. Stored ratings are
replaced, never mutated, so a response serialized outside the lock never sees half a change.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from integrations.allegro.fake.errors import ApiError, not_found
from integrations.allegro.fake.state import data
from integrations.allegro.fake.state.form_factory import make_buyer, new_uuid
from integrations.allegro.fake.state.orders_index import OrderIndex
from integrations.allegro.fake.timeutil import iso, parse_iso, to_utc, truncate_ms

RATING_TEXT_MAX = 500
# how long a negative rating may be reported for removal when the caller does not say
REMOVAL_WINDOW = dt.timedelta(days=7)
FIRST_NEGATIVE_WINDOW = dt.timedelta(days=30)
REMOVED_BY = ("byAdmin", "byBuyer", "byBuyerDueToCompensation")


def _bad_request(message: str, path: str | None = None) -> ApiError:
    # the spec declares 400 (not 422) for the rating writes
    return ApiError(400, "VALIDATION_ERROR", message, path=path)


def _checked_text(message: Any, path: str) -> str:
    if not isinstance(message, str) or not message.strip():
        raise _bad_request("Message must not be blank", path)
    if len(message) > RATING_TEXT_MAX:
        raise _bad_request(f"Message must have at most {RATING_TEXT_MAX} characters", path)
    return message


def _percentage(recommending: int, not_recommending: int) -> str | None:
    """'99,8': one decimal, rounded down so that 100 means nobody complained; decimal comma."""
    voters = recommending + not_recommending
    if voters == 0:
        return None
    tenths = recommending * 1000 // voters
    return f"{tenths // 10},{tenths % 10}"


def _account_created(seller_id: str) -> dt.date:
    # stable per seller without storing anything: sellers joined between 2010 and 2020
    return dt.date(2010, 1, 1) + dt.timedelta(days=int(seller_id) % 3900 if seller_id.isdigit() else 0)


class RatingsStateMixin:
    """Ratings, answers and removal requests of the fake; mixed into FakeAllegroState."""

    _lock: threading.RLock
    _rng: random.Random
    _index: OrderIndex
    now: Callable[[], dt.datetime]
    sellers: dict[str, dict[str, Any]]
    checkout_forms: dict[str, dict[str, Any]]

    def _init_ratings(self) -> None:
        """Called by FakeAllegroState.__init__."""
        self.ratings: dict[str, dict[str, Any]] = {}
        self.removed_ratings: dict[str, dict[str, Any]] = {}
        self._rating_sellers: dict[str, str] = {}
        self._rating_extras: dict[str, dict[str, Any]] = {}
        self._refused_removals: set[str] = set()
        self._removals: dict[str, Counter[str]] = {}

    # -- arranging (test handle) -------------------------------------------------------------------

    def add_rating(
        self,
        seller_id: str,
        *,
        recommended: bool = True,
        comment: str | None = None,
        checkout_form_id: str | None = None,
        created_at: dt.datetime | None = None,
        rates: dict[str, int] | None = None,
        removal_possible_to: dt.datetime | None = None,
        justifications: Iterable[str] = (),
        **overrides: Any,
    ) -> dict[str, Any]:
        """A buyer rates the seller; returns the stored public.v1 JSON.

        With `checkout_form_id` the buyer and offers come from that order of the seller. Negative
        ratings may be reported for removal until `removal_possible_to` (default: 7 days after
        creation). `justifications` are the reasons a buyer ticks (shown in beta.v1 only);
        `overrides` replace top-level JSON fields as they are.
        """
        with self._lock:
            if seller_id not in self.sellers:
                raise KeyError(f"unknown seller {seller_id!r}")
            created = truncate_ms(to_utc(created_at or self.now()))
            buyer, order = self._rated_order(seller_id, checkout_form_id)
            rating: dict[str, Any] = {
                "id": self._new_rating_id(),
                "buyer": buyer,
                "recommended": recommended,
                "createdAt": iso(created),
                "lastChangedAt": iso(created),
                "order": order,
                "excludedFromAverageRates": False,
            }
            if comment is not None:
                rating["comment"] = comment
            if rates is not None:
                rating["rates"] = dict(rates)
            if removal_possible_to is not None or not recommended:
                deadline = to_utc(removal_possible_to) if removal_possible_to else created + REMOVAL_WINDOW
                rating["removal"] = {"possibleTo": iso(deadline)}
            rating.update(overrides)
            if "editedAt" in overrides and "lastChangedAt" not in overrides:
                rating["lastChangedAt"] = rating["editedAt"]
            self._register(seller_id, rating, justifications)
            return rating

    def edit_rating(self, rating_id: str, **changes: Any) -> dict[str, Any]:
        """The buyer edits a rating (e.g. recommended=False, comment=...): editedAt/lastChangedAt move."""
        with self._lock:
            rating = self._rating(rating_id)
            stamp = iso(truncate_ms(self.now()))
            updated = {**rating, **changes, "editedAt": stamp, "lastChangedAt": stamp}
            if rating["recommended"] and updated["recommended"] is False:
                if "removal" not in updated:
                    updated["removal"] = {"possibleTo": iso(parse_iso(stamp) + REMOVAL_WINDOW)}
                extras = self._rating_extras[rating_id]
                extras["firstNegative"] = self._first_negative(self._rating_sellers[rating_id], updated)
            self.ratings[rating_id] = updated
            return updated

    def resolve_removal(self, rating_id: str, *, accepted: bool) -> None:
        """Allegro decides a pending removal request: accepted removes the rating, refused keeps it."""
        with self._lock:
            if rating_id not in self.pending_removals():
                raise ValueError(f"rating {rating_id!r} has no pending removal request")
            if accepted:
                self._remove(rating_id, "byAdmin")
            else:
                self._refused_removals.add(rating_id)

    def remove_rating(self, rating_id: str, *, by: str = "byBuyer") -> None:
        """The rating disappears; `by` names the summary counter (see REMOVED_BY)."""
        if by not in REMOVED_BY:
            raise ValueError(f"by must be one of {REMOVED_BY}")
        with self._lock:
            self._rating(rating_id)
            self._remove(rating_id, by)

    def exclude_rating(self, rating_id: str, reason: str) -> dict[str, Any]:
        """Allegro leaves the rating out of the averages (e.g. "Ocena nie jest unikalna")."""
        with self._lock:
            updated = {
                **self._rating(rating_id),
                "excludedFromAverageRates": True,
                "excludedFromAverageRatesReason": reason,
            }
            self.ratings[rating_id] = updated
            return updated

    def pending_removals(self, seller_id: str | None = None) -> list[str]:
        """Ids of ratings whose removal request Allegro has not decided yet, oldest request first."""
        with self._lock:
            pending = [
                (rating["removal"]["request"]["createdAt"], rating_id)
                for rating_id, rating in self.ratings.items()
                if (rating.get("removal") or {}).get("request")
                and rating_id not in self._refused_removals
                and (seller_id is None or self._rating_sellers[rating_id] == seller_id)
            ]
            return [rating_id for _, rating_id in sorted(pending)]

    def rating_seller(self, rating_id: str) -> str:
        """The seller a rating (current or removed) was given to."""
        with self._lock:
            return self._rating_sellers[rating_id]

    def rating_extras(self, rating_id: str) -> dict[str, Any]:
        """beta.v1-only facts of a rating: justifications and firstNegative."""
        with self._lock:
            extras = self._rating_extras[rating_id]
            return {**extras, "justifications": list(extras["justifications"])}

    # -- API operations ----------------------------------------------------------------------------

    def ratings_page(
        self,
        seller_id: str,
        *,
        offset: int,
        limit: int,
        recommended: bool | None = None,
        changed_from: dt.datetime | None = None,
        changed_to: dt.datetime | None = None,
    ) -> list[dict[str, Any]]:
        """GET /sale/user-ratings: newest change first, bounds inclusive."""
        with self._lock:
            found = []
            for rating_id, rating in self.ratings.items():
                if self._rating_sellers[rating_id] != seller_id:
                    continue
                if recommended is not None and rating["recommended"] is not recommended:
                    continue
                changed = parse_iso(rating["lastChangedAt"])
                if (changed_from and changed < changed_from) or (changed_to and changed > changed_to):
                    continue
                found.append((changed, rating_id, rating))
        found.sort(key=lambda entry: (entry[0], entry[1]), reverse=True)
        return [rating for _, _, rating in found[offset : offset + limit]]

    def rating_for(self, seller_id: str, rating_id: str) -> dict[str, Any]:
        """The seller's rating, or the 404 Allegro gives for unknown and foreign ratings alike."""
        with self._lock:
            rating = self.ratings.get(rating_id)
            if rating is None or self._rating_sellers[rating_id] != seller_id:
                raise not_found("Rating")
            return rating

    def answer_rating(self, seller_id: str, rating_id: str, message: Any) -> dict[str, Any]:
        """PUT .../answer: publish the seller's only answer; returns the Answer."""
        with self._lock:
            rating = self.rating_for(seller_id, rating_id)
            text = _checked_text(message, "message")
            if rating.get("answer"):
                raise _bad_request("The rating has already been answered")
            answer = {"createdAt": iso(truncate_ms(self.now())), "message": text}
            self.ratings[rating_id] = {**rating, "answer": answer}
            return answer

    def request_removal(self, seller_id: str, rating_id: str, message: Any) -> dict[str, Any]:
        """PUT .../removal: ask for removal before removal.possibleTo, once; returns the Removal."""
        with self._lock:
            rating = self.rating_for(seller_id, rating_id)
            text = _checked_text(message, "request.message")
            removal = rating.get("removal")
            if not removal:
                raise _bad_request("Removal of this rating cannot be requested")
            if removal.get("request"):
                raise _bad_request("Removal of this rating has already been requested")
            now = truncate_ms(self.now())
            if now > parse_iso(removal["possibleTo"]):
                raise _bad_request("The time for requesting removal of this rating has passed")
            updated = {**removal, "request": {"createdAt": iso(now), "message": text, "source": "SELLER"}}
            self.ratings[rating_id] = {**rating, "removal": updated}
            return updated

    def ratings_summary(self, user_id: str) -> dict[str, Any]:
        """GET /users/{userId}/ratings-summary; 404 for users who are not sellers here."""
        with self._lock:
            if user_id not in self.sellers:
                raise ApiError(404, "NotFoundException", "User not found or user is not a seller")
            mine = [r for rid, r in self.ratings.items() if self._rating_sellers[rid] == user_id]
            removed = Counter(self._removals.get(user_id, Counter()))
        counted = [r for r in mine if not r.get("excludedFromAverageRates")]
        liked = {r["buyer"]["id"] for r in counted if r["recommended"]}
        disliked = {r["buyer"]["id"] for r in counted if not r["recommended"]}
        positives = sum(1 for r in mine if r["recommended"])
        summary: dict[str, Any] = {
            "recommended": {"unique": len(liked), "total": positives},
            "notRecommended": {"unique": len(disliked), "total": len(mine) - positives},
            "statistics": {
                "received": {"total": len(mine) + sum(removed.values())},
                "excluded": {"total": len(mine) - len(counted)},
                "removed": {"total": sum(removed.values()), **{key: removed[key] for key in REMOVED_BY}},
            },
            "user": {"createdAt": _account_created(user_id).isoformat()},
        }
        percentage = _percentage(len(liked), len(disliked))
        if percentage is not None:
            summary["recommendedPercentage"] = percentage
        return summary

    # -- internals ---------------------------------------------------------------------------------

    def _rating(self, rating_id: str) -> dict[str, Any]:
        rating = self.ratings.get(rating_id)
        if rating is None:
            raise KeyError(f"unknown rating {rating_id!r}")
        return rating

    def _new_rating_id(self) -> str:
        while True:
            rating_id = f"{self._rng.getrandbits(96):024x}"
            if rating_id not in self._rating_sellers:
                return rating_id

    def _rated_order(self, seller_id: str, form_id: str | None) -> tuple[dict[str, Any], dict[str, Any]]:
        """(buyer, order) of the rating: from the seller's checkout form, or a made-up purchase."""
        if form_id is None:
            buyer = make_buyer(self._rng)
            product = self._rng.choice(data.PRODUCTS)
            offers = [{"id": product.offer_id, "title": product.name}]
            return {"id": buyer["id"], "login": buyer["login"]}, {"id": new_uuid(self._rng), "offers": offers}
        if self._index.seller_of(form_id) != seller_id:
            raise KeyError(f"seller {seller_id!r} has no checkout form {form_id!r}")
        form = self.checkout_forms[form_id]
        offers_by_id = {item["offer"]["id"]: item["offer"]["name"] for item in form["lineItems"]}
        offers = [{"id": offer_id, "title": title} for offer_id, title in offers_by_id.items()]
        buyer = {"id": form["buyer"]["id"], "login": form["buyer"]["login"]}
        return buyer, {"id": form_id, "offers": offers}

    def _register(self, seller_id: str, rating: dict[str, Any], justifications: Iterable[str]) -> None:
        self._rating_sellers[rating["id"]] = seller_id
        self._rating_extras[rating["id"]] = {
            "justifications": [{"text": t, "visibleForBuyer": False} for t in justifications],
            "firstNegative": self._first_negative(seller_id, rating),
        }
        self.ratings[rating["id"]] = rating

    def _first_negative(self, seller_id: str, rating: dict[str, Any]) -> bool:
        """Whether a negative rating is the seller's first negative one in the 30 days before it."""
        if rating["recommended"]:
            return False
        at = parse_iso(rating["lastChangedAt"])
        return not any(
            self._rating_sellers.get(other_id) == seller_id
            and other_id != rating["id"]
            and not other["recommended"]
            and at - FIRST_NEGATIVE_WINDOW <= parse_iso(other["lastChangedAt"]) <= at
            for other_id, other in self.ratings.items()
        )

    def _remove(self, rating_id: str, by: str) -> None:
        seller_id = self._rating_sellers[rating_id]
        self.removed_ratings[rating_id] = self.ratings.pop(rating_id)
        self._removals.setdefault(seller_id, Counter())[by] += 1
