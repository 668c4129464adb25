"""Shipping: shipment orders sent to carriers exactly once (dispatch), tracking, package presets, and the
broker's price lists ("Cennik") with the quotes priced by them. Carrier ports arrive as arguments (`PortFor`).

Public names: what the views and other entry points use.
"""
from desk.services.shipping.closeout.day import to_hand_over_count
from desk.services.shipping.pricing.catalog import (
    Pricing,
    ServiceInfo,
    carriers,
    service_info,
    service_names,
    services,
)
from desk.services.shipping.pricing.csv_io import MAX_BYTES as CSV_MAX_BYTES
from desk.services.shipping.pricing.csv_io import ImportPlan, apply_import, export_csv, plan_import
from desk.services.shipping.pricing.lists import (
    PriceListSummary,
    close_price_list,
    create_price_list,
    delete_addon,
    delete_price_list,
    delete_row,
    get_price_list,
    list_price_lists,
    save_addon,
    save_row,
    state_of,
)
from desk.services.shipping.pricing.quotes import (
    NotPriced,
    Parcel,
    Quote,
    QuoteLine,
    Reason,
    quote,
    quotes_for,
)
from desk.services.shipping.pricing.quotes import list_for as price_list_for
from desk.services.shipping.pricing.seed import ensure_public_price_list
from desk.services.shipping.pricing.validation import PriceFormError

__all__ = [
    "price_list_for",
    "to_hand_over_count",
    "CSV_MAX_BYTES",
    "ImportPlan",
    "NotPriced",
    "Parcel",
    "PriceFormError",
    "PriceListSummary",
    "Pricing",
    "Quote",
    "QuoteLine",
    "Reason",
    "ServiceInfo",
    "apply_import",
    "carriers",
    "close_price_list",
    "create_price_list",
    "delete_addon",
    "delete_price_list",
    "delete_row",
    "ensure_public_price_list",
    "export_csv",
    "get_price_list",
    "list_price_lists",
    "plan_import",
    "quote",
    "quotes_for",
    "save_addon",
    "save_row",
    "service_info",
    "service_names",
    "services",
    "state_of",
]
