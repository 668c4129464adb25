"""Agent accounts, argon2 hashes and signing in (the throttle itself: test_throttle.py)."""
from __future__ import annotations

import datetime as dt
import logging

import pytest
from argon2 import PasswordHasher, profiles
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import AccountStatus, Agent, LoginAttempt, Role, SellerAccount
from desk.services.accounts import auth
from desk.services.errors import (
    ConflictError,
    NotFoundError,
    PermissionDenied,
    RateLimitedError,
    ValidationError,
)
from desk.wiring import settings

PASSWORD = "Sekretne-Haslo-2026"
ADDR = "192.0.2.10"


def _agent(email="anna@sklep.pl", role=Role.AGENT, **kwargs):
    return auth.create_agent(email=email, name="Anna Nowak", password=PASSWORD, role=role, **kwargs)


def _account(name, status=AccountStatus.ACTIVE):
    account = SellerAccount(name=name, status=status)
    db.session.add(account)
    db.session.commit()
    return account


def _failures(*where):
    return db.session.scalar(select(func.count()).select_from(LoginAttempt).where(*where))


def _fail(email, addr=ADDR, times=1):
    for _ in range(times):
        with pytest.raises(ValidationError):
            auth.authenticate(email, "wrong-password!", remote_addr=addr)


def test_create_agent_stores_an_argon2id_hash_not_the_password(app):
    agent = _agent(email="  Anna@Sklep.PL ")
    stored = db.session.get(Agent, agent.id)
    assert stored.email == "anna@sklep.pl"
    assert stored.password_hash.startswith("$argon2id$")
    assert PASSWORD not in stored.password_hash
    assert PasswordHasher().verify(stored.password_hash, PASSWORD)
    assert stored.role is Role.AGENT
    assert stored.last_login_at is None


def test_create_agent_with_accounts(app):
    first, second = _account("sklep-a"), _account("sklep-b")
    agent = _agent(account_ids=auth.account_ids_for_names(["sklep-b", "sklep-a"]))
    assert {a.name for a in agent.accounts} == {"sklep-a", "sklep-b"}
    assert {first.id, second.id} == {a.id for a in agent.accounts}


@pytest.mark.parametrize(
    ("changes", "error", "text"),
    [
        ({"email": "not-an-address"}, ValidationError, "valid e-mail"),
        ({"email": "anna@localhost"}, ValidationError, "valid e-mail"),
        ({"password": "short-pw1"}, ValidationError, "at least 12 characters"),
        ({"password": "x" * 1025}, ValidationError, "at most 1024 characters"),
        ({"name": "   "}, ValidationError, "name"),
        ({"role": "superuser"}, ValidationError, "Unknown role: superuser"),
        ({"account_ids": [999]}, NotFoundError, "does not exist"),
    ],
)
def test_create_agent_rejects_bad_input(app, changes, error, text):
    values = {"email": "anna@sklep.pl", "name": "Anna", "password": PASSWORD, "role": "agent"} | changes
    with pytest.raises(error) as caught:
        auth.create_agent(**values)
    assert text in str(caught.value)
    assert db.session.scalar(select(func.count()).select_from(Agent)) == 0


def test_create_agent_refuses_a_duplicate_email_in_any_case(app):
    _agent(email="anna@sklep.pl")
    with pytest.raises(ConflictError) as caught:
        _agent(email="ANNA@sklep.pl")
    assert caught.value.params == {"email": "anna@sklep.pl"}


def test_authenticate_returns_the_agent_and_records_the_sign_in(app):
    agent = _agent()
    signed_in = auth.authenticate("ANNA@sklep.pl ", PASSWORD, remote_addr=ADDR).agent
    assert signed_in.id == agent.id
    assert signed_in.last_login_at is not None
    assert dt.datetime.now(dt.UTC) - signed_in.last_login_at < dt.timedelta(minutes=1)


def test_wrong_password_and_unknown_email_fail_alike(app):
    _agent()
    with pytest.raises(ValidationError) as wrong_password:
        auth.authenticate("anna@sklep.pl", "not-the-password", remote_addr=ADDR)
    with pytest.raises(ValidationError) as unknown:
        auth.authenticate("nobody@sklep.pl", PASSWORD, remote_addr=ADDR)
    assert wrong_password.value.message == unknown.value.message == "Wrong e-mail address or password."
    assert _failures(LoginAttempt.email == "anna@sklep.pl", LoginAttempt.address == ADDR) == 1
    assert _failures(LoginAttempt.email == "nobody@sklep.pl", LoginAttempt.address == ADDR) == 1
    assert _failures() == 2


def test_disabled_agent_cannot_sign_in(app):
    agent = _agent()
    agent.is_active_flag = False
    db.session.commit()
    with pytest.raises(PermissionDenied):
        auth.authenticate("anna@sklep.pl", PASSWORD, remote_addr=ADDR)


