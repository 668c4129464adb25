"""Invoice settings as the invoicing services take them (the seller, the payment term, the block)."""

from __future__ import annotations

from flask import Flask, current_app

from desk.services.billing.invoices import Seller, Terms


def invoice_terms(app: Flask | None = None) -> Terms:
    """The broker's data and the invoice terms, read from the config at each call."""
    config = (app or current_app).config
    seller = Seller(
        name=config["BROKER_NAME"], nip=config["BROKER_NIP"], street=config["BROKER_STREET"],
        postcode=config["BROKER_POSTCODE"], city=config["BROKER_CITY"],
        bank_account=config["BROKER_BANK_ACCOUNT"], email=config["BROKER_EMAIL"],
    )
    return Terms(
        seller=seller, payment_days=int(config["INVOICE_PAYMENT_DAYS"]),
        block_after_days=int(config["INVOICE_BLOCK_AFTER_DAYS"]),
    )
