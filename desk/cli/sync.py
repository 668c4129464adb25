"""flask desk sync: run an order sync now, with a progress bar."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import click

from desk.cli import desk_cli
from desk.services.accounts import sellers as accounts
from desk.services.errors import DeskError
from desk.services.sync import schedule
from desk.services.sync.runner import SyncBusy, run_sync, syncable_account_ids
from desk.wiring import get_allegro, get_clock, settings

WARSAW = ZoneInfo("Europe/Warsaw")


@desk_cli.command("sync")
@click.option("--account", "account_name", default=None, help="Only this account (by name).")
@click.option("--full", is_flag=True, help="Re-read the whole backfill window, not just changes.")
@click.option("--sweep", is_flag=True, help="Also run the updatedAt sweep that repairs lost events.")
def sync(account_name: str | None, full: bool, sweep: bool) -> None:
    """Sync orders of one or all active accounts."""
    try:
        ids = [accounts.find_account(account_name).id] if account_name else syncable_account_ids()
    except DeskError as exc:
        raise click.ClickException(str(exc)) from exc
    mode = "full" if full else "sweep" if sweep else "incremental"
    failed = False
    for account_id in ids:
        failed |= _sync_one(account_id, mode)
    if failed:
        raise SystemExit(1)


def _sync_one(account_id: int, mode: str) -> bool:
    name = accounts.get_account(account_id).name
    with click.progressbar(length=1, label=f"{name}: {mode}", show_pos=True) as bar:

        def progress(run) -> None:
            bar.length = max(run.progress_total or 0, run.progress_done, 1)
            bar.update(run.progress_done - bar.pos)

        cfg = settings()
        try:
            run = run_sync(
                get_allegro(),
                account_id,
                mode=mode,
                settings=cfg.sync,
                lease_seconds=cfg.sync_lease_seconds,
                progress=progress,
            )
            schedule.after_manual_sync(run, get_clock().now(), cfg.polling)
        except SyncBusy as busy:
            since = f"{busy.since.astimezone(WARSAW):%Y-%m-%d %H:%M:%S}" if busy.since else "?"
            holder = busy.holder or "another process"
            click.echo(f"\n{name}: not synced: {holder} has been syncing it since {since}")
            return True
    click.echo(
        f"{name}: {run.state} kind={run.kind} requests={run.requests} created={run.created} "
        f"updated={run.updated} repaired={run.repaired} issues={run.issues_changed} "
        f"ratings={run.ratings_changed}" + (f" error={run.error}" if run.error else "")
    )
    return run.state == "failed"
