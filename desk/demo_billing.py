"""The demo account's money for `make run`: a billing profile, two top-ups (one typed by the administrator,
one from a bank statement), then, once the demo parcels are on their way and charged, one of them
cancelled (its refund; free before the cutoff, with the fee after it) and a withdrawal waiting for the
administrator's transfer file.
Every step is keyed, so starting the demo again adds nothing twice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask import Flask
from sqlalchemy import select

from desk.extensions import db
from desk.models import Payout, Shipment, ShipmentStatus, TopupSource
from desk.orm import utcnow
from desk.services.billing import profile, topups, withdrawals
from desk.services.errors import DeskError
from desk.services.shared.workdays import warsaw_date
from desk.services.shipping import cancellation, dispatch
from desk.wiring.billing import billing_policy
from desk.wiring.carriers import get_carriers

DEMO_IBAN = "PL61109010140000071219812874"
WITHDRAWAL_KEY = "demo-withdrawal-1"


def prepare_billing(account_id: int) -> None:
    """The demo account's billing profile and its top-ups (first run only)."""
    found = profile(account_id)
    if not found.nip:
        found.company_name = "Sklep demo sp. z o.o."
        found.nip, found.street = "8567346215", "Piotrkowska 120"
        found.postcode, found.city = "90-006", "Łódź"
        found.billing_email, found.payout_iban = "faktury@sklep-demo.example.pl", DEMO_IBAN
    today = warsaw_date(utcnow())
    for source, external_id, amount, days_ago, title in (
        (TopupSource.MANUAL, "demo-topup-1", "500.00", 30, "Przelew 2026/DEMO/1"),
        (TopupSource.BANK_CSV, "demo-TX-0001", "300.00", 7, f"SALDO {account_id} doładowanie"),
    ):
        topups.record_topup(
            topups.TopupIn(
                account_id, Decimal(amount), source, external_id, today - dt.timedelta(days=days_ago),
                reference=title, sender="Sklep demo sp. z o.o.", sender_account=DEMO_IBAN,
            )
        )
    db.session.commit()


def after_shipping(app: Flask, account_id: int) -> None:
    """Cancel one demo parcel while it is still free (its refund shows on the balance) and ask for a
    withdrawal, each once."""
    gateway = get_carriers(app)

    def port_for(carrier: str, account: int):
        return gateway.port(carrier, account_id=account)

    policy = billing_policy(app)
    now = utcnow()
    ours = Shipment.account_id == account_id
    cancelled = select(Shipment.id).where(ours, Shipment.status == ShipmentStatus.CANCELLED)
    if db.session.scalar(cancelled) is None:
        for shipment in db.session.scalars(select(Shipment).where(ours).order_by(Shipment.id.desc())):
            # as the administrator: free before the cutoff, with the fee after it (the demo may start at any
            # hour), a refund either way
            option = cancellation.cancel_option(port_for, shipment, now=now, policy=policy, by_admin=True)
            if not option.allowed:
                continue
            try:
                cancellation.cancel_shipment(
                    port_for, shipment, now=now, policy=policy, by_admin=True, actor_id=None
                )
            except dispatch.CannotCancel:  # the carrier said no after all: try the next one
                db.session.rollback()
                continue
            break
    if db.session.scalar(select(Payout.id).where(Payout.key == WITHDRAWAL_KEY)) is None:
        try:
            withdrawals.request_withdrawal(account_id, "50,00", key=WITHDRAWAL_KEY, actor_id=None, now=now,
                                           policy=policy)
        except DeskError:  # the balance went elsewhere: the demo shows no withdrawal then
            db.session.rollback()
