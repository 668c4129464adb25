"""flask desk agents create | list | set-password."""
from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from desk.extensions import db
from desk.models import AccountStatus, Role, SellerAccount
from desk.services.accounts import auth

PASSWORD = "Sekretne-Haslo-2026"


@pytest.fixture
def shop(app):
    """One seller account agents can be assigned to."""
    account = SellerAccount(name="sklep-a", status=AccountStatus.ACTIVE)
    db.session.add(account)
    db.session.commit()
    return account


def _create(runner, *args, password=PASSWORD):
    return runner.invoke(
        args=["desk", "agents", "create", *args, "--password-stdin"], input=f"{password}\n"
    )


def test_create_from_stdin_and_list(runner, shop):
    result = _create(
        runner, "Anna@Sklep.pl", "--name", "Anna Nowak", "--role", "agent", "--account", "sklep-a"
    )
    assert result.exit_code == 0, result.output
    assert "Created agent anna@sklep.pl" in result.output
    assert PASSWORD not in result.output
    agent = auth.authenticate("anna@sklep.pl", PASSWORD, remote_addr="127.0.0.1").agent
    assert [a.name for a in agent.accounts] == ["sklep-a"]

    _create(runner, "boss@sklep.pl", "--name", "Szef", "--role", "owner")
    listing = runner.invoke(args=["desk", "agents", "list"])
    assert listing.exit_code == 0
    lines = listing.output.splitlines()
    assert lines[0].split()[:4] == ["ID", "E-MAIL", "NAME", "ROLE"]
    anna = next(line for line in lines if "anna@sklep.pl" in line)
    boss = next(line for line in lines if "boss@sklep.pl" in line)
    assert "Anna Nowak" in anna and "agent" in anna and "sklep-a" in anna
    assert "owner" in boss and "(all)" in boss and "never" in boss
    assert "$argon2" not in listing.output


def test_create_prompts_twice_for_a_hidden_password(runner):
    result = runner.invoke(
        args=["desk", "agents", "create", "admin@sklep.pl", "--name", "Admin", "--role", "admin"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output  # hidden input is not echoed
    assert "Repeat for confirmation" in result.output
    assert auth.authenticate("admin@sklep.pl", PASSWORD, remote_addr="127.0.0.1").agent.role is Role.ADMIN


def test_create_reports_domain_errors(runner, shop):
    unknown = _create(runner, "anna@sklep.pl", "--name", "Anna", "--account", "no-such-shop")
    assert unknown.exit_code == 1
    assert "There is no seller account named no-such-shop." in unknown.output
    short = _create(runner, "anna@sklep.pl", "--name", "Anna", password="krotkie")
    assert short.exit_code == 1
    assert "at least 12 characters" in short.output
    assert "krotkie" not in short.output
    assert _create(runner, "anna@sklep.pl", "--name", "Anna").exit_code == 0
    duplicate = _create(runner, "anna@sklep.pl", "--name", "Anna")
    assert duplicate.exit_code == 1
    assert "already exists" in duplicate.output


def test_create_rejects_an_unknown_role(runner):
    result = _create(runner, "anna@sklep.pl", "--name", "Anna", "--role", "superuser")
    assert result.exit_code == 2
    assert auth.list_agents() == []


def test_set_password(runner):
    _create(runner, "anna@sklep.pl", "--name", "Anna")
    result = runner.invoke(
        args=["desk", "agents", "set-password", "anna@sklep.pl", "--password-stdin"],
        input="Zupelnie-Nowe-Haslo\n",
    )
    assert result.exit_code == 0, result.output
    agent = auth.authenticate("anna@sklep.pl", "Zupelnie-Nowe-Haslo", remote_addr="127.0.0.1").agent
    assert PasswordHasher().verify(agent.password_hash, "Zupelnie-Nowe-Haslo")
    missing = runner.invoke(
        args=["desk", "agents", "set-password", "nobody@sklep.pl", "--password-stdin"], input=f"{PASSWORD}\n"
    )
    assert missing.exit_code == 1
    assert "There is no agent with the e-mail address nobody@sklep.pl." in missing.output


def test_list_without_agents(runner):
    result = runner.invoke(args=["desk", "agents", "list"])
    assert result.exit_code == 0
    assert "No agents yet" in result.output
