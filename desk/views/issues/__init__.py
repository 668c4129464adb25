"""Discussions and claims: one blueprint over the agents' pages and the reply templates."""
from desk.views.issues import pages, templates  # noqa: F401  (their routes register on bp)
from desk.views.issues.blueprint import bp

__all__ = ["bp"]
