"""`flask desk accounts add|list` and `flask desk sync` against the fake Allegro."""

from __future__ import annotations

from sqlalchemy import func, select

from desk.extensions import db
from desk.models import Order, SellerAccount


def test_add_account_with_tokens_then_sync_with_progress(app, runner, fake_allegro):
    seller = fake_allegro.state.add_seller("sklep_cli")
    for _ in range(3):
        fake_allegro.state.add_checkout_form(seller)
    token = fake_allegro.state.issue_token(seller)
    result = runner.invoke(
        args=[
            "desk",
            "accounts",
            "add",
            "CLI",
            "--access-token",
            token["access_token"],
            "--refresh-token",
            token["refresh_token"],
        ],
    )
    assert result.exit_code == 0, result.output
    assert "sklep_cli" in result.output
    result = runner.invoke(args=["desk", "sync", "--account", "CLI"])
    assert result.exit_code == 0, result.output
    assert "created=3" in result.output
    assert db.session.scalar(select(func.count()).select_from(Order)) == 3
    listing = runner.invoke(args=["desk", "accounts", "list"])
    assert "CLI" in listing.output and "active" in listing.output


def test_sync_of_an_unknown_account_is_a_clear_error(app, runner):
    result = runner.invoke(args=["desk", "sync", "--account", "nope"])
    assert result.exit_code != 0
    assert "nope" in result.output


def test_connect_through_the_device_flow_from_the_cli(app, runner, fake_allegro):
    fake_allegro.state.add_seller("sklep_device")
    fake_allegro.state.auto_approve_devices = True
    fake_allegro.state.device_interval = 0
    result = runner.invoke(args=["desk", "accounts", "connect", "Urządzenie"])
    assert result.exit_code == 0, result.output
    assert "enter the code" in result.output
    account = db.session.scalar(select(SellerAccount).where(SellerAccount.name == "Urządzenie"))
    assert account.allegro_login == "sklep_device"
