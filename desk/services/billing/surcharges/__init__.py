"""Surcharges after the fact (dopłaty): importing the carriers' billing files (a dry run, then the apply),
the sellers' review (accept or dispute), the administrators' decisions and links, charging to the ledger,
and the inbox's queries.

Public names: what the views, the CLI and the demo use.
"""

from desk.services.billing.surcharges.imports import (
    ADD,
    CARRIERS,
    KNOWN,
    MAX_BYTES,
    UNLINKED,
    ImportPlan,
    ImportRefused,
    LinePlan,
    ParseFile,
    apply_import,
    plan_import,
)
from desk.services.billing.surcharges.listing import (
    VIEWS,
    Comparison,
    Filters,
    Page,
    count_open,
    evidence,
    for_shipment,
    list_surcharges,
    quoted_lines,
)
from desk.services.billing.surcharges.review import (
    FieldError,
    accept,
    charge,
    dispute,
    get_surcharge,
    link,
    resolve,
    settle,
)

__all__ = [
    "ADD",
    "CARRIERS",
    "KNOWN",
    "MAX_BYTES",
    "UNLINKED",
    "VIEWS",
    "Comparison",
    "FieldError",
    "Filters",
    "ImportPlan",
    "ImportRefused",
    "LinePlan",
    "Page",
    "ParseFile",
    "accept",
    "apply_import",
    "charge",
    "count_open",
    "dispute",
    "evidence",
    "for_shipment",
    "get_surcharge",
    "link",
    "list_surcharges",
    "plan_import",
    "quoted_lines",
    "resolve",
    "settle",
]
