"""Ratings: one blueprint over the agents' pages and the owners' pages."""
from desk.views.ratings import owner, pages  # noqa: F401  (their routes register on bp)
from desk.views.ratings.blueprint import bp

__all__ = ["bp"]
