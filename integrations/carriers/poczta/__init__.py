"""Poczta Polska e-Nadawca adapter (SOAP through zeep, official WSDL) and its fake beside it."""
