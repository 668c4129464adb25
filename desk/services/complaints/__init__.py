"""Complaints (reklamacje): service complaints about the broker, invoice complaints, and carrier complaints
forwarded to the carrier with their documents, clocks and money; and unclaimed parcels returned to the broker.

The area sits above shipping and billing (it reads parcels, refunds fees on the ledger); carriers arrive as
a complaint-port lookup, the invoicing module as the `InvoiceCorrections` seam. Public names: what the views,
jobs and other entry points use.
"""

from desk.services.complaints import (
    broker,
    carrier,
    carrier_flow,
    checklist,
    clocks,
    handling,
    listing,
    notices,
    returns,
)
from desk.services.complaints.carrier_flow import CarrierTrouble, PortFor
from desk.services.complaints.corrections import (
    CorrectionRequest,
    CorrectionResult,
    InvoiceCorrections,
    PendingCorrections,
    retry_pending,
)
from desk.services.complaints.errors import FormErrors
from desk.services.complaints.files import FileLimits, Upload
from desk.services.complaints.states import find

__all__ = [
    "CarrierTrouble",
    "CorrectionRequest",
    "CorrectionResult",
    "FileLimits",
    "FormErrors",
    "InvoiceCorrections",
    "PendingCorrections",
    "PortFor",
    "Upload",
    "broker",
    "carrier",
    "carrier_flow",
    "checklist",
    "clocks",
    "find",
    "handling",
    "listing",
    "notices",
    "prefill",
    "retry_pending",
    "returns",
]
