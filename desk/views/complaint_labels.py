"""The words (and badge tones) complaint pages show for stored codes; templates know them by the names in
FOR_COMPLAINTS (translated once per language, see catalog.translated)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

COMPLAINT_TYPES = {"service": _l("Service"), "invoice": _l("Invoice"), "carrier": _l("Carrier")}
COMPLAINT_STATES = {
    "draft": (_l("Draft"), "neutral"),
    "submitted": (_l("With the broker"), "info"),
    "returned": (_l("Returned as unfounded"), "warning"),
    "forwarded": (_l("With the carrier"), "info"),
    "documents_requested": (_l("Carrier asks for documents"), "warning"),
    "accepted": (_l("Upheld"), "success"),
    "partly_accepted": (_l("Partly accepted"), "success"),
    "rejected": (_l("Rejected"), "error"),
}
CARRIER_KINDS = {
    "delay": _l("Late delivery"),
    "loss": _l("Loss"),
    "damage": _l("Damage"),
    "shortage": _l("Shortage (missing contents)"),
}
INVOICE_REASONS = {
    "dimensions": _l("Wrong parcel dimensions or weight"),
    "fees": _l("Fees charged wrongly"),
    "payer_data": _l("Wrong payer data"),
    "description": _l("Wrong description"),
    "other": _l("Other"),
}
DOC_TYPES = {
    "transport_document": _l("Copy of the transport document"),
    "damage_report": _l("Damage report"),
    "value_invoice": _l("Invoice or receipt (value of the goods)"),
    "production_cost": _l("Production cost calculation"),
    "repair_invoice": _l("Repair invoice"),
    "photo": _l("Photo"),
    "other": _l("Other document"),
    "evidence": _l("Evidence"),
    "attachment_list": _l("List of attachments"),
}
EVENT_KINDS = {
    "created": _l("Written"),
    "edited": _l("Changed"),
    "state": _l("State"),
    "answer": _l("The broker's answer"),
    "files": _l("Files added"),
    "documents": _l("Documents sent to the carrier"),
    "carrier_request": _l("The carrier asks for documents"),
    "decision": _l("The carrier's decision"),
    "refund": _l("Fee refunded to the balance"),
    "compensation_paid": _l("Compensation received"),
    "linked": _l("Linked to the buyer's conversation"),
}
FILING_RULES = {
    "hidden_damage": _l("hidden damage or shortage: 7 days from delivery"),
    "with_report": _l("damage or shortage with a damage report: 14 days from delivery"),
    "delay": _l("late delivery: 14 days from delivery"),
    "loss": _l("loss: from 30 days after posting, within a year"),
    "unknown": _l("the tracking does not show the delivery yet"),
}
ANSWER_LEVELS = {
    "ok": "neutral",
    "soon": "warning",
    "today": "error",
    "overdue": "error",
}
RETURN_INSTRUCTIONS = {
    "resend": _l("Send it to the buyer again"),
    "return_to_seller": _l("Send it back to me"),
    "dispose": _l("Dispose of it"),
}
CORRECTION_STATES = {
    "pending": _l("waiting for the invoicing module"),
    "issued": _l("issued"),
}

FOR_COMPLAINTS = {
    "complaint_types": COMPLAINT_TYPES,
    "complaint_states": COMPLAINT_STATES,
    "carrier_kinds": CARRIER_KINDS,
    "invoice_reasons": INVOICE_REASONS,
    "doc_types": DOC_TYPES,
    "event_kinds": EVENT_KINDS,
    "filing_rules": FILING_RULES,
    "answer_levels": ANSWER_LEVELS,
    "return_instructions": RETURN_INSTRUCTIONS,
    "correction_states": CORRECTION_STATES,
}
