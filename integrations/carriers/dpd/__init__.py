"""DPD Polska adapter (DPDServices SOAP through zeep, InfoServices tracking) and its fake beside it."""

from integrations.carriers.dpd.adapter import DpdAdapter
from integrations.carriers.dpd.client import DpdClient, DpdCredentials

__all__ = ["DpdAdapter", "DpdClient", "DpdCredentials"]
