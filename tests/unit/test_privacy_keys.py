"""Buyers' pseudonym keys live outside the database: production names a writable directory or refuses
to start; keys are files created on first use, readable by the desk's user only."""

from __future__ import annotations

import os
import stat

import pytest
from cryptography.fernet import Fernet

from desk import create_app
from desk.config import ConfigError
from desk.services.shared.pseudonym_keys import KeyStore

PRODUCTION = {
    "SQLALCHEMY_DATABASE_URI": "sqlite://",
    "SECRET_KEY": "keys-test",
    "ENV_NAME": "production",
    "ALLEGRO_BACKEND": "http",
    "CARRIERS_BACKEND": "http",
    "TOKEN_ENCRYPTION_KEY": Fernet.generate_key().decode(),
}


def test_production_refuses_to_start_without_a_key_directory(tmp_path):
    with pytest.raises(ConfigError, match="DESK_PRIVACY_KEY_DIR"):
        create_app(dict(PRODUCTION))
    with pytest.raises(ConfigError, match="writable directory"):
        create_app({**PRODUCTION, "PRIVACY_KEY_DIR": str(tmp_path / "missing")})
    app = create_app({**PRODUCTION, "PRIVACY_KEY_DIR": str(tmp_path)})
    assert app.config["PRIVACY_KEY_DIR"] == str(tmp_path)


def test_development_keeps_keys_in_the_instance_folder_and_tests_in_a_temporary_one():
    development = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    assert development.config["PRIVACY_KEY_DIR"] == os.path.join(development.instance_path, "privacy-keys")
    testing = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", "TESTING": True})
    assert "desk-privacy-keys-" in testing.config["PRIVACY_KEY_DIR"]


def test_a_key_is_made_on_first_use_with_mode_0600_and_gives_stable_digests(tmp_path):
    store = KeyStore(tmp_path / "keys")
    first = store.digest(7, "12345678")
    path = tmp_path / "keys" / "account-7.key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert KeyStore(tmp_path / "keys").digest(7, "12345678") == first  # read back by another process
    assert store.digest(8, "12345678") != first  # per account
    store.destroy(7)
    assert not path.exists() and store.digest(7, "12345678") != first
