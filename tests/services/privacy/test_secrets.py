"""Secrets at rest (G8): tokens never stored in clear, MultiFernet key rotation, production needs keys."""

from __future__ import annotations

import tempfile

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from desk import create_app
from desk.config import ConfigError
from desk.extensions import db
from desk.services.accounts import sellers
from desk.services.privacy import secrets
from desk.services.shared.tokens import DbTokenStore, TokenCipher, derived_key
from desk.wiring import get_allegro, token_cipher
from tests.factories import connect_account


def _raw_secrets() -> list[str]:
    """Every stored value of the encrypted columns, read with plain SQL."""
    rows = db.session.execute(text("SELECT access_token_enc, refresh_token_enc FROM allegro_token")).all()
    codes = db.session.execute(text("SELECT device_code_enc FROM device_authorization")).all()
    return [value for row in [*rows, *codes] for value in row if value is not None]


def test_raw_database_values_never_hold_the_token(app, fake_allegro):
    account, seller_id = connect_account(fake_allegro)
    pair = DbTokenStore(db.engine, account.id, token_cipher()).load()
    raw = _raw_secrets()
    assert len(raw) == 2
    for secret in (pair.access_token, pair.refresh_token):
        assert all(secret not in value for value in raw)
    assert all(value.startswith("gAAAAA") for value in raw)  # Fernet tokens


def test_device_codes_are_stored_encrypted(app, fake_allegro):
    auth = sellers.start_device_connection(get_allegro(), name="Nowy sklep")
    device_code = token_cipher().decrypt(auth.device_code_enc)
    assert device_code and all(device_code not in value for value in _raw_secrets())


def test_round_trip_through_the_store(app, fake_allegro):
    account, _ = connect_account(fake_allegro)
    cipher = token_cipher()
    assert cipher.decrypt(cipher.encrypt("zażółć-token")) == "zażółć-token"
    stored = DbTokenStore(db.engine, account.id, cipher).load()
    fresh = DbTokenStore(db.engine, account.id, TokenCipher(derived_key(app.config["SECRET_KEY"]))).load()
    assert fresh == stored


def test_old_ciphertexts_stay_readable_and_rotation_moves_them_to_the_new_key(app, fake_allegro):
    account, _ = connect_account(fake_allegro)
    sellers.start_device_connection(get_allegro(), name="W trakcie")
    old_key = derived_key(app.config["SECRET_KEY"])
    before = DbTokenStore(db.engine, account.id, TokenCipher(old_key)).load()
    new_key = Fernet.generate_key().decode()
    app.config["TOKEN_ENCRYPTION_KEYS"] = f"{new_key},{old_key}"  # newest first, as in the environment
    both = token_cipher()
    assert both.key_count == 2
    assert DbTokenStore(db.engine, account.id, both).load() == before  # readable after adding a key

    counts = secrets.rotate_secrets(both, batch=1)
    assert counts["allegro_token"].rotated == 2 and counts["device_authorization"].rotated == 1
    new_only = TokenCipher([new_key])
    assert DbTokenStore(db.engine, account.id, new_only).load() == before
    assert all(new_only.is_current(value) for value in _raw_secrets())
    with pytest.raises(ValueError):
        TokenCipher(old_key).decrypt(_raw_secrets()[0])

    again = secrets.rotate_secrets(both)  # idempotent: nothing left under the old key
    assert again["allegro_token"].rotated == 0 and again["allegro_token"].current == 2


def test_rotate_command_shows_progress_and_counts(app, fake_allegro, runner):
    for _ in range(3):
        connect_account(fake_allegro)
    old_key = derived_key(app.config["SECRET_KEY"])
    new_key = Fernet.generate_key().decode()
    app.config["TOKEN_ENCRYPTION_KEYS"] = [new_key, old_key]
    result = runner.invoke(args=["desk", "secrets", "rotate", "--batch", "2"])
    assert result.exit_code == 0, result.output
    assert "Re-encrypting secrets" in result.output
    assert "allegro_token: 6 re-encrypted, 0 already under the newest key" in result.output
    rerun = runner.invoke(args=["desk", "secrets", "rotate"])
    assert "allegro_token: 0 re-encrypted, 6 already under the newest key" in rerun.output


def test_rotation_refuses_values_no_configured_key_reads(app, fake_allegro, runner):
    connect_account(fake_allegro)
    app.config["TOKEN_ENCRYPTION_KEYS"] = Fernet.generate_key().decode()  # the old key dropped too early
    result = runner.invoke(args=["desk", "secrets", "rotate"])
    assert result.exit_code != 0
    assert "keep the old key" in result.output


def test_encrypted_columns_are_found_from_the_models():
    names = {(s.name, c.key) for s in secrets.encrypted_columns() for c in s.columns}
    assert names == {
        ("allegro_token", "access_token_enc"),
        ("allegro_token", "refresh_token_enc"),
        ("device_authorization", "device_code_enc"),
    }


PRODUCTION = {
    "ENV_NAME": "production",
    "SECRET_KEY": "production-secret",
    "ALLEGRO_BACKEND": "http",
    "CARRIERS_BACKEND": "http",
    "SQLALCHEMY_DATABASE_URI": "sqlite://",
    "SCHEDULER_ENABLED": False,
    "PRIVACY_KEY_DIR": tempfile.gettempdir(),  # an existing writable directory, as production requires
}


def test_production_refuses_to_start_without_a_key():
    with pytest.raises(ConfigError, match="DESK_TOKEN_ENCRYPTION_KEYS"):
        create_app(dict(PRODUCTION))
    with pytest.raises(ConfigError, match="not a valid Fernet key"):
        create_app({**PRODUCTION, "TOKEN_ENCRYPTION_KEYS": "not-a-key"})


def test_production_takes_a_key_list_or_the_single_key_setting():
    new, old = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    app = create_app({**PRODUCTION, "TOKEN_ENCRYPTION_KEYS": f"{new}, {old}"})
    with app.app_context():
        cipher = token_cipher()
        assert cipher.key_count == 2
        assert TokenCipher([new]).decrypt(cipher.encrypt("x")) == "x"
    single = create_app({**PRODUCTION, "TOKEN_ENCRYPTION_KEY": old})
    with single.app_context():
        assert token_cipher().key_count == 1
        assert TokenCipher(old).decrypt(token_cipher().encrypt("y")) == "y"
