"""flask desk privacy erase: erase one buyer's personal data on some accounts, with a progress bar."""

from __future__ import annotations

import click

from desk.cli.privacy import privacy_group
from desk.services.accounts import sellers as accounts
from desk.services.errors import DeskError
from desk.services.privacy.erasure import erase_buyer
from desk.wiring import get_clock

STEPS = ("orders", "conversations", "registry")  # erase_buyer reports these per account


@privacy_group.command("erase")
@click.option(
    "--account", "account_refs", multiple=True, required=True, help="Account name or id (repeatable)."
)
@click.option("--buyer", "buyer_id", required=True, help="The buyer's Allegro id.")
@click.option("--reason", default="request", show_default=True, help="Why (kept in the registry; no names).")
@click.option("--dry-run", is_flag=True, help="Count what would change, change nothing.")
def erase(account_refs: tuple[str, ...], buyer_id: str, reason: str, dry_run: bool) -> None:
    """Pseudonymise a buyer on the given accounts (legal holds are not checked here)."""
    try:
        account_ids = sorted({_account_id(ref) for ref in account_refs})
    except DeskError as exc:
        raise click.ClickException(str(exc)) from exc
    label = "dry run" if dry_run else "erasing"
    with click.progressbar(length=len(account_ids) * len(STEPS), label=label, show_pos=True) as bar:
        result = erase_buyer(
            account_ids=account_ids, buyer_allegro_id=buyer_id, now=get_clock().now(), reason=reason,
            dry_run=dry_run, progress=lambda _step: bar.update(1),
        )
    click.echo("would change:" if dry_run else "changed:")
    for table, count in result.counts.items():
        click.echo(f"  {table}: {count}")
    if not result.counts:
        click.echo("  nothing")
    click.echo("buyer pseudonyms: " + ", ".join(result.pseudonyms))


def _account_id(ref: str) -> int:
    if ref.isdigit():
        return accounts.get_account(int(ref)).id
    return accounts.find_account(ref).id
