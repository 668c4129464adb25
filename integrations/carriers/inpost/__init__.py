"""InPost ShipX adapter (REST): client, parsing, and its fake beside it."""
