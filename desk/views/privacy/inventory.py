"""Inventory of personal data (record of processing input): the page and its CSV, owners only."""

from __future__ import annotations

from collections import Counter

from flask import Response, render_template
from flask_babel import lazy_gettext as _l

from desk.services.privacy import inventory as register
from desk.views.access import owners_only
from desk.views.privacy.blueprint import bp, section

LABELS = {
    "class": {
        "identity": _l("Identity"),
        "contact": _l("Contact details"),
        "address": _l("Address"),
        "free_text": _l("Free text"),
        "bank": _l("Bank account"),
        "file": _l("File"),
    },
    "subject": {
        "buyer": _l("Buyer"), "seller": _l("Seller"), "request": _l("Buyer, in a data-subject request"),
        "log": _l("Buyer, in the access log"),
    },
    "source": {
        "allegro_orders": _l("Allegro: orders (checkout forms)"),
        "allegro_conversations": _l("Allegro: discussions, claims and messages"),
        "allegro_ratings": _l("Allegro: ratings"),
        "carriers": _l("Carriers"),
        "desk": _l("Written in the desk"),
        "seller_input": _l("The seller's own settings and documents"),
    },
    "action": {
        "pseudonymise": _l("Replaced by a keyed pseudonym"),
        "marker": _l("Replaced by a marker"),
        "scrub": _l("Personal parts removed, amounts kept"),
        "redact": _l("Replaced by a marker with the date"),
        "remove": _l("Removed"),
        "delete_file": _l("File deleted, its metadata kept"),
        "with_account": _l("Kept with the seller account"),
        "with_request": _l("Kept with the request, then deleted by its own rule"),
        "with_log": _l("Kept for accountability (buyers by pseudonym), then deleted"),
    },
    "retention": {
        "order_3y": _l("3 years after the end of the year of delivery"),
        "issue_3y": _l("3 years after the end of the year the conversation closed"),
        "labels_90d": _l("90 days"),
        "outbox_30d": _l("30 days after sending"),
        "refund_30d": _l("30 days after the refund"),
        "account_life": _l("While the account is served, then as the law requires"),
        "log_12m": _l("12 months"),
        "request_own": _l(
            "Contact data 30 days after the request closes; exports 7 days; holds until lifted"
        ),
    },
}
HEADINGS = (
    _l("Table"), _l("Column"), _l("Data class"), _l("Whose data"), _l("Source"), _l("End of life"),
    _l("Default retention"),
)


def label(kind: str, key: str) -> str:
    return str(LABELS[kind].get(key, key))


section(
    "privacy.inventory",
    _l("Inventory"),
    _l("Which tables and columns hold personal data, and what becomes of them."),
)


@bp.get("/inventory")
@owners_only
def inventory():
    """Every personal column, its class, source, end of life and default retention."""
    rows = register.inventory_rows()
    counts = Counter(row.data_class for row in rows)
    classes = [(key, LABELS["class"][key], counts.get(key, 0)) for key in register.CLASSES]
    return render_template(
        "privacy/inventory.html", title=_l("Inventory"), rows=rows, classes=classes, label=label
    )


@bp.get("/inventory.csv")
@owners_only
def inventory_csv():
    """The same inventory as CSV (UTF-8 with BOM, `;`), for the seller's record of processing."""
    chunks = register.inventory_csv(register.inventory_rows(), [str(h) for h in HEADINGS], label)
    return Response(
        chunks, mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="inwentarz-danych-osobowych.csv"'},
    )
