"""The words agents read about surcharges: kinds, states, the inbox's views, the evidence's measures and
what the import does with each line."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from desk.views.labels import QUOTE_LINES

KINDS = {
    "oversize": _l("Oversize"),
    "understated_weight": _l("Understated weight"),
    "wrong_address": _l("Wrong or insufficient address"),
    "address_change": _l("Address changed on the way"),
    "damage": _l("Damage to other parcels"),
    "direct_order": _l("Ordered from the carrier directly"),
    "other": _l("Other"),
}
STATES = {
    "new": (_l("To review"), "warning"),
    "accepted": (_l("Accepted"), "info"),
    "disputed": (_l("Disputed"), "error"),
    "upheld": (_l("Dispute rejected"), "info"),
    "dropped": (_l("Dropped"), "neutral"),
    "charged": (_l("Charged"), "success"),
}
VIEWS = {
    "open": _l("Waiting: to review and disputed"),
    "new": _l("To review"),
    "disputed": _l("Under dispute"),
    "charged": _l("Charged surcharges"),
    "dropped": _l("Dropped surcharges"),
    "unlinked": _l("Without a shipment"),
    "all": _l("All"),
}
MEASURES = {
    "weight": _l("Weight"),
    "length": _l("Length"),
    "width": _l("Width"),
    "height": _l("Height"),
    "size": _l("Size"),
}
OUTCOMES = {
    "add": (_l("Added for review by the account"), "info"),
    "unlinked": (_l("Unknown waybill: kept for linking"), "warning"),
    "known": (_l("Imported before: skipped"), "neutral"),
}
CARRIERS = {"inpost": "InPost", "dpd": "DPD", "poczta": "Poczta Polska"}
FILE_KINDS = {
    "inpost": _l("InPost surcharge specification (CSV)"),
    "dpd": _l("DPD surcharge specification (XML)"),
    "poczta": _l("Poczta Polska invoice announcement (ZIP or XML)"),
}

FOR_SURCHARGES = {
    "surcharge_kinds": KINDS,
    "surcharge_states": STATES,
    "surcharge_views": VIEWS,
    "surcharge_measures": MEASURES,
    "import_outcomes": OUTCOMES,
    "surcharge_carriers": CARRIERS,
    "surcharge_file_kinds": FILE_KINDS,
    "surcharge_quote_lines": QUOTE_LINES,
}
