"""Every label table of the desk: the words (and badge tones) people see for stored codes.

All labels are `lazy_gettext` strings. Templates know the tables by the names in the FOR_* mappings,
translated once per language (catalog.translated); `init_app` makes the shared ones available on
every page.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l

from desk.models import AccountStatus, OutboxState, Role
from desk.models.rating import DraftKind, DraftState, RemovalOutcome
from desk.services import orders, ratings
from desk.views import carrier_labels
from desk.views.catalog import translated

# --- agents, seller accounts, sync runs --------------------------------------------------------

AGENT_ROLES = {Role.ADMIN: _l("Administrator"), Role.OWNER: _l("Shop owner"), Role.AGENT: _l("Agent")}
ACCOUNT_STATUSES = {
    AccountStatus.PENDING: (_l("Waiting for connection"), "warning"),
    AccountStatus.ACTIVE: (_l("Active"), "success"),
    AccountStatus.NEEDS_RECONNECT: (_l("Needs reconnecting"), "error"),
    AccountStatus.DISABLED: (_l("Disabled"), "neutral"),
}
RUN_STATES = {
    "running": _l("running"),
    "ok": _l("done"),
    "partial": _l("partly done"),
    "interrupted": _l("interrupted"),
    "failed": _l("failed"),
    "skipped": _l("skipped"),
}
RUN_TONES = {
    "running": "info", "ok": "success", "partial": "warning", "failed": "error", "interrupted": "error",
    "skipped": "neutral",
}
RUN_KINDS = {
    "incremental": _l("changes"),
    "sweep": _l("changes + repair sweep"),
    "backfill": _l("history"),
    "full": _l("full"),
}
QUARANTINE_KINDS = {
    "checkout_form": _l("Order"),
    "order_event": _l("Order event"),
    "issue": _l("Discussion or claim"),
    "issue_chat": _l("Messages of a discussion or claim"),
    "thread": _l("Message Center thread"),
    "thread_messages": _l("Messages of a Message Center thread"),
    "rating": _l("Rating"),
}
# The steps of one sync run, by the names the run records (SyncRun.steps, Quarantine.step).
SYNC_STEPS = {
    "orders": _l("Orders"),
    "issues": _l("Discussions and claims"),
    "messages": _l("Message Center"),
    "ratings": _l("Ratings"),
}
RETRY_OUTCOMES = {
    "stored": (_l("Read again and saved."), "success"),
    "still_bad": (
        _l("Allegro still sends this record in a form the desk cannot save; it stays set aside."), "error"
    ),
    "gone": (_l("Allegro no longer has this record; it has been removed from the list."), "success"),
}

# --- write-backs to Allegro (outbox messages) ----------------------------------------------------

_WRITE_UNDERWAY = {
    OutboxState.PENDING: (_l("waiting to be sent"), "info"),
    OutboxState.SENDING: (_l("sending"), "info"),
    OutboxState.UNKNOWN: (_l("being confirmed"), "warning"),
}
ORDER_WRITE_STATES = {
    **_WRITE_UNDERWAY,
    OutboxState.SENT: (_l("sent"), "success"),
    OutboxState.FAILED: (_l("failed"), "error"),
}
RATING_WRITE_STATES = {
    **_WRITE_UNDERWAY,
    OutboxState.SENT: (_l("sent to Allegro"), "success"),
    OutboxState.FAILED: (_l("refused"), "error"),
}
SLOW_DOWN = _l("Allegro asked us to slow down; it will be sent again shortly.")
REFUSED_DATA = _l("Allegro refused the data.")
# Why a write failed or waits, by the outbox message's last error code (see errors.write_error).
WRITE_ERRORS = {
    "auth_expired": _l("The connection to this Allegro account has expired. Reconnect the account."),
    "outcome_unknown": _l("It is not yet known whether Allegro accepted it; it is checked before any retry."),
    "gave_up": _l("Allegro did not answer after several attempts."),
    "VALIDATION_ERROR": REFUSED_DATA,
    "http_422": REFUSED_DATA,
    "TOO_MANY_REQUESTS": SLOW_DOWN,
    "RateLimited": SLOW_DOWN,
    "http_429": SLOW_DOWN,
    "AllegroConnectionError": _l("Allegro could not be reached; it will be sent again shortly."),
    "refused": _l("The desk refused the change."),
    "WAYBILL_USAGE_EXCEEDED": _l("This tracking number is already used in too many orders."),
    ratings.ALREADY_ANSWERED: _l("Allegro refused: this rating already has an answer."),
    ratings.DEADLINE_PASSED: _l("Allegro refused: the deadline for a removal request has passed."),
    ratings.ALREADY_REQUESTED: _l(
        "Allegro refused: removal of this rating has already been requested."
    ),
}
# Allegro's 409 means something else in each area: the issue's chat closed, the order changed.
CLOSED_CHAT = _l(
    "The chat of this issue is closed: Allegro accepts no new messages. Your text is kept below."
)
ISSUE_WRITE_ERRORS = dict.fromkeys(("http_409", "CONFLICT", "CHAT_CLOSED"), CLOSED_CHAT)
ORDER_CONFLICT = _l(
    "The order changed on Allegro (e.g. the buyer changed the address). "
    "We have refreshed the data — check it and try again."
)
ORDER_WRITE_ERRORS = dict.fromkeys(orders.CONFLICT_CODES, ORDER_CONFLICT)

# --- orders -------------------------------------------------------------------------------------

FULFILLMENT_STATUSES = {
    "NEW": (_l("New"), "info"),
    "PROCESSING": (_l("Processing"), "warning"),
    "READY_FOR_SHIPMENT": (_l("Ready for shipment"), "info"),
    "READY_FOR_PICKUP": (_l("Ready for pickup"), "info"),
    "SENT": (_l("Sent"), "success"),
    "PICKED_UP": (_l("Picked up"), "success"),
    "CANCELLED": (_l("Cancelled"), "error"),
    "SUSPENDED": (_l("Suspended"), "warning"),
    "RETURNED": (_l("Returned"), "neutral"),
}
ORDER_STATUSES = {
    "BOUGHT": (_l("Bought (no checkout form)"), "neutral"),
    "FILLED_IN": (_l("Checkout form filled in"), "warning"),
    "READY_FOR_PROCESSING": (_l("Ready for processing (paid)"), "success"),
    "CANCELLED": (_l("Cancelled"), "error"),
}
PAYMENT_TYPES = {
    "ONLINE": _l("Online payment"),
    "CASH_ON_DELIVERY": _l("Cash on delivery"),
    "WIRE_TRANSFER": _l("Bank transfer"),
    "SPLIT_PAYMENT": _l("Split payment"),
    "EXTENDED_TERM": _l("Deferred payment"),
}
ORDER_SORTS = {
    "date_desc": _l("Newest first"),
    "date_asc": _l("Oldest first"),
    "total_desc": _l("Highest total first"),
    "total_asc": _l("Lowest total first"),
}
ORDER_CHANGE_SOURCES = {
    "event": _l("Allegro event"),
    "sweep": _l("Repair sweep"),
    "backfill": _l("History import"),
    "agent": _l("Agent"),
    "refresh": _l("Re-read from Allegro"),
}
ORDER_CHANGE_FIELDS = {
    "status": _l("Allegro status"),
    "fulfillment_status": _l("Fulfilment status"),
    "payment_type": _l("Payment type"),
    "delivery_method_name": _l("Delivery method"),
    "total_amount": _l("Total"),
    "tag": _l("Tag"),
    "tracking_number": _l("Tracking number"),
}
BULK_SKIPS = {
    orders.SKIP_SAME: _l("already in this status"),
    orders.SKIP_CANCELLED: _l("cancelled order"),
    orders.SKIP_HIDDEN: _l("not found or not visible to you"),
}

# --- discussions and claims ---------------------------------------------------------------------

# Every kind of buyer conversation: Message Center threads first (they replaced new discussions).
ISSUE_TYPES = {
    "POST_PURCHASE_ISSUE": _l("Post-purchase problem"),
    "COMMON": _l("Buyer's question"),
    "DISPUTE": _l("Discussion"),
    "CLAIM": _l("Claim"),
}
# A post-purchase problem's subType. Allegro listed the values without labels (allegro-api#13970);
# an unknown value is shown verbatim.
PROBLEM_TYPES = {
    "PRODUCT_INCONSISTENT_WITH_THE_OFFER": _l("Product does not match the offer"),
    "PRODUCT_ARRIVED_DAMAGED": _l("Product arrived damaged"),
    "DEFECT_DETECTED_DURING_USE": _l("Defect found during use"),
    "NO_PRODUCT_IN_THE_SHIPMENT": _l("No product in the parcel"),
    "MISSING_PRODUCT_ELEMENTS": _l("Parts of the product are missing"),
    "OTHER": _l("Other problem"),
    "NO_REFUND": _l("No refund"),
    "SELLER_DOES_NOT_WANT_TO_ACCEPT_RETURN": _l("The seller does not want to accept the return"),
    "PROBLEM_WITH_SENDING_PRODUCT_BACK": _l("Problem with sending the product back"),
    "NO_DOCUMENTATIONS": _l("No documents (proof of purchase, manual, warranty)"),
}
THREAD_STATUSES = {"OPEN": (_l("Thread open"), "info"), "CLOSED": (_l("Thread closed"), "neutral")}
# A Message Center message the buyer may not see (yet), or one removed on Allegro ("deleted").
THREAD_MESSAGE_STATUSES = {
    "VERIFYING": (_l("Being verified by Allegro"), "warning"),
    "BLOCKED": (_l("Blocked by Allegro"), "error"),
    "deleted": (_l("Deleted on Allegro"), "neutral"),
}
# A thread attachment's scan state: only SAFE ones may be downloaded.
ATTACHMENT_STATUSES = {
    "NEW": (_l("Being checked by Allegro"), "info"),
    "SAFE": (_l("Checked"), "success"),
    "UNSAFE": (_l("Blocked as unsafe"), "error"),
    "EXPIRED": (_l("No longer available"), "neutral"),
}
THREAD_MESSAGE_KINDS = {
    "ASK_QUESTION": _l("Question from an offer page"),
    "MAIL": _l("E-mail"),
    "MESSAGE_CENTER": _l("Message Center"),
}
ISSUE_STATUSES = {
    "DISPUTE_ONGOING": _l("Discussion ongoing"),
    "DISPUTE_UNRESOLVED": _l("Discussion unresolved (Allegro involved)"),
    "DISPUTE_CLOSED": _l("Discussion closed"),
    "CLAIM_SUBMITTED": _l("Claim awaiting decision"),
    "CLAIM_ACCEPTED": _l("Claim accepted"),
    "CLAIM_REJECTED": _l("Claim rejected"),
}
ISSUE_STATUS_TONES = {
    "DISPUTE_ONGOING": "info",
    "DISPUTE_UNRESOLVED": "warning",
    "DISPUTE_CLOSED": "neutral",
    "CLAIM_SUBMITTED": "warning",
    "CLAIM_ACCEPTED": "success",
    "CLAIM_REJECTED": "error",
}
ISSUE_QUEUES = {
    "reply": _l("Needs our reply"),
    "decision": _l("Claims awaiting decision"),
    "waiting": _l("Waiting for the buyer"),
    "escalated": _l("Allegro involved"),
    "at_risk": _l("Deadlines at risk"),
    "mine": _l("Assigned to me"),
    "closed": _l("Closed"),
}
AUTHOR_ROLES = {
    "BUYER": _l("Buyer"),
    "SELLER": _l("Seller"),
    "ADMIN": _l("Allegro advisor"),
    "SYSTEM": _l("Allegro notice"),
    "FULFILLMENT": _l("Allegro Fulfillment"),
}
MESSAGE_TYPES = {
    "REGULAR": _l("Message"),
    "END_REQUEST": _l("Message asking the buyer to end the discussion"),
    "RETURN_REQUIRED_SELLER_LABEL": _l("Return required: we provide the shipping label"),
    "RETURN_REQUIRED_CUSTOM": _l("Return required: the buyer sends it back as agreed"),
    "RETURN_NOT_REQUIRED": _l("No return required"),
}
DECISIONS = {
    "ACCEPTED_REFUND": _l("Accept: refund the money"),
    "ACCEPTED_PARTIAL_REFUND": _l("Accept: partial refund"),
    "ACCEPTED_EXCHANGE": _l("Accept: exchange the product"),
    "ACCEPTED_REPAIR": _l("Accept: repair the product"),
    "REJECTED_PRODUCT_CONFORMS_TO_CONTRACT": _l("Reject: the product conforms to the contract"),
    "REJECTED_MINOR_DEFECT": _l("Reject: the defect is minor"),
    "REJECTED_PRODUCT_DAMAGED_BY_USER": _l("Reject: damaged by the user"),
    "REJECTED_PRODUCT_NOT_RETURNED": _l("Reject: the product was not sent back"),
    "REJECTED_ADDITIONAL_REQUIREMENTS_NOT_COMPLETED": _l(
        "Reject: the buyer did not supply what was required"
    ),
    "REJECTED_CLAIM_WITHDRAWN_BY_BUYER": _l("Reject: the buyer withdrew the claim"),
    "REJECTED_OTHER": _l("Reject: another reason"),
}
EXPECTATIONS = {
    "REFUND": _l("Refund"),
    "PARTIAL_REFUND": _l("Partial refund"),
    "EXCHANGE": _l("Exchange"),
    "REPAIR": _l("Repair"),
}
RIGHTS = {"WARRANTY": _l("Statutory warranty"), "COMPLAINT": _l("Guarantee")}
REASONS = {
    "NO_PRODUCT_RECEIVED": _l("Product not received"),
    "NO_PRODUCT_IN_PARCEL": _l("No product in the parcel"),
    "NO_PROOF_OF_PURCHASE_MANUAL_OR_WARRANTY": _l("No proof of purchase, manual or warranty card"),
    "MISSING_PRODUCT_ELEMENT": _l("A part of the product is missing"),
    "PRODUCT_AND_PARCEL_DAMAGED_IN_TRANSIT": _l("Product and parcel damaged in transit"),
    "PRODUCT_DAMAGED_PARCEL_INTACT": _l("Product damaged, parcel intact"),
    "DEFECT_FOUND_DURING_USE": _l("Defect found during use"),
    "NOT_AS_DESCRIBED": _l("Not as described"),
    "SELLER_DOES_NOT_WANT_TO_ACCEPT_RETURN": _l("The seller does not want to accept the return"),
    "PROBLEM_WITH_SENDING_PRODUCT_BACK": _l("Problem with sending the product back"),
    "NO_REFUND_AFTER_RETURNING_PRODUCT": _l("No refund after the product was returned"),
    "NO_REFUND_AFTER_CANCELING_ORDER": _l("No refund after the order was cancelled"),
    "DID_NOT_RECEIVE_GOODS_AFTER_PAYMENT": _l("Goods not received after payment"),
    "RECEIVED_ITEMS_NOT_MATCHING_DESCRIPTION": _l("Items do not match the description"),
    "RECEIVED_INCOMPLETE_ORDER": _l("Incomplete order received"),
    "ITEM_IS_DAMAGED": _l("The item is damaged"),
    "PROBLEM_WITH_WITHDRAWAL_CANCELLATION_OF_PURCHASE": _l("Problem with withdrawing from the purchase"),
    "PROBLEM_WITH_GOODS_RETURN_CANCELLATION_OF_PURCHASE": _l("Problem with returning the goods"),
    "OTHER": _l("Other reason"),
}
ISSUE_HISTORY_FIELDS = {
    "status": _l("Status"),
    "chat_active": _l("Chat open"),
    "deadline": _l("Deadline"),
    "return_required": _l("Return required"),
    "decision": _l("Decision"),
    "assignee": _l("Assigned agent"),
}
ISSUE_HISTORY_SOURCES = {"sync": _l("Allegro"), "agent": _l("Agent"), "auto": _l("Automatic")}
TEMPLATE_KINDS = {
    "both": _l("Discussions and claims"),
    "dispute": _l("Discussions only"),
    "claim": _l("Claims only"),
}
PLACEHOLDERS = {
    "buyer_login": _l("the buyer's login"),
    "order_number": _l("the order number"),
    "items": _l("the items the issue is about"),
    "tracking_number": _l("the tracking numbers of the order"),
    "reference_number": _l("the claim number"),
    "agent_name": _l("your name"),
}

# --- ratings ------------------------------------------------------------------------------------

REMOVAL_FILTERS = {
    "possible": _l("Removal can be requested"),
    "requested": _l("Removal requested"),
    "pending": _l("Removal awaiting the buyer"),
    "removed": _l("Removed after our request"),
    "refused": _l("Removal refused"),
}
REMOVAL_OUTCOMES = {
    RemovalOutcome.NONE: (_l("not requested"), "neutral"),
    RemovalOutcome.PENDING: (_l("removal requested"), "info"),
    RemovalOutcome.REMOVED: (_l("removed"), "success"),
    RemovalOutcome.REFUSED: (_l("removal refused"), "warning"),
}
RATING_CRITERIA = {
    "delivery": _l("Delivery time"),
    "delivery_cost": _l("Delivery cost"),
    "description": _l("Item as described"),
    "service": _l("Customer service"),
}
DRAFT_STATES = {
    DraftState.PROPOSED: (_l("waiting for approval"), "warning"),
    DraftState.REJECTED: (_l("rejected by the owner"), "error"),
}
DRAFT_KINDS = {DraftKind.ANSWER: _l("Answer"), DraftKind.REMOVAL: _l("Removal request")}
YES_NO = {"yes": _l("yes"), "no": _l("no")}
RATING_EXPORT_HEADINGS = {
    "rated_at": _l("Date"),
    "account": _l("Account"),
    "buyer_login": _l("Buyer"),
    "recommended": _l("Recommends"),
    "comment": _l("Comment"),
    "order": _l("Order"),
    "offers": _l("Items"),
    "answer": _l("Answer"),
    "answered_at": _l("Answered at"),
    "removal_possible_to": _l("Removal possible until"),
    "removal_requested_at": _l("Removal requested at"),
    "removal_outcome": _l("Removal"),
    "excluded": _l("Excluded from averages"),
    "excluded_reason": _l("Reason for exclusion"),
    "allegro_id": _l("Allegro rating id"),
    **{f"rate_{key}": label for key, label in RATING_CRITERIA.items()},
}
RATING_EXPORT_WORDS = {**YES_NO, **{outcome.value: label for outcome, (label, _) in REMOVAL_OUTCOMES.items()}}

# --- the tables by the names templates know them ------------------------------------------------

FOR_ALL = {
    "run_states": RUN_STATES,
    "run_tones": RUN_TONES,
    "run_kinds": RUN_KINDS,
    "account_status": ACCOUNT_STATUSES,
    "quarantine_kinds": QUARANTINE_KINDS,
    "sync_steps": SYNC_STEPS,
}
FOR_ADMIN = {"role_labels": AGENT_ROLES, "role_options": list(AGENT_ROLES.items())}
FOR_ORDERS = {
    "tracking_states": carrier_labels.TRACKING_STATES,
    "shipment_statuses": carrier_labels.SHIPMENT_STATUSES,
    "fulfillment_labels": FULFILLMENT_STATUSES,
    "order_status_labels": ORDER_STATUSES,
    "payment_labels": PAYMENT_TYPES,
    "sort_labels": ORDER_SORTS,
    "change_sources": ORDER_CHANGE_SOURCES,
    "change_fields": ORDER_CHANGE_FIELDS,
    "write_states": ORDER_WRITE_STATES,
    "skip_labels": BULK_SKIPS,
    "settable_options": [(code, FULFILLMENT_STATUSES[code][0]) for code in orders.SETTABLE_STATUSES],
    # the order's conversations
    "conversation_kinds": ISSUE_TYPES,
    "conversation_statuses": ISSUE_STATUSES,
    "conversation_status_tones": ISSUE_STATUS_TONES,
    "thread_statuses": THREAD_STATUSES,
    "problem_labels": PROBLEM_TYPES,
    "reason_labels": REASONS,
    "lane_labels": ISSUE_QUEUES,
}
FOR_ISSUES = {
    "issue_types": ISSUE_TYPES,
    "problem_labels": PROBLEM_TYPES,
    "thread_statuses": THREAD_STATUSES,
    "thread_status_names": {code: label for code, (label, _tone) in THREAD_STATUSES.items()},
    "thread_message_statuses": THREAD_MESSAGE_STATUSES,
    "thread_message_kinds": THREAD_MESSAGE_KINDS,
    "attachment_statuses": ATTACHMENT_STATUSES,
    "issue_statuses": ISSUE_STATUSES,
    "status_tones": ISSUE_STATUS_TONES,
    "queue_labels": ISSUE_QUEUES,
    "role_labels": AUTHOR_ROLES,
    "message_type_labels": MESSAGE_TYPES,
    "decision_labels": DECISIONS,
    "expectation_labels": EXPECTATIONS,
    "right_labels": RIGHTS,
    "reason_labels": REASONS,
    "history_fields": ISSUE_HISTORY_FIELDS,
    "history_sources": ISSUE_HISTORY_SOURCES,
    "template_kinds": TEMPLATE_KINDS,
    "placeholder_labels": PLACEHOLDERS,
}
FOR_RATINGS = {
    "removal_filters": REMOVAL_FILTERS,
    "removal_outcomes": REMOVAL_OUTCOMES,
    "criteria_labels": RATING_CRITERIA,
    "rating_write_states": RATING_WRITE_STATES,
    "draft_states": DRAFT_STATES,
    "draft_kinds": DRAFT_KINDS,
}

PRICE_LIST_STATES = {
    "planned": (_l("not yet in force"), "info"),
    "in_force": (_l("in force"), "success"),
    "ended": (_l("ended"), "neutral"),
}
PRICE_ADDONS = {
    "cod": _l("Cash on delivery"),
    "insurance": _l("Insurance"),
    "sms": _l("SMS notice"),
    "email": _l("E-mail notice"),
    "saturday": _l("Saturday delivery"),
    "rod": _l("Return of documents (ROD)"),
    "priority": _l("Priority"),
    "fragile": _l("Fragile"),
    "own_hands": _l("To the addressee in person"),
    "check_content": _l("Content check by the receiver"),
    "carry_in": _l("Carry-in"),
    "in_pers": _l("Delivery in person"),
    "priv_pers": _l("Delivery to a private person"),
    "cud": _l("Exchange on delivery"),
    "time0930": _l("Delivery by 9:30"),
    "time1200": _l("Delivery by 12:00"),
    "dor1720": _l("Delivery 17:00-20:00"),
    "courier_call": _l("Courier call"),
    "nonstandard": _l("Non-standard parcel"),
}
QUOTE_LINES = {"parcel": _l("Parcel"), **PRICE_ADDONS}
PRICE_FIELDS = {
    "type": _l("Type"),
    "carrier": _l("Carrier"),
    "service": _l("Service"),
    "size_class": _l("Size class"),
    "weight_from_g": _l("Weight from (g)"),
    "weight_to_g": _l("Weight to (g)"),
    "code": _l("Additional service"),
    "value_from": _l("Amount from (PLN)"),
    "value_to": _l("Amount to (PLN)"),
    "net": _l("Net (PLN)"),
    "net_fixed": _l("Fixed net (PLN)"),
    "percent": _l("Percent"),
    "min_net": _l("Minimum net (PLN)"),
}
FOR_PRICES = {
    "price_list_states": PRICE_LIST_STATES,
    "addon_labels": PRICE_ADDONS,
    "quote_line_labels": QUOTE_LINES,
    "price_fields": PRICE_FIELDS,
}


# -- the shipping day's close-out (desk/views/closeout.py) ----------------------------------------
CARRIER_NAMES = {"inpost": "InPost", "dpd": "DPD", "poczta": "Poczta Polska", "allegro": "Wysyłam z Allegro"}
SHIPPING_MODES = {"dropoff": _l("Drop-off at a point"), "pickup": _l("Courier pickup")}
SHIPMENT_STATUSES = {
    "ordering": (_l("Being ordered"), "info"),
    "checking": (_l("Being checked with the carrier"), "warning"),
    "pending": (_l("Carrier processing"), "info"),
    "confirmed": (_l("Confirmed"), "success"),
    "sent": (_l("Handed to the carrier's books"), "success"),
    "failed": (_l("Refused"), "error"),
    "cancelled": (_l("Cancelled"), "neutral"),
}
PICKUP_STATUSES = {
    "ordering": (_l("Not sent yet"), "warning"),
    "checking": (_l("Answer lost: check with the carrier before calling again"), "warning"),
    "ordered": (_l("Ordered"), "success"),
    "failed": (_l("Refused by the carrier"), "error"),
}
LABEL_CHOICES = {
    "a4": _l("PDF, A4 (four labels per page)"),
    "a6": _l("PDF, A6 (one label per page)"),
    "zpl": _l("ZPL (thermal printer)"),
}
FOR_CLOSEOUT = {
    "carrier_names": CARRIER_NAMES,
    "shipping_modes": SHIPPING_MODES,
    "shipment_statuses": SHIPMENT_STATUSES,
    "pickup_statuses": PICKUP_STATUSES,
    "label_choices": LABEL_CHOICES,
}


# -- cash on delivery (desk/views/cod) -------------------------------------------------------------
COD_STATES = {
    "to_collect": (_l("To collect"), "neutral"),
    "collected": (_l("Collected by the carrier"), "info"),
    "received": (_l("Received by the broker"), "info"),
    "due": (_l("Due"), "warning"),
    "paid": (_l("Paid out"), "success"),
    "withheld": (_l("Withheld"), "error"),
    "returned": (_l("Returned with the parcel"), "neutral"),
    "cancelled": (_l("Cancelled"), "neutral"),
}
COD_TIERS = {1: _l("1 working day"), 5: _l("5 working days"), 10: _l("10 working days")}
COD_SINKS = {"bank_account": _l("Bank account (paid by the broker)"), "allegro_wallet": _l("Allegro wallet")}
COD_OUTCOMES = {
    "matched": (_l("Matched"), "success"),
    "short": (_l("Less than expected"), "error"),
    "over": (_l("More than expected"), "warning"),
    "unknown": (_l("Unknown waybill"), "error"),
    "duplicate": (_l("Already received"), "warning"),
    "unexpected": (_l("Not expected from this carrier"), "warning"),
}
COD_BATCH_STATUSES = {
    "open": (_l("Unfinished"), "warning"),
    "ready": (_l("Ready to export"), "info"),
    "exported": (_l("Exported and paid"), "success"),
}
REMITTANCE_PROBLEMS = {
    "empty_file": _l("The file is empty."),
    "encoding": _l("The file's characters cannot be read (UTF-8 or Windows-1250 expected)."),
    "unreadable": _l("The file is not in the carrier's format."),
    "missing_column": _l("A column or element is missing: %(column)s."),
    "no_lines": _l("The file lists no parcels."),
    "too_many_lines": _l("Too many lines (at most %(limit)s)."),
    "empty_waybill": _l("The waybill number is missing."),
    "bad_amount": _l("Not an amount: %(value)s."),
    "bad_currency": _l("Only PLN is accepted, not %(value)s."),
    "bad_date": _l("Not a date: %(value)s."),
    "duplicate_waybill": _l("Waybill %(waybill)s is listed twice (first on line %(first)s)."),
    "total_mismatch": _l("The file's total %(declared)s differs from the sum of its lines %(summed)s."),
}
FOR_COD = {
    "carrier_names": CARRIER_NAMES,
    "cod_states": COD_STATES,
    "cod_tiers": COD_TIERS,
    "cod_sinks": COD_SINKS,
    "cod_outcomes": COD_OUTCOMES,
    "cod_batch_statuses": COD_BATCH_STATUSES,
    "remittance_problems": REMITTANCE_PROBLEMS,
}


def options(table: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """(value, label) pairs for a select, from a label table whose values may be (label, tone)."""
    return [(code, label[0] if isinstance(label, tuple) else label) for code, label in table.items()]


def init_app(app: Flask) -> None:
    """Offer the tables every area shows (and `options`) to all templates."""

    @app.context_processor
    def _labels() -> dict[str, Any]:
        return translated(FOR_ALL) | {"options": options}
