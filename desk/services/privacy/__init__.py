"""Buyers' personal data: inventory, retention, pseudonymisation, legal holds, data-subject requests,
exports and the access log. The desk processes buyer data for the seller (the controller); this package
keeps it only as long as needed and proves who saw what.

Privacy sits beside the areas: it works on their models, never on their services; the erasure registry
that every sync consults lives below the areas (`desk.services.shared`)."""
