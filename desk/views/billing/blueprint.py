"""The billing blueprint, its label tables and what its pages share (who may do what, money in the
messages)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Blueprint
from flask_babel import format_decimal, gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from desk.models import EntryKind, InvoiceMode, PaymentMode, PayoutState, Role
from desk.services.billing import inputs
from desk.services.errors import DeskError
from desk.views.catalog import translated

bp = Blueprint("billing", __name__, url_prefix="/billing")
OWNERS = (Role.OWNER, Role.ADMIN)

ENTRY_KINDS = {
    EntryKind.TOPUP.value: _l("Top-up"),
    EntryKind.SHIPMENT_CHARGE.value: _l("Shipment"),
    EntryKind.SURCHARGE.value: _l("Surcharge"),
    EntryKind.CANCEL_REFUND.value: _l("Refund"),
    EntryKind.CANCEL_FEE.value: _l("Cancellation fee"),
    EntryKind.CORRECTION.value: _l("Correction"),
    EntryKind.COD_OFFSET.value: _l("Cash on delivery offset"),
    EntryKind.WITHDRAWAL.value: _l("Withdrawal"),
    EntryKind.WITHDRAWAL_FEE.value: _l("Withdrawal fee"),
}
PAYMENT_MODES = {
    PaymentMode.PREPAID.value: _l("Prepaid (from the balance)"),
    PaymentMode.INVOICE.value: _l("On invoice (credit limit)"),
}
INVOICE_MODES = {
    InvoiceMode.PER_ORDER.value: _l("For each order"),
    InvoiceMode.SEMIMONTHLY.value: _l("Twice a month (1-15, 16-end)"),
    InvoiceMode.MONTHLY.value: _l("Once a month"),
}
PAYOUT_STATES = {
    PayoutState.REQUESTED.value: _l("requested"),
    PayoutState.EXPORTED.value: _l("in a transfer file"),
    PayoutState.PAID.value: _l("paid"),
}
LABELS = {
    "entry_kinds": ENTRY_KINDS,
    "payment_modes": PAYMENT_MODES,
    "invoice_modes": INVOICE_MODES,
    "payout_states": PAYOUT_STATES,
}


@bp.context_processor
def _labels() -> dict[str, Any]:
    return translated(LABELS) | {"is_admin": is_admin(), "is_owner": may_manage()}


def is_admin() -> bool:
    return current_user.is_authenticated and current_user.role == Role.ADMIN


def may_manage() -> bool:
    """Owners and administrators edit billing profiles and ask for withdrawals."""
    return current_user.is_authenticated and current_user.role in OWNERS


def amount_text(value: Decimal) -> str:
    """An amount as Polish (or English) readers write it, without the currency: "1 234,56"."""
    return format_decimal(value, format="#,##0.00")


def error_text(error: DeskError) -> str:
    """The domain error in the current language, its amounts written the local way."""
    params = {
        name: amount_text(value) if isinstance(value, Decimal) else value
        for name, value in error.params.items()
    }
    return gettext(error.message, **params)


def field_errors(error: inputs.FormErrors) -> dict[str, list[str]]:
    return {name: [error_text(problem)] for name, problem in error.errors.items()}
