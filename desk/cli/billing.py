"""flask desk billing ...: the broker's money (each area's commands attach to this group)."""

from __future__ import annotations

from desk.cli import desk_cli


@desk_cli.group("billing")
def billing_group() -> None:
    """The broker's money: balances, invoices, surcharges."""
