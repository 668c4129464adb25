"""flask desk privacy export: everything the desk holds about one buyer, as the ZIP the owners' page gives."""

from __future__ import annotations

from pathlib import Path

import click

from desk.cli.privacy import privacy_group
from desk.services.accounts import sellers as accounts
from desk.services.errors import DeskError
from desk.services.privacy.export import store
from desk.services.privacy.export.collect import STEPS
from desk.wiring import get_clock


@privacy_group.command("export")
@click.option("--buyer", "buyer_id", required=True, help="The buyer's Allegro id.")
@click.option("--account", "account_names", multiple=True, help="Only this account (by name); repeatable.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the ZIP.")
def export(buyer_id: str, account_names: tuple[str, ...], out: Path) -> None:
    """Export one buyer's data (JSON, CSV, files, README) from the given or all accounts."""
    try:
        found = [accounts.find_account(name) for name in account_names] or accounts.list_accounts()
        with click.progressbar(length=len(STEPS), label=f"buyer {buyer_id}", show_pos=True) as bar:
            data, manifest = store.export_bytes(
                account_ids=[account.id for account in found], buyer_allegro_id=buyer_id,
                now=get_clock().now(), progress=lambda _step: bar.update(1),
            )
    except DeskError as exc:
        raise click.ClickException(str(exc)) from exc
    out.write_bytes(data)
    records = ", ".join(f"{table}={len(ids)}" for table, ids in manifest.items() if ids) or "no records"
    click.echo(f"{out}: {len(data)} bytes; {records}")
