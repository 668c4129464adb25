"""flask desk accounts ...: connect seller accounts (device flow or imported tokens), list them."""

from __future__ import annotations

import time

import click

from desk.cli import desk_cli
from desk.services.accounts import sellers as accounts
from desk.services.errors import DeskError
from desk.wiring import get_allegro


@desk_cli.group("accounts")
def accounts_group() -> None:
    """Seller accounts connected to Allegro."""


@accounts_group.command("list")
def list_accounts() -> None:
    """Show accounts with status and token expiry."""
    for account in accounts.list_accounts():
        health = accounts.token_health(account)
        click.echo(
            f"{account.id:>4}  {account.name:<24} {account.status.value:<16} "
            f"login={account.allegro_login or '-'} access_until={health.access_expires_at or '-'} "
            f"refresh_until={health.refresh_expires_at or '-'}"
        )


@accounts_group.command("connect")
@click.argument("name")
@click.option("--reconnect", is_flag=True, help="Reconnect an existing account of this name.")
def connect(name: str, reconnect: bool) -> None:
    """Connect an account with Allegro's device flow: open the URL, enter the code, approve."""
    gateway = get_allegro()
    try:
        account_id = accounts.find_account(name).id if reconnect else None
        auth = accounts.start_device_connection(gateway, name=name, account_id=account_id)
    except DeskError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Open {auth.verification_uri_complete or auth.verification_uri}")
    click.echo(f"and enter the code: {auth.user_code}")
    click.echo("Waiting for approval (Ctrl+C to stop)...")
    while auth.state == "pending":
        time.sleep(max(1, auth.interval))
        try:
            auth = accounts.poll_device_connection(gateway, auth.id)
        except DeskError as exc:
            raise click.ClickException(str(exc)) from exc
    if auth.state != "approved":
        raise click.ClickException(f"connection {auth.state}")
    click.echo(f"Connected {name}.")


@accounts_group.command("add")
@click.argument("name")
@click.option("--access-token", required=True, help="Access token obtained elsewhere.")
@click.option("--refresh-token", required=True, help="Refresh token obtained elsewhere.")
@click.option("--expires-in", type=int, default=None, help="Seconds the access token stays valid.")
def add(name: str, access_token: str, refresh_token: str, expires_in: int | None) -> None:
    """Register an account from existing tokens (migrating from another tool)."""
    try:
        account = accounts.add_account_with_tokens(
            get_allegro(),
            name=name,
            access_token=access_token,
            refresh_token=refresh_token,
            expires_in=expires_in,
        )
    except DeskError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Added {account.name} (Allegro login {account.allegro_login}).")
