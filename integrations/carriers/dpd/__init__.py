"""DPD Polska adapter (DPDServices SOAP through zeep, InfoServices tracking) and its fake beside it."""
