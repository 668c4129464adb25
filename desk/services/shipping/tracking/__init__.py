"""Parcels on their way: carriers' events, stuck parcels, each carrier's record per account, CSV export."""
