"""Complaints as the settings and backends give them: file limits, the carriers' pace, the answer alert,
which carriers take complaints over their API, and the correction-invoice seam.

The seam: complaints ask `InvoiceCorrections.issue_correction` for correction invoices; billing's invoicing
issues them (`BillingCorrections`, with the invoice settings read at each call). `use_corrections(app, ...)`
puts another implementation in its place (a desk without invoicing: `PendingCorrections`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import Flask, current_app

from desk.orm import utcnow
from desk.services.complaints import FileLimits, InvoiceCorrections, PortFor
from desk.services.complaints.invoicing import BillingCorrections
from desk.services.shared.workdays import warsaw_date
from desk.wiring.carriers import get_carriers
from desk.wiring.invoices import invoice_terms
from integrations.carriers.complaints import ComplaintPort

CORRECTIONS = "desk.corrections"


@dataclass(frozen=True)
class ComplaintSettings:
    limits: FileLimits
    recheck: dt.timedelta  # how soon a forwarded complaint is asked about again
    alert_days: int  # warn this many days before an answer is due


def complaint_settings(app: Flask | None = None) -> ComplaintSettings:
    """The settings of `app` (default: the current app), read at each call."""
    config = (app or current_app).config
    return ComplaintSettings(
        limits=FileLimits(
            max_bytes=int(config["COMPLAINT_FILE_MAX_MB"]) * 1024 * 1024,
            per_upload=int(config["COMPLAINT_FILES_PER_UPLOAD"]),
            per_complaint=int(config["COMPLAINT_FILES_MAX"]),
        ),
        recheck=dt.timedelta(minutes=float(config["COMPLAINT_RECHECK_MINUTES"])),
        alert_days=int(config["COMPLAINT_ANSWER_ALERT_DAYS"]),
    )


def complaint_ports(app: Flask | None = None) -> PortFor:
    """The complaint port of a carrier, or None where the carrier takes no complaints over its API (Wysyłam
    z Allegro: the seller's complaint goes through Allegro)."""
    gateway = get_carriers(app)

    def port_for(carrier: str) -> ComplaintPort | None:
        if carrier not in gateway.builders:
            return None
        port = gateway.port(carrier)
        return port if isinstance(port, ComplaintPort) else None

    return port_for


def get_corrections(app: Flask | None = None) -> InvoiceCorrections:
    """The correction-invoice seam: billing's invoicing, unless `use_corrections` put another in its place."""
    app = app or current_app._get_current_object()
    return app.extensions.get(CORRECTIONS) or BillingCorrections(
        terms=lambda: invoice_terms(app), today=lambda: warsaw_date(utcnow())
    )


def use_corrections(app: Flask, corrections: InvoiceCorrections) -> None:
    """Wire the invoicing module's implementation of the seam into `app`."""
    app.extensions[CORRECTIONS] = corrections
