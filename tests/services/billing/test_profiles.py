"""The billing profile: NIP checked by python-stdnum, the payout account by schwifty, the agreement
(payment mode, credit limit) only by administrators; any wrong field and nothing is saved."""

from __future__ import annotations

from decimal import Decimal

import pytest

from desk.extensions import db
from desk.models import InvoiceMode, PaymentMode, SellerAccount
from desk.services import billing
from desk.services.billing import inputs, profiles

GOOD = {
    "company_name": "Sklep Ania Anna Nowak",
    "nip": "856-734-62-15",
    "street": "Piotrkowska 12",
    "postcode": "90-001",
    "city": "Łódź",
    "billing_email": "faktury@sklep-ania.pl",
    "payout_iban": "PL61 1090 1014 0000 0712 1981 2874",
    "invoice_mode": "semimonthly",
    "payment_mode": "invoice",
    "credit_limit": "500,00",
}


@pytest.fixture
def account(app) -> int:
    account = SellerAccount(name="Sklep Ania")
    db.session.add(account)
    db.session.commit()
    return account.id


def test_an_owner_saves_the_company_data_but_not_the_agreement(account):
    saved = profiles.save_profile(account, GOOD, may_set_terms=False)
    assert (saved.nip, saved.payout_iban) == ("8567346215", "PL61109010140000071219812874")
    assert saved.invoice_mode is InvoiceMode.SEMIMONTHLY
    assert saved.payment_mode is PaymentMode.PREPAID and saved.credit_limit == 0


def test_an_administrator_sets_the_payment_mode_and_credit_limit(account):
    saved = profiles.save_profile(account, GOOD, may_set_terms=True)
    assert saved.payment_mode is PaymentMode.INVOICE and saved.credit_limit == Decimal("500.00")
    assert billing.available(account) == Decimal("500.00")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("nip", "1234567890"),
        ("nip", "85673462"),
        ("payout_iban", "PL61 1090 1014 0000 0712 1981 2875"),
        ("payout_iban", "DE89370400440532013000"),
        ("billing_email", "faktury@"),
        ("postcode", "90001"),
        ("invoice_mode", "weekly"),
        ("credit_limit", "-100"),
        ("payment_mode", "barter"),
    ],
)
def test_a_wrong_field_is_named_and_nothing_is_saved(account, field, value):
    with pytest.raises(inputs.FormErrors) as refused:
        profiles.save_profile(account, GOOD | {field: value}, may_set_terms=True)
    assert list(refused.value.errors) == [field]
    db.session.expire_all()
    found = billing.profile(account)
    assert (found.nip, found.company_name, found.credit_limit) == ("", "", Decimal("0.00"))


def test_a_prepaid_account_has_no_credit_limit(account):
    with pytest.raises(inputs.FormErrors) as refused:
        profiles.save_profile(account, GOOD | {"payment_mode": "prepaid"}, may_set_terms=True)
    assert list(refused.value.errors) == ["credit_limit"]
