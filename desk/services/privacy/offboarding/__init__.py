"""Offboarding of a seller account (G10): return its data (an export ZIP), delete or disconnect it (sync
stopped and tokens deleted at once), and purge all its rows when the grace period ends, with a receipt."""

from desk.services.privacy.offboarding.export import ExportManifest, export_account
from desk.services.privacy.offboarding.ownership import AccountTables
from desk.services.privacy.offboarding.purge import DestroyKey, purge_account, purge_due
from desk.services.privacy.offboarding.requests import (
    cancel_offboarding,
    open_offboarding,
    receipts,
    schedule_offboarding,
)

__all__ = [
    "AccountTables",
    "DestroyKey",
    "ExportManifest",
    "cancel_offboarding",
    "export_account",
    "open_offboarding",
    "purge_account",
    "purge_due",
    "receipts",
    "schedule_offboarding",
]
