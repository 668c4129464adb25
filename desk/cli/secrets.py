"""flask desk secrets ...: secrets at rest (re-encrypt them with the newest key)."""

from __future__ import annotations

import click

from desk.cli import desk_cli
from desk.services.privacy import secrets
from desk.wiring import token_cipher


@desk_cli.group("secrets")
def secrets_group() -> None:
    """Secrets at rest: Allegro tokens and device codes (Fernet, keys in DESK_TOKEN_ENCRYPTION_KEYS)."""


@secrets_group.command("rotate")
@click.option("--batch", default=500, show_default=True, help="Rows re-encrypted per commit.")
def rotate(batch: int) -> None:
    """Re-encrypt every encrypted value with the newest key (the first of DESK_TOKEN_ENCRYPTION_KEYS).

    Safe to rerun: values already under the newest key are left as they are. Remove an old key only
    after this has finished.
    """
    cipher = token_cipher()
    total = secrets.count_encrypted_rows()
    try:
        with click.progressbar(length=max(total, 1), label="Re-encrypting secrets", show_pos=True) as bar:
            counts = secrets.rotate_secrets(cipher, batch=batch, progress=bar.update)
    except ValueError as exc:
        hint = "keep the old key in DESK_TOKEN_ENCRYPTION_KEYS until done"
        raise click.ClickException(f"{exc}: {hint}") from exc
    for table, count in counts.items():
        click.echo(f"{table}: {count.rotated} re-encrypted, {count.current} already under the newest key")
