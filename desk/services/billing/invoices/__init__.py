"""VAT invoices of the broker's services: issuing (per order, per period, one shipment on request),
gapless numbers, corrections, payments and the ordering block, the PDF, the KSeF FA(3) XML and the
e-mail to the account."""

from desk.services.billing.invoices.amounts import Figures, from_gross, in_words
from desk.services.billing.invoices.corrections import (
    COMPLAINT_REASONS,
    CorrectionError,
    LineChange,
    correct_invoice,
    find_original,
    lowered_by,
)
from desk.services.billing.invoices.issuing import Terms, outstanding
from desk.services.billing.invoices.parties import BuyerDataError, Seller
from desk.services.billing.invoices.payments import Block, PaymentError, ordering_block, record_payment
from desk.services.billing.invoices.runs import invoice_shipment, run_per_order, run_period, run_periodic

__all__ = [
    "COMPLAINT_REASONS", "Block", "BuyerDataError", "CorrectionError", "Figures", "LineChange",
    "PaymentError", "Seller", "Terms", "correct_invoice", "find_original", "from_gross", "in_words",
    "invoice_shipment", "lowered_by", "ordering_block", "outstanding", "record_payment", "run_per_order",
    "run_period", "run_periodic",
]
