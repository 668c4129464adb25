"""Polish (translated) labels of the request and hold pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

REQUEST_TYPES = {
    "access": _l("Access to data"),
    "portability": _l("Data portability"),
    "rectification": _l("Rectification"),
    "restriction": _l("Restriction of processing"),
    "objection": _l("Objection"),
    "erasure": _l("Erasure"),
}
REQUEST_STATES = {
    "received": (_l("Received"), "info"),
    "identity_checked": (_l("Identity checked"), "info"),
    "scoped": (_l("Scoped"), "info"),
    "decided": (_l("Decided"), "warning"),
    "executed": (_l("Executed"), "success"),
    "answered": (_l("Answered"), "success"),
    "closed": (_l("Request closed"), "neutral"),
    "rejected": (_l("Request rejected"), "error"),
    "extended": (_l("Extended"), "warning"),
}
DECISIONS = {
    "erase": _l("Erase now (restrict where a hold applies)"),
    "restrict": _l("Restrict processing"),
    "fulfil": _l("Fulfil the request"),
    "reject": _l("Reject with a reason"),
}
HOLD_SCOPES = {
    "buyer": _l("Buyer (Allegro buyer id)"),
    "order": _l("Order (Allegro order number)"),
    "issue": _l("Conversation (Allegro id)"),
    "account": _l("Whole seller account"),
}
HOLD_REASONS = {
    "court_case": _l("Court case"),
    "claim": _l("Claim"),
    "chargeback": _l("Chargeback"),
    "authority_inquiry": _l("UOKiK or UODO inquiry"),
    "tax_audit": _l("Tax audit"),
    "other": _l("Other"),
    "open_conversation": _l("Open conversation or claim"),
    "open_complaint": _l("Open complaint"),
    "cod_unsettled": _l("Cash on delivery not settled"),
    "invoice_unpaid": _l("Unpaid invoice"),
}
CHANNELS = {
    "allegro": _l("Allegro message"),
    "email": _l("E-mail"),
    "operator": _l("Forwarded by the operator"),
}
COUNT_LABELS = {
    "order": _l("Orders"),
    "order_line": _l("Order lines"),
    "order_note": _l("Order notes"),
    "shipment": _l("Shipments"),
    "shipment_label": _l("Labels"),
    "shipment_cod": _l("Cash on delivery"),
    "issue": _l("Conversations"),
    "issue_message": _l("Messages"),
    "reply_file": _l("Attached files"),
    "rating": _l("Ratings"),
    "complaint": _l("Complaints"),
}
