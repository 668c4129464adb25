"""AllegroClient methods for buyer ratings (`/sale/user-ratings*`, `/users/{id}/ratings-summary`)."""

from __future__ import annotations

import datetime as dt
import email.utils
from urllib.parse import quote

import requests

from integrations.allegro import _parse_ratings, _wire_ratings
from integrations.allegro._args import check_int, format_datetime
from integrations.allegro._http import Requester, json_object
from integrations.allegro._records import read_json, read_one
from integrations.allegro.models_ratings import (
    RATING_TEXT_MAX,
    Rating,
    RatingAnswer,
    RatingPage,
    RatingsSummary,
    RemovalRequest,
)

MAX_RATINGS_OFFSET = 20_000
MAX_RATINGS_LIMIT = 100


class RatingsMixin:
    """Mixed into AllegroClient; uses its `_http` requester.

    The two writes (answer, removal request) are never retried here: an answer can be published
    only once, so a caller whose send ended in doubt re-reads the rating before sending again.
    """

    _http: Requester

    def list_ratings(
        self,
        *,
        offset: int = 0,
        limit: int = MAX_RATINGS_LIMIT,
        recommended: bool | None = None,
        last_changed_gte: dt.datetime | None = None,
        last_changed_lte: dt.datetime | None = None,
    ) -> RatingPage:
        """GET /sale/user-ratings: ratings received, most recently changed first (public.v1).

        The list has no totals: a page shorter than `limit` is the last one. `offset` may not pass
        20000, so walk long histories with `last_changed_lte` rather than ever larger offsets.
        """
        check_int("limit", limit, 1, MAX_RATINGS_LIMIT)
        check_int("offset", offset, 0, MAX_RATINGS_OFFSET)
        params = [("offset", str(offset)), ("limit", str(limit))]
        if recommended is not None:
            params.append(("recommended", "true" if recommended else "false"))
        if last_changed_gte is not None:
            params.append(("lastChangedAt.gte", format_datetime(last_changed_gte)))
        if last_changed_lte is not None:
            params.append(("lastChangedAt.lte", format_datetime(last_changed_lte)))
        response = self._http.call("GET", "/sale/user-ratings", params=params)
        return read_json(response, _wire_ratings.rating_page, _wire_ratings.lenient_rating_page)

    def get_rating(self, rating_id: str) -> Rating:
        """GET /sale/user-ratings/{ratingId}: one rating with its answer and removal state."""
        response = self._http.call("GET", _rating_path(rating_id))
        return read_one(response, _wire_ratings.rating, _wire_ratings.read_rating, "rating", rating_id)

    def answer_rating(self, rating_id: str, message: str) -> RatingAnswer:
        """PUT /sale/user-ratings/{ratingId}/answer: publish the seller's answer (201; once per rating).

        Never retried: on AllegroOutcomeUnknown read the rating to see whether the answer landed.
        A second answer is refused by Allegro with BadRequest.
        """
        _check_text("message", message)
        path = _rating_path(rating_id) + "/answer"
        response = self._http.call("PUT", path, body={"message": message}, retry=False)
        return _parse_ratings.parse_rating_answer(
            json_object(response), sent_message=message, answered_at=_answered_at(response)
        )

    def request_rating_removal(self, rating_id: str, message: str) -> RemovalRequest:
        """PUT /sale/user-ratings/{ratingId}/removal: ask Allegro to remove a rating (201 Removal).

        Allowed until the rating's `removal_possible_to` and only once; otherwise BadRequest.
        Never retried, like answer_rating.
        """
        _check_text("message", message)
        path = _rating_path(rating_id) + "/removal"
        response = self._http.call("PUT", path, body={"request": {"message": message}}, retry=False)
        return _parse_ratings.parse_removal(
            json_object(response), sent_message=message, answered_at=_answered_at(response)
        )

    def get_ratings_summary(self, user_id: str) -> RatingsSummary:
        """GET /users/{userId}/ratings-summary: recommendation counts and removal statistics."""
        if not user_id or not user_id.strip():
            raise ValueError("user_id is required")
        path = "/users/" + quote(user_id, safe="") + "/ratings-summary"
        return _parse_ratings.parse_ratings_summary(json_object(self._http.call("GET", path)))


def _rating_path(rating_id: str) -> str:
    if not rating_id or not rating_id.strip():
        raise ValueError("rating_id is required")
    return "/sale/user-ratings/" + quote(rating_id, safe="")


def _check_text(name: str, value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must not be empty")
    if len(value) > RATING_TEXT_MAX:
        raise ValueError(f"{name} may have at most {RATING_TEXT_MAX} characters, got {len(value)}")



def _answered_at(response: requests.Response) -> dt.datetime:
    """When Allegro produced the answer (its Date header), else now; only used to fill gaps."""
    header = response.headers.get("Date")
    if header:
        try:
            when = email.utils.parsedate_to_datetime(header)
        except (TypeError, ValueError):
            when = None
        if when is not None:
            return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)
    return dt.datetime.now(dt.UTC)
