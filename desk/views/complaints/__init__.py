"""Complaint views (Reklamacje): the list and pages for sellers, the forms, the administrators' handling and
returned parcels; all routes register on `bp`."""

from desk.views.complaints import admin, pages, returns  # noqa: F401  (their routes register on bp)
from desk.views.complaints.blueprint import bp

__all__ = ["bp"]
