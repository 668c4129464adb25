"""Names of Allegro's issue codes for people (English msgids; the views translate them).

Kept here, marked with N_, so views, the CLI and exports share one wording.
"""
from __future__ import annotations

from desk.services.errors import N_

TYPES = {"DISPUTE": N_("Discussion"), "CLAIM": N_("Claim")}
STATUSES = {
    "DISPUTE_ONGOING": N_("Discussion ongoing"),
    "DISPUTE_UNRESOLVED": N_("Discussion unresolved (Allegro involved)"),
    "DISPUTE_CLOSED": N_("Discussion closed"),
    "CLAIM_SUBMITTED": N_("Claim awaiting decision"),
    "CLAIM_ACCEPTED": N_("Claim accepted"),
    "CLAIM_REJECTED": N_("Claim rejected"),
}
STATUS_TONES = {
    "DISPUTE_ONGOING": "info",
    "DISPUTE_UNRESOLVED": "warning",
    "DISPUTE_CLOSED": "neutral",
    "CLAIM_SUBMITTED": "warning",
    "CLAIM_ACCEPTED": "success",
    "CLAIM_REJECTED": "error",
}
QUEUES = {
    "reply": N_("Needs our reply"),
    "decision": N_("Claims awaiting decision"),
    "waiting": N_("Waiting for the buyer"),
    "escalated": N_("Allegro involved"),
    "at_risk": N_("Deadlines at risk"),
    "mine": N_("Assigned to me"),
    "closed": N_("Closed"),
}
ROLES = {
    "BUYER": N_("Buyer"),
    "SELLER": N_("Seller"),
    "ADMIN": N_("Allegro advisor"),
    "SYSTEM": N_("Allegro notice"),
    "FULFILLMENT": N_("Allegro Fulfillment"),
}
MESSAGE_TYPES = {
    "REGULAR": N_("Message"),
    "END_REQUEST": N_("Message asking the buyer to end the discussion"),
    "RETURN_REQUIRED_SELLER_LABEL": N_("Return required: we provide the shipping label"),
    "RETURN_REQUIRED_CUSTOM": N_("Return required: the buyer sends it back as agreed"),
    "RETURN_NOT_REQUIRED": N_("No return required"),
}
DECISIONS = {
    "ACCEPTED_REFUND": N_("Accept: refund the money"),
    "ACCEPTED_PARTIAL_REFUND": N_("Accept: partial refund"),
    "ACCEPTED_EXCHANGE": N_("Accept: exchange the product"),
    "ACCEPTED_REPAIR": N_("Accept: repair the product"),
    "REJECTED_PRODUCT_CONFORMS_TO_CONTRACT": N_("Reject: the product conforms to the contract"),
    "REJECTED_MINOR_DEFECT": N_("Reject: the defect is minor"),
    "REJECTED_PRODUCT_DAMAGED_BY_USER": N_("Reject: damaged by the user"),
    "REJECTED_PRODUCT_NOT_RETURNED": N_("Reject: the product was not sent back"),
    "REJECTED_ADDITIONAL_REQUIREMENTS_NOT_COMPLETED": N_(
        "Reject: the buyer did not supply what was required"
    ),
    "REJECTED_CLAIM_WITHDRAWN_BY_BUYER": N_("Reject: the buyer withdrew the claim"),
    "REJECTED_OTHER": N_("Reject: another reason"),
}
EXPECTATIONS = {
    "REFUND": N_("Refund"),
    "PARTIAL_REFUND": N_("Partial refund"),
    "EXCHANGE": N_("Exchange"),
    "REPAIR": N_("Repair"),
}
RIGHTS = {"WARRANTY": N_("Statutory warranty"), "COMPLAINT": N_("Guarantee")}
REASONS = {
    "NO_PRODUCT_RECEIVED": N_("Product not received"),
    "NO_PRODUCT_IN_PARCEL": N_("No product in the parcel"),
    "NO_PROOF_OF_PURCHASE_MANUAL_OR_WARRANTY": N_("No proof of purchase, manual or warranty card"),
    "MISSING_PRODUCT_ELEMENT": N_("A part of the product is missing"),
    "PRODUCT_AND_PARCEL_DAMAGED_IN_TRANSIT": N_("Product and parcel damaged in transit"),
    "PRODUCT_DAMAGED_PARCEL_INTACT": N_("Product damaged, parcel intact"),
    "DEFECT_FOUND_DURING_USE": N_("Defect found during use"),
    "NOT_AS_DESCRIBED": N_("Not as described"),
    "SELLER_DOES_NOT_WANT_TO_ACCEPT_RETURN": N_("The seller does not want to accept the return"),
    "PROBLEM_WITH_SENDING_PRODUCT_BACK": N_("Problem with sending the product back"),
    "NO_REFUND_AFTER_RETURNING_PRODUCT": N_("No refund after the product was returned"),
    "NO_REFUND_AFTER_CANCELING_ORDER": N_("No refund after the order was cancelled"),
    "DID_NOT_RECEIVE_GOODS_AFTER_PAYMENT": N_("Goods not received after payment"),
    "RECEIVED_ITEMS_NOT_MATCHING_DESCRIPTION": N_("Items do not match the description"),
    "RECEIVED_INCOMPLETE_ORDER": N_("Incomplete order received"),
    "ITEM_IS_DAMAGED": N_("The item is damaged"),
    "PROBLEM_WITH_WITHDRAWAL_CANCELLATION_OF_PURCHASE": N_("Problem with withdrawing from the purchase"),
    "PROBLEM_WITH_GOODS_RETURN_CANCELLATION_OF_PURCHASE": N_("Problem with returning the goods"),
    "OTHER": N_("Other reason"),
}
HISTORY_FIELDS = {
    "status": N_("Status"),
    "chat_active": N_("Chat open"),
    "deadline": N_("Deadline"),
    "return_required": N_("Return required"),
    "decision": N_("Decision"),
    "assignee": N_("Assigned agent"),
}
HISTORY_SOURCES = {"sync": N_("Allegro"), "agent": N_("Agent"), "auto": N_("Automatic")}
TEMPLATE_KINDS = {
    "both": N_("Discussions and claims"),
    "dispute": N_("Discussions only"),
    "claim": N_("Claims only"),
}
PLACEHOLDERS = {
    "buyer_login": N_("the buyer's login"),
    "order_number": N_("the order number"),
    "items": N_("the items the issue is about"),
    "tracking_number": N_("the tracking numbers of the order"),
    "reference_number": N_("the claim number"),
    "agent_name": N_("your name"),
}
CLOSED_CHAT = N_(
    "The chat of this issue is closed: Allegro accepts no new messages. Your text is kept below."
)
WRITE_ERRORS = {
    "http_409": CLOSED_CHAT,
    "CONFLICT": CLOSED_CHAT,
    "CHAT_CLOSED": CLOSED_CHAT,
    "auth_expired": N_("The connection to this Allegro account has expired. Reconnect the account."),
    "outcome_unknown": N_(
        "It is not yet known whether Allegro received it; this is checked before any new attempt, "
        "so the buyer never gets it twice."
    ),
    "gave_up": N_("Allegro did not answer after several attempts."),
    "VALIDATION_ERROR": N_("Allegro refused the data."),
    "http_422": N_("Allegro refused the data."),
    "TOO_MANY_REQUESTS": N_("Allegro asked us to slow down; it will be sent again shortly."),
    "RateLimited": N_("Allegro asked us to slow down; it will be sent again shortly."),
    "http_429": N_("Allegro asked us to slow down; it will be sent again shortly."),
    "AllegroConnectionError": N_("Allegro could not be reached; it will be sent again shortly."),
}
TABLES = {
    "issue_types": TYPES,
    "issue_statuses": STATUSES,
    "queue_labels": QUEUES,
    "role_labels": ROLES,
    "message_type_labels": MESSAGE_TYPES,
    "decision_labels": DECISIONS,
    "expectation_labels": EXPECTATIONS,
    "right_labels": RIGHTS,
    "reason_labels": REASONS,
    "history_fields": HISTORY_FIELDS,
    "history_sources": HISTORY_SOURCES,
    "template_kinds": TEMPLATE_KINDS,
    "placeholder_labels": PLACEHOLDERS,
}
