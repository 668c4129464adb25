"""The billing profile form: who the invoices are made out to, where payouts go, how invoices come.

Account owners and administrators edit the company data, the billing e-mail, the payout account and the
invoice mode; only administrators change the payment mode and the credit limit (the broker's agreement).
Every field is checked before anything is written; the errors come back per field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from desk.extensions import db
from desk.models.billing import BillingProfile, InvoiceMode, PaymentMode
from desk.orm import utcnow
from desk.services.billing import inputs
from desk.services.billing.ledger import profile
from desk.services.errors import N_

FIELDS = ("company_name", "nip", "street", "postcode", "city", "billing_email", "payout_iban", "invoice_mode")
TERMS = ("payment_mode", "credit_limit")  # administrators only


def form_values(found: BillingProfile) -> dict[str, str]:
    """The profile as the form shows it."""
    return {
        "company_name": found.company_name,
        "nip": found.nip,
        "street": found.street,
        "postcode": found.postcode,
        "city": found.city,
        "billing_email": found.billing_email,
        "payout_iban": inputs.BankAccount(found.payout_iban, "").formatted if found.payout_iban else "",
        "invoice_mode": found.invoice_mode.value,
        "payment_mode": found.payment_mode.value,
        "credit_limit": f"{found.credit_limit:.2f}".replace(".", ","),
    }


def _choice(enum_type: type, field: str) -> Callable[[str], Any]:
    def read(value: str) -> Any:
        try:
            return enum_type((value or "").strip())
        except ValueError:
            raise inputs.FieldError(field, N_("Choose one of the options.")) from None

    return read


def _readers(may_set_terms: bool) -> dict[str, Callable[[str], Any]]:
    readers: dict[str, Callable[[str], Any]] = {
        "company_name": lambda v: inputs.text(v, "company_name", max_length=200),
        "nip": lambda v: inputs.nip(v) if (v or "").strip() else "",
        "street": lambda v: inputs.text(v, "street", max_length=120),
        "postcode": inputs.postcode,
        "city": lambda v: inputs.text(v, "city", max_length=60),
        "billing_email": inputs.email,
        "payout_iban": lambda v: inputs.bank_account(v).iban if (v or "").strip() else "",
        "invoice_mode": _choice(InvoiceMode, "invoice_mode"),
    }
    if may_set_terms:
        readers["payment_mode"] = _choice(PaymentMode, "payment_mode")
        readers["credit_limit"] = lambda v: inputs.amount(v, "credit_limit", allow_zero=True)
    return readers


def save_profile(account_id: int, form: Mapping[str, str], *, may_set_terms: bool) -> BillingProfile:
    """Check every field, then save them all (commits). Raises inputs.FormErrors naming each wrong field
    (nothing written). Terms sent by someone who may not set them are ignored."""
    found = profile(account_id)
    values: dict[str, Any] = {}
    errors: dict[str, inputs.FieldError] = {}
    for field, read in _readers(may_set_terms).items():
        try:
            values[field] = read(form.get(field, ""))
        except inputs.FieldError as error:
            errors[field] = error
    if errors:
        db.session.rollback()
        raise inputs.FormErrors(errors)
    if values.get("payment_mode") is PaymentMode.PREPAID and values.get("credit_limit", Decimal(0)) > 0:
        db.session.rollback()
        raise inputs.FormErrors(
            {"credit_limit": inputs.FieldError("credit_limit", N_("A prepaid account has no credit limit."))}
        )
    for field, value in values.items():
        setattr(found, field, value)
    found.updated_at = utcnow()
    db.session.commit()
    return found