def test_hash_with_old_parameters_is_upgraded_on_sign_in(app):
    agent = _agent()
    agent.password_hash = PasswordHasher(time_cost=2, memory_cost=1024, parallelism=1).hash(PASSWORD)
    db.session.commit()
    old_hash = agent.password_hash
    auth.authenticate("anna@sklep.pl", PASSWORD, remote_addr=ADDR, profile=settings().password_profile)
    db.session.expire_all()
    new_hash = db.session.get(Agent, agent.id).password_hash
    current = PasswordHasher.from_parameters(
        getattr(profiles, app.config["ARGON2_PROFILE"])
    )
    assert new_hash != old_hash
    assert not current.check_needs_rehash(new_hash)
    assert current.verify(new_hash, PASSWORD)


def test_argon2_profile_follows_the_setting(app):
    assert settings().password_profile == app.config["ARGON2_PROFILE"] == "CHEAPEST"
    assert "$m=8,t=1,p=1$" in _agent(profile=settings().password_profile).password_hash
    app.config["ARGON2_PROFILE"] = "RFC_9106_LOW_MEMORY"
    ola = _agent(email="ola@sklep.pl", profile=settings().password_profile)
    assert "$m=65536,t=3,p=4$" in ola.password_hash


def test_current_hash_is_left_alone(app):
    agent = _agent()
    before = agent.password_hash
    auth.authenticate("anna@sklep.pl", PASSWORD, remote_addr=ADDR)  # both with Config's profile
    assert db.session.get(Agent, agent.id).password_hash == before


def test_set_password_replaces_the_hash_and_lifts_the_lock(app):
    _agent()
    _fail("anna@sklep.pl", times=5)
    with pytest.raises(RateLimitedError):
        auth.authenticate("anna@sklep.pl", PASSWORD, remote_addr=ADDR)
    auth.set_password(email="anna@sklep.pl", password="Nowe-Haslo-2026!")
    assert _failures() == 0
    agent = auth.authenticate("anna@sklep.pl", "Nowe-Haslo-2026!", remote_addr=ADDR).agent
    assert agent.email == "anna@sklep.pl"
    with pytest.raises(NotFoundError):
        auth.set_password(email="nobody@sklep.pl", password="Nowe-Haslo-2026!")
    with pytest.raises(ValidationError):
        auth.set_password(email="anna@sklep.pl", password="short")


def test_passwords_and_hashes_never_reach_the_log(app, caplog):
    caplog.set_level(logging.DEBUG)
    agent = _agent()
    _fail("anna@sklep.pl")
    with pytest.raises(ValidationError):
        auth.authenticate(PASSWORD, PASSWORD, remote_addr=ADDR)  # a password typed into the e-mail box
    auth.authenticate("anna@sklep.pl", PASSWORD, remote_addr=ADDR)
    auth.set_password(email="anna@sklep.pl", password="Drugie-Haslo-2026")
    with pytest.raises(ValidationError) as caught:
        auth.create_agent(email="bad", name="X", password=PASSWORD, role="agent")
    assert PASSWORD not in str(caught.value)
    desk_records = [r for r in caplog.records if r.name.startswith("desk")]
    assert desk_records, "sign-in events are logged"
    assert "signed in" in caplog.text
    for text in (PASSWORD, "Drugie-Haslo-2026", "wrong-password!"):
        assert text not in caplog.text
        assert all(text not in str(r.args) for r in caplog.records)
    # SQL echo (a debugging aid) may show hashes; our own log lines never do.
    assert all("$argon2" not in r.getMessage() for r in desk_records)
    assert all(agent.password_hash not in r.getMessage() for r in desk_records)


def test_visible_accounts_depend_on_role(app):
    mine, _other = _account("sklep-a"), _account("sklep-b", AccountStatus.NEEDS_RECONNECT)
    agent = _agent(account_ids=[mine.id])
    owner = _agent(email="owner@sklep.pl", role=Role.OWNER)
    lonely = _agent(email="new@sklep.pl")
    assert [a.name for a in auth.visible_accounts(agent)] == ["sklep-a"]
    assert [a.name for a in auth.visible_accounts(owner)] == ["sklep-a", "sklep-b"]
    assert auth.visible_accounts(lonely) == []


def test_account_ids_for_unknown_name(app):
    _account("sklep-a")
    with pytest.raises(NotFoundError) as caught:
        auth.account_ids_for_names(["sklep-a", "sklep-x"])
    assert caught.value.params == {"name": "sklep-x"}


def test_set_agent_locale(app):
    agent = _agent()
    auth.set_agent_locale(agent.id, "en")
    assert db.session.get(Agent, agent.id).locale == "en"
    with pytest.raises(ValidationError):
        auth.set_agent_locale(agent.id, "de")
    with pytest.raises(NotFoundError):
        auth.set_agent_locale(9999, "pl")
