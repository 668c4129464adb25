"""flask desk agents commands: create agents, list them, reset a password."""
from __future__ import annotations

import sys

import click

from desk.cli import desk_cli
from desk.models import Role
from desk.services.accounts import auth as auth_service
from desk.services.errors import DeskError
from desk.wiring import settings


@desk_cli.group("agents")
def agents() -> None:
    """Manage desk agents (admins, shop owners, support agents)."""


@agents.command("create")
@click.argument("email")
@click.option("--name", required=True, help="Display name.")
@click.option("--role", type=click.Choice([role.value for role in Role]), default=Role.AGENT.value)
@click.option("--account", "accounts", multiple=True, help="Seller account name (repeatable).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create(email: str, name: str, role: str, accounts: tuple[str, ...], password_stdin: bool) -> None:
    """Create an agent; prompts for the password twice unless --password-stdin."""
    password = _read_password(password_stdin)
    try:
        account_ids = auth_service.account_ids_for_names(accounts)
        agent = auth_service.create_agent(
            email=email, name=name, password=password, role=role, account_ids=account_ids,
            profile=settings().password_profile,
        )
    except DeskError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created {agent.role.value} {agent.email} (id {agent.id}).")


@agents.command("list")
def list_() -> None:
    """List agents with their role, accounts and last sign-in."""
    rows = auth_service.list_agents()
    if not rows:
        click.echo("No agents yet. Create one with: flask desk agents create EMAIL --name NAME --role admin")
        return
    click.echo(
        f"{'ID':>4}  {'E-MAIL':<32} {'NAME':<24} {'ROLE':<6} {'ACTIVE':<6} {'LAST SIGN-IN UTC':<17} ACCOUNTS"
    )
    for agent in rows:
        accounts = "(all)" if agent.sees_all_accounts else ", ".join(a.name for a in agent.accounts) or "-"
        last = agent.last_login_at.strftime("%Y-%m-%d %H:%M") if agent.last_login_at else "never"
        active = "yes" if agent.is_active else "no"
        click.echo(
            f"{agent.id:>4}  {agent.email:<32} {agent.name:<24} {agent.role.value:<6} {active:<6} "
            f"{last:<17} {accounts}"
        )


@agents.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def set_password(email: str, password_stdin: bool) -> None:
    """Set a new password for an agent (and lift a sign-in lock on the e-mail)."""
    password = _read_password(password_stdin)
    try:
        agent = auth_service.set_password(email=email, password=password, profile=settings().password_profile)
    except DeskError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Password changed for {agent.email}.")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        # Only the line terminator is dropped: spaces can be part of a password.
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)
