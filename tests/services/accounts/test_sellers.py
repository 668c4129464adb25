"""Connecting seller accounts: device flow, imported tokens, encryption at rest."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from desk.extensions import db
from desk.models import AccountStatus, AllegroToken, DeviceAuthorization, SellerAccount
from desk.services.accounts import sellers as accounts
from desk.services.errors import ConflictError, ValidationError
from desk.wiring import get_allegro


def _poll_now(auth):
    auth.next_poll_at = auth.created_at.replace(year=2000)
    db.session.commit()
    return accounts.poll_device_connection(get_allegro(), auth.id)


def test_device_flow_connects_an_account(app, fake_allegro):
    seller = fake_allegro.state.add_seller("sklep_z_ksiazkami")
    auth = accounts.start_device_connection(get_allegro(), name="Książki")
    assert auth.user_code and auth.verification_uri.startswith(fake_allegro.url)
    assert _poll_now(auth).state == "pending"
    fake_allegro.state.approve_device(auth.user_code, seller_id=seller)
    assert _poll_now(auth).state == "approved"
    account = db.session.scalar(select(SellerAccount).where(SellerAccount.name == "Książki"))
    assert account.status == AccountStatus.ACTIVE
    assert account.allegro_login == "sklep_z_ksiazkami"


def test_device_flow_respects_the_polling_interval(app, fake_allegro):
    fake_allegro.state.add_seller("s")
    auth = accounts.start_device_connection(get_allegro(), name="A")
    _poll_now(auth)
    before = fake_allegro.state.request_count("POST /auth/oauth/token")
    accounts.poll_device_connection(get_allegro(), auth.id)  # too early: no request
    assert fake_allegro.state.request_count("POST /auth/oauth/token") == before


def test_denied_device_flow_is_reported(app, fake_allegro):
    fake_allegro.state.add_seller("s")
    auth = accounts.start_device_connection(get_allegro(), name="B")
    fake_allegro.state.deny_device(auth.user_code)
    assert _poll_now(auth).state == "denied"
    assert db.session.get(SellerAccount, auth.account_id).status == AccountStatus.PENDING


def test_tokens_are_encrypted_at_rest(app, fake_allegro):
    seller = fake_allegro.state.add_seller("s")
    body = fake_allegro.state.issue_token(seller)
    account = accounts.add_account_with_tokens(
        get_allegro(),
        name="Import",
        access_token=body["access_token"],
        refresh_token=body["refresh_token"],
        expires_in=3600,
    )
    row = db.session.get(AllegroToken, account.id)
    assert body["access_token"] not in row.access_token_enc
    assert body["refresh_token"] not in row.refresh_token_enc
    assert get_allegro().token_store(account.id).load().access_token == body["access_token"]
    device = db.session.scalars(select(DeviceAuthorization)).all()
    assert device == []


def test_imported_tokens_of_unknown_expiry_are_refreshed_and_rotated(app, fake_allegro):
    seller = fake_allegro.state.add_seller("s")
    body = fake_allegro.state.issue_token(seller)
    fake_allegro.state.expire_access_tokens()
    account = accounts.add_account_with_tokens(
        get_allegro(), name="Import", access_token=body["access_token"], refresh_token=body["refresh_token"]
    )
    assert account.status == AccountStatus.ACTIVE
    stored = get_allegro().token_store(account.id).load()
    assert stored.refresh_token != body["refresh_token"]  # rotated and saved


def test_the_same_allegro_user_cannot_be_connected_twice(app, fake_allegro):
    seller = fake_allegro.state.add_seller("s")
    for name in ("One", "Two"):
        body = fake_allegro.state.issue_token(seller)
        if name == "Two":
            with pytest.raises(ConflictError):
                accounts.add_account_with_tokens(
                    get_allegro(),
                    name=name,
                    access_token=body["access_token"],
                    refresh_token=body["refresh_token"],
                    expires_in=3600,
                )
        else:
            accounts.add_account_with_tokens(
                get_allegro(),
                name=name,
                access_token=body["access_token"],
                refresh_token=body["refresh_token"],
                expires_in=3600,
            )


def test_account_names_are_validated(app):
    with pytest.raises(ValidationError):
        accounts.start_device_connection(get_allegro(), name="  ")
