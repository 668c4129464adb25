"""Deleted seller accounts (Usunięte konta): the offboarding receipts, for owners."""

from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l

from desk.services.privacy import offboarding
from desk.views.access import owners_only
from desk.views.privacy.blueprint import bp, section

section(
    "privacy.offboarding_receipts",
    _l("Deleted accounts"),
    _l("Seller accounts deleted or disconnected: when their data goes, and the receipt of its deletion."),
)


@bp.get("/offboarding")
@owners_only
def offboarding_receipts():
    """Every deletion or disconnection with its state and, once purged, the rows removed per table."""
    return render_template(
        "privacy/offboarding.html", title=_l("Deleted accounts"), receipts=offboarding.receipts()
    )
