"""Who an invoice is from and to: the broker (from the settings) and the account's company (its
billing profile), each copied onto the invoice when it is issued, so a later change of either never
alters an issued document."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from stdnum.exceptions import ValidationError as StdnumError
from stdnum.pl import nip as pl_nip

from desk.models.billing import BillingProfile
from desk.services.errors import N_, ValidationError


@dataclass(frozen=True)
class Seller:
    """The broker as its invoices name it (desk.wiring builds it from the BROKER_* settings)."""

    name: str
    nip: str
    street: str
    postcode: str
    city: str
    bank_account: str  # the account invoices are paid to (NRB/IBAN as printed)
    email: str = ""

    def snapshot(self) -> dict:
        """What the invoice keeps."""
        return asdict(self)


class BuyerDataError(ValidationError):
    """The account's billing data cannot go on an invoice; `field` names what to fix."""

    def __init__(self, message: str, *, field: str, **params) -> None:
        super().__init__(message, **params)
        self.field = field


def valid_nip(value: str) -> str:
    """The NIP as 10 digits; BuyerDataError when its format or check digit is wrong."""
    try:
        return pl_nip.validate(value or "")
    except StdnumError as exc:
        raise BuyerDataError(
            N_("The buyer's NIP %(nip)s is not a valid Polish NIP (10 digits with a correct check digit)."),
            field="nip", nip=value or "—",
        ) from exc


def buyer_snapshot(profile: BillingProfile) -> dict:
    """The buyer's data from the billing profile, checked: a company name, a valid NIP and an address.

    Raises BuyerDataError (nothing is issued) naming the first missing or wrong field.
    """
    nip = valid_nip(profile.nip)
    required = (
        ("company_name", N_("The buyer's company name is missing in the account's billing data.")),
        ("street", N_("The buyer's street is missing in the account's billing data.")),
        ("postcode", N_("The buyer's postcode is missing in the account's billing data.")),
        ("city", N_("The buyer's city is missing in the account's billing data.")),
    )
    for field, message in required:
        if not (getattr(profile, field) or "").strip():
            raise BuyerDataError(message, field=field)
    return {
        "name": profile.company_name.strip(), "nip": nip, "street": profile.street.strip(),
        "postcode": profile.postcode.strip(), "city": profile.city.strip(),
    }


def payer_snapshot(data: dict) -> dict:
    """Corrected payer data (from an accepted complaint) in the invoice's shape, checked like the profile."""
    nip = valid_nip(data.get("nip", ""))
    fields = {"name": data.get("company_name") or data.get("name") or "", "street": data.get("street") or "",
              "postcode": data.get("postcode") or "", "city": data.get("city") or ""}
    for field, value in fields.items():
        if not value.strip():
            raise BuyerDataError(N_("The corrected payer data is incomplete."), field=field)
    return {key: value.strip() for key, value in fields.items()} | {"nip": nip}


def address_line(party: dict) -> str:
    """Street, postcode and city on one line (FA(3) AdresL1, the PDF's address)."""
    return f"{party['street']}, {party['postcode']} {party['city']}"
