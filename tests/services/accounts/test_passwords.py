"""Agents' passwords must be passphrases: long, varied, not the e-mail, not a breached one."""

from __future__ import annotations

import pytest

from desk.models import Role
from desk.services.accounts import auth
from desk.services.accounts.passwords import MIN_LENGTH, check_password, common_passwords
from desk.services.errors import ValidationError
from tests.factories import make_agent


@pytest.mark.parametrize(("password", "reason"), [
    (" " * 10, "at least"),
    (" " * 40, "at least"),
    ("krótkie 123", "at least"),
    ("a" * 20, "too few"),
    ("abab abab abab abab", "too few"),
    ("anna.nowak@sklep.pl", "e-mail"),
    ("anna.nowak2026!x", "e-mail"),
    ("Qwerty123456", "stolen"),
    ("zaq1 2wsx cde3", "stolen"),
])
def test_weak_passwords_are_refused_with_the_reason(password, reason):
    with pytest.raises(ValidationError) as caught:
        check_password(password, email="anna.nowak@sklep.pl")
    assert reason in caught.value.message


@pytest.mark.parametrize("password", ["correct horse battery", "Sekretne-Haslo-2026", "dwa koty i pies 7"])
def test_passphrases_pass(password):
    check_password(password, email="anna.nowak@sklep.pl")


def test_the_shipped_list_is_read_and_only_lists_what_length_would_not_refuse():
    listed = common_passwords()
    assert "passwordpassword" in listed
    assert all(len(entry) >= MIN_LENGTH for entry in listed)


def test_creating_an_agent_with_ten_spaces_is_refused(app):
    with pytest.raises(ValidationError):
        auth.create_agent(email="ewa@sklep.pl", name="Ewa", password=" " * 10, role=Role.AGENT)


def test_the_admin_form_says_why_in_polish(app, client, login):
    login(make_agent(role=Role.ADMIN))
    response = client.post("/admin/agents", data={
        "email": "ewa@sklep.pl", "name": "Ewa", "role": "agent", "password": "          ",
    })
    assert response.status_code == 422
    assert "Hasło musi mieć co najmniej 12 znaków innych niż spacje." in response.get_data(as_text=True)
