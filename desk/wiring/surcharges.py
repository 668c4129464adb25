"""Each broker carrier's billing-file parser (the port the surcharge import takes): the desk reads the
carrier's own format, whichever backend (fake or real) the carriers run on."""

from __future__ import annotations

from desk.services.billing.surcharges import ParseFile


def billing_parser(carrier: str) -> ParseFile:
    """The parser of `carrier`'s billing files (KeyError for a carrier without one)."""
    # imported on first use: the DPD package loads zeep, which a desk without DPD never needs
    from integrations.carriers.dpd.billing import parse_billing_file as dpd
    from integrations.carriers.inpost.billing import parse_billing_file as inpost
    from integrations.carriers.poczta.billing import parse_billing_file as poczta

    return {"inpost": inpost, "dpd": dpd, "poczta": poczta}[carrier]
