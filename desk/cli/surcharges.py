"""flask desk billing import-surcharges <carrier> <file> [--dry-run]: a carrier's billing file, previewed
line by line (nothing written) or applied in one transaction; told in Polish, as the desk tells it."""

from __future__ import annotations

from pathlib import Path

import click
from flask_babel import force_locale
from flask_babel import gettext as _

from desk.cli.billing import billing_group
from desk.services.billing import surcharges
from desk.wiring.surcharges import billing_parser


def _outcomes() -> dict[str, str]:
    return {
        surcharges.ADD: _("to be reviewed by the account"),
        surcharges.UNLINKED: _("unknown waybill: to the list of surcharges to link"),
        surcharges.KNOWN: _("imported before: skipped"),
    }


@billing_group.command("import-surcharges")
@click.argument("carrier", type=click.Choice(surcharges.CARRIERS))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what each line would do; write nothing.")
@click.option("--locale", default="pl", show_default=True, help="Language of the messages (pl, en).")
def import_surcharges(carrier: str, file: Path, dry_run: bool, locale: str) -> None:
    """Import a carrier's billing file of surcharges (InPost CSV, DPD XML, Poczta Polska ZIP or XML)."""
    with file.open("rb") as stream:
        data = stream.read(surcharges.MAX_BYTES + 1)  # one byte more tells a file that is too large
    parse = billing_parser(carrier)
    with force_locale(locale):
        if dry_run:
            plan = surcharges.plan_import(parse, carrier=carrier, data=data)
        else:
            try:
                plan = surcharges.apply_import(parse, carrier=carrier, data=data, filename=file.name)
            except surcharges.ImportRefused as refused:
                plan = refused.plan
        _echo(plan, dry_run=dry_run)


def _echo(plan: surcharges.ImportPlan, *, dry_run: bool) -> None:
    if not plan.ok:
        for message, params in plan.problems:
            click.echo(_(message, **params), err=True)
        raise click.ClickException(_("The file was refused; nothing was written."))
    outcomes = _outcomes()
    for line in plan.lines:
        where = f" · {line.account_name}" if line.account_name else ""
        click.echo(_("Line %(line)s: %(waybill)s %(code)s %(gross)s zł%(where)s: %(outcome)s",
                     line=line.line, waybill=line.waybill, code=line.code, gross=line.gross, where=where,
                     outcome=outcomes[line.outcome]))
    if plan.applied_before:
        click.echo(_("This file was imported before: nothing was added."))
    counts = {"added": plan.added, "unlinked": plan.unlinked, "known": plan.known}
    if dry_run:
        click.echo(_("To add: %(added)s, without a shipment: %(unlinked)s, skipped: %(known)s.", **counts))
        click.echo(_("Preview only: nothing was written."))
    else:
        click.echo(_("Added: %(added)s, without a shipment: %(unlinked)s, skipped: %(known)s.", **counts))
