"""flask desk privacy retention [--dry-run] [--account NAME]: the retention job now, with a progress bar."""

from __future__ import annotations

import click

from desk.cli.privacy import privacy_group
from desk.models import RetentionRun
from desk.services.accounts import sellers as accounts
from desk.services.errors import DeskError
from desk.services.privacy import retention
from desk.services.privacy.retention_policy import active_account_ids, all_account_ids
from desk.wiring import get_clock
from desk.wiring.retention import retention_ports


@privacy_group.command("retention")
@click.option("--dry-run", is_flag=True, help="Count what would be done; change nothing.")
@click.option("--account", "account_name", default=None, help="Only this account (by name).")
def retention_command(dry_run: bool, account_name: str | None) -> None:
    """Pseudonymise, redact or delete buyers' data past its retention period, on every account with
    retention active, then the access log (a dry run previews every account)."""
    try:
        ids = [accounts.find_account(account_name).id] if account_name else None
    except DeskError as exc:
        raise click.ClickException(str(exc)) from exc
    ports, now = retention_ports(), get_clock().now()
    if ids is None:
        ids = all_account_ids() if dry_run else active_account_ids()
        everything = True
    else:
        everything = False
    for account_id in ids:
        _one(ports, account_id, now, dry_run)
    if everything and not dry_run:
        access = retention.purge_access_log(ports, now=now)
        if access is not None:
            click.echo(f"access log: {_summary(access)}")


def _one(ports, account_id: int, now, dry_run: bool) -> None:
    name = accounts.get_account(account_id).name
    label = f"{name}: {'dry run' if dry_run else 'retention'}"
    with click.progressbar(length=1, label=label, show_pos=True) as bar:

        def progress(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        try:
            run = retention.run_account(ports, account_id, now=now, dry_run=dry_run, progress=progress)
        except DeskError as exc:
            raise click.ClickException(f"{name}: {exc}") from exc
    click.echo(f"{name}: {_summary(run)}")


def _summary(run: RetentionRun) -> str:
    rows = ", ".join(f"{key}={value}" for key, value in sorted(run.rows.items())) or "nothing due"
    held = ", ".join(f"{key}={value}" for key, value in sorted(run.held.items()) if value)
    verb = "would act on" if run.dry_run else "acted on"
    tail = f" ({run.seconds:.1f} s, receipt {run.id})"
    return f"{verb} {rows}" + (f"; held: {held}" if held else "") + tail
