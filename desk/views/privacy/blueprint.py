"""The personal-data blueprint (Dane osobowe): owners' pages for the inventory, requests, holds,
exports and the access log. Each page module registers its routes on `bp`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l

from desk.views.access import owners_only

bp = Blueprint("privacy", __name__, url_prefix="/privacy")


@dataclass(frozen=True)
class Section:
    endpoint: str
    label: Any  # lazy translated
    description: Any


# The pages of the area, in the order of its tabs; a section shows once its endpoint exists.
SECTIONS: list[Section] = []


def section(endpoint: str, label: Any, description: Any) -> None:
    """Register a page of the area (called by the page modules at import)."""
    SECTIONS.append(Section(endpoint, label, description))


# the tabs' order: the inventory, what owners act on, then the records
TAB_ORDER = ("privacy.inventory", "privacy.requests_index", "privacy.holds", "privacy.access_log",
             "privacy.offboarding_receipts")


def available_sections() -> list[Section]:
    from flask import current_app

    found = [s for s in SECTIONS if s.endpoint in current_app.view_functions]
    rank = {endpoint: place for place, endpoint in enumerate(TAB_ORDER)}
    return sorted(found, key=lambda s: rank.get(s.endpoint, len(TAB_ORDER)))


@bp.context_processor
def _context() -> dict[str, Any]:
    return {"privacy_sections": available_sections()}


@bp.get("/")
@owners_only
def index():
    """The area's home: what each of its pages is for."""
    return render_template("privacy/index.html", title=_l("Personal data"))


__all__ = ["bp", "section"]
