"""flask desk privacy ...: buyers' personal data (each command module attaches to this group)."""

from __future__ import annotations

from desk.cli import desk_cli


@desk_cli.group("privacy")
def privacy_group() -> None:
    """Buyers' personal data: export, erasure, retention."""
