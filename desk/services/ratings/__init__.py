"""Buyer ratings: the ratings desk, answers and removal requests, alerts and the owners' reports.

Other areas' views reach this area through the names below."""

from desk.services.ratings.listing import new_negative_count
from desk.services.ratings.writes import ALREADY_ANSWERED, ALREADY_REQUESTED, DEADLINE_PASSED

__all__ = ["ALREADY_ANSWERED", "ALREADY_REQUESTED", "DEADLINE_PASSED", "new_negative_count"]
