"""Configuration: safe defaults, `DESK_*` environment variables, test overrides."""
from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path
from typing import Any

from flask import Flask

from desk.orm import json_text


class ConfigError(RuntimeError):
    """The configuration cannot run safely (e.g. production with a fake backend)."""


class Config:
    ENV_NAME = "development"  # DESK_ENV_NAME=production in production
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None  # DESK_DATABASE_URL
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    ALLEGRO_BACKEND = "fake"  # fake | http
    ALLEGRO_ENVIRONMENT = "production"  # production | sandbox (for http)
    ALLEGRO_API_URL: str | None = None  # overrides the environment's API host
    ALLEGRO_AUTH_URL: str | None = None  # overrides the environment's OAuth host
    ALLEGRO_CLIENT_ID = "desk-demo-client"
    ALLEGRO_CLIENT_SECRET = "desk-demo-secret"
    ALLEGRO_TIMEOUT = 30.0
    # Allegro allows 9000 requests a minute per application, every account and process together;
    # the desk keeps to a share of it and pauses everybody when Allegro answers 429.
    ALLEGRO_BUDGET_PER_MINUTE = 9000
    ALLEGRO_BUDGET_SHARE = 0.8
    ALLEGRO_BUDGET_BURST_SECONDS = 2  # requests that may pile up while idle, in seconds of budget
    ALLEGRO_RATE_LIMIT_PAUSE_SECONDS = 60  # a 429 without Retry-After pauses everybody this long
    FAKE_ALLEGRO_PORT = 0  # 0 = any free loopback port
    FAKE_ALLEGRO_DEMO = True  # keep generating orders in the fake
    # Fernet keys for secrets at rest (Allegro tokens, device codes), newest first; the environment gives
    # them comma-separated (DESK_TOKEN_ENCRYPTION_KEYS=new,old). TOKEN_ENCRYPTION_KEY (one key) still works
    # and counts as the oldest. Derived from SECRET_KEY when none is set (refused in production). Rotate:
    # put the new key first, run `flask desk secrets rotate`, then drop the old key.
    TOKEN_ENCRYPTION_KEYS: tuple[str, ...] | str = ()
    TOKEN_ENCRYPTION_KEY: str | None = None

    # Carriers of the broker's own contracts (InPost ShipX, DPD, Poczta Polska e-Nadawca); Wysyłam z
    # Allegro goes through the Allegro backend above. fake: each carrier's fake runs in this process on
    # 127.0.0.1 (refused in production); http: the URLs below (production hosts by default).
    CARRIERS_BACKEND = "fake"  # fake | http
    CARRIERS_TIMEOUT = 30.0
    CARRIERS_DEMO_STEP_SECONDS = 120  # the fakes move each demo parcel one tracking step this often
    INPOST_API_URL = "https://api-shipx-pl.easypack24.net"
    INPOST_TOKEN: str | None = None
    INPOST_ORGANIZATION_ID: str | None = None
    DPD_API_URL = "https://dpdservices.dpd.com.pl"  # DPDServices host (demo: dpdservicesdemo.dpd.com.pl)
    DPD_INFO_URL = "https://dpdinfoservices.dpd.com.pl"  # InfoServices host (tracking)
    DPD_POINTS_URL: str | None = None  # DPD Pickup points search host; default: DPD_API_URL
    DPD_LOGIN: str | None = None
    DPD_PASSWORD: str | None = None
    DPD_MASTER_FID: str | None = None
    DPD_INFO_LOGIN: str | None = None  # InfoServices has its own credentials and channel
    DPD_INFO_PASSWORD: str | None = None
    DPD_INFO_CHANNEL: str | None = None
    POCZTA_API_URL = "https://e-nadawca.poczta-polska.pl/websrv/en.php"
    POCZTA_LOGIN: str | None = None
    POCZTA_PASSWORD: str | None = None
    POCZTA_TRACKING_URL = "https://tt.poczta-polska.pl/Sledzenie/services/Sledzenie"  # "Sledzenie" SOAP
    POCZTA_TRACKING_LOGIN = "sledzeniepp"  # Poczta Polska's shared public tracking account
    POCZTA_TRACKING_PASSWORD: str | None = None

    SCHEDULER_ENABLED = True
    # embedded: the jobs run in this process (APScheduler); celery: workers and beat over Redis
    QUEUE = "embedded"
    REDIS_URL = "redis://127.0.0.1:6379/0"  # Celery's broker and the shared request budget
    CELERY_BROKER_URL: str | None = None  # default: REDIS_URL
    CELERY_BEAT_SCHEDULE_FILE: str | None = None  # default: instance/celerybeat-schedule
    SYNC_DISPATCH_SECONDS = 20  # how often due accounts are looked for
    SYNC_DISPATCH_BATCH = 500  # accounts handed out per look at most
    SYNC_REDISPATCH_SECONDS = 600  # a handed-out sync not done by then is handed out again
    SYNC_FAST_SECONDS = 60  # an account with news is synced again this soon
    SYNC_IDLE_MAX_SECONDS = 900  # a quiet account backs off to this interval at most
    SYNC_BACKOFF_FACTOR = 1.5  # each sync without news stretches the interval this much
    SWEEP_INTERVAL_MINUTES = 30
    SWEEP_MARGIN_MINUTES = 120
    # A running sync renews its lease every third of this (heartbeat); a killed worker's account is
    # free again after at most this long.
    SYNC_LEASE_SECONDS = 60
    BACKFILL_DAYS = 90
    OUTBOX_INTERVAL_SECONDS = 30
    SHIPMENTS_INTERVAL_SECONDS = 20  # shipment orders: resend, read back, poll pending ones
    BULK_SHIPPING_INTERVAL_SECONDS = 3  # Nadaj zaznaczone: the worker takes waiting batch items this often
    SHIPPING_SENT_ON_HANDOVER = True  # mark the Allegro order sent once the carrier has the parcel
    TRACKING_INTERVAL_SECONDS = 60  # how often due parcels are looked for (each parcel has its own pace)
    DEMO_TICK_SECONDS = 60
    SYNC_NOW_IN_BACKGROUND = True
    PUBLIC_URL: str | None = None  # the desk's address, used in links inside e-mails
    DELIVERY_METHODS_CACHE_SECONDS = 300  # the orders filter's list of delivery methods
    CARRIERS_CACHE_SECONDS = 3600  # Allegro's carrier list for tracking numbers, per account
    # A parcel is stuck when its carrier has reported nothing new for this many Polish working days
    # (weekends and public holidays do not count), one setting per carrier; or when it has waited at a
    # pickup point longer than STUCK_PICKUP_DAYS calendar days; or when it is going back to the sender.
    STUCK_WORKING_DAYS_INPOST = 2
    STUCK_WORKING_DAYS_DPD = 2
    STUCK_WORKING_DAYS_POCZTA = 4
    STUCK_WORKING_DAYS_ALLEGRO = 3
    STUCK_WORKING_DAYS_OTHER = 3  # a carrier without a setting of its own
    STUCK_PICKUP_DAYS = 5
    # Complaints (reklamacje): files up to this size each (PDF, JPG, PNG), this many per upload and complaint;
    # the job asks carriers about forwarded complaints every COMPLAINTS_INTERVAL_SECONDS, each complaint again
    # after COMPLAINT_RECHECK_MINUTES; administrators are warned this many days before an answer is due.
    COMPLAINT_FILE_MAX_MB = 5
    COMPLAINT_FILES_PER_UPLOAD = 5
    COMPLAINT_FILES_MAX = 30
    COMPLAINTS_INTERVAL_SECONDS = 300
    COMPLAINT_RECHECK_MINUTES = 60
    COMPLAINT_ANSWER_ALERT_DAYS = 3
    # Cash on delivery: money a carrier collected and has not remitted after this many Polish working days
    # shows on the ageing list; the COD job (tracking -> collected, due days, holds) runs this often.
    COD_AGEING_DAYS = 5
    COD_INTERVAL_MINUTES = 10
    # Data-subject requests: the job deleting expired exports and requesters' contact data and completing
    # erasures whose legal hold was lifted runs this often; four eyes: the owner who approved an erasure
    # may not also execute it.
    PRIVACY_REQUESTS_INTERVAL_MINUTES = 60
    PRIVACY_FOUR_EYES = False
    # Access log of buyer data shown to agents (G7): kept 12 months, purged by a daily job. Requests write
    # to a table without indexes; this job moves its rows into the indexed log (forensic reads do it too).
    ACCESS_LOG_KEEP_DAYS = 365
    ACCESS_LOG_PURGE_HOURS = 24
    ACCESS_LOG_SETTLE_SECONDS = 60
    # Retention of buyers' data (per account, once its owner activated it): the job runs this often.
    RETENTION_INTERVAL_HOURS = 24

    ISSUE_REPLY_TARGET_HOURS = 8  # answer a buyer's message within this many hours
    ISSUE_REPLY_SOON_HOURS = 2  # warn this long before the reply target passes
    ISSUE_DEADLINE_SOON_HOURS = 48  # warn this long before a claim's decision deadline
    ISSUE_ROUND_ROBIN = False  # hand unassigned issues to agents in turn
    ISSUE_ASSIGN_INTERVAL_SECONDS = 60
    # Opening an unread Message Center thread marks it read on Allegro too (the flag the seller's
    # own Allegro panel shows); DESK_MIRROR_READ_TO_ALLEGRO=false keeps Allegro's flag as it is.
    MIRROR_READ_TO_ALLEGRO = True

    # The broker's money (desk/services/billing/policy.py): withdrawals, late cancellations, top-ups.
    BILLING_WITHDRAWAL_FEE_PERCENT = "2.00"
    BILLING_WITHDRAWAL_FEE_MIN = "2.00"  # zł
    BILLING_PAYOUT_WORKING_DAYS = 5  # a withdrawal is paid at the latest this many Polish working days later
    BILLING_CANCEL_FREE_HOURS = 2.0  # free cancelling ends this long before the planned pickup
    BILLING_MANUAL_CANCEL_FEE = "15.00"  # zł gross, an administrator's cancellation after that
    BILLING_BANK_ACCOUNT = "PL27114020040000300201355387"  # where sellers top up (set the broker's own)
    BILLING_BANK_RECIPIENT = "Broker Paczek sp. z o.o."

    # Offboarding (G10): a deleted account's data is purged this many days after the deletion, a disconnected
    # one's after its grace period (the owner can download the data or cancel until then); the purge job
    # runs this often and deletes this many rows per commit.
    OFFBOARDING_DELETE_DAYS = 30
    OFFBOARDING_DISCONNECT_DAYS = 30
    OFFBOARDING_PURGE_INTERVAL_HOURS = 24
    OFFBOARDING_PURGE_BATCH = 1000

    RATING_ANSWER_APPROVAL = False  # an owner approves agents' public answers before they go out
    RATING_ALERT_EMAILS: tuple[str, ...] | str = ()  # always mailed about new negative ratings
    RATING_ALERT_INTERVAL_MINUTES = 3

    # The broker as its VAT invoices name it (the seller); demo values until set (DESK_BROKER_*).
    BROKER_NAME = "Paczkomat Broker sp. z o.o."
    BROKER_NIP = "5271234563"
    BROKER_STREET = "ul. Kurierska 1"
    BROKER_POSTCODE = "00-001"
    BROKER_CITY = "Warszawa"
    BROKER_BANK_ACCOUNT = "PL21 1020 0003 1234 5678 9012 3456"
    BROKER_EMAIL = "faktury@broker.example"
    INVOICE_PAYMENT_DAYS = 7  # invoice-mode accounts pay within this many days of the invoice
    INVOICE_BLOCK_AFTER_DAYS = 5  # an invoice overdue by more than this blocks ordering shipments
    INVOICE_INTERVAL_SECONDS = 60  # per-order invoices, refunds and e-mails are looked for this often
    INVOICE_PERIODIC_MINUTES = 30  # periodic accounts: the run after each period's end (idempotent)

    SMTP_HOST: str | None = None  # no host: e-mail alerts are off
    SMTP_PORT = 25
    SMTP_USER: str | None = None
    SMTP_PASSWORD: str | None = None
    SMTP_FROM = "desk@localhost"
    SMTP_STARTTLS = False
    SMTP_TIMEOUT = 10

    LANGUAGES = ("pl", "en")
    BABEL_DEFAULT_LOCALE = "pl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Warsaw"
    BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).resolve().parent / "translations")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # forced on in production
    REMEMBER_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = 12 * 3600
    WTF_CSRF_TIME_LIMIT = None
    # Largest request body, refused before it is read (the CSRF check parses every form first). The
    # reply form's five 2 MB attachments fit; anything bigger is answered with the Polish 413 page.
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024
    # Sign-in throttle (desk/services/accounts/throttle.py). Failures are remembered for the window.
    # One e-mail from one address: free failures, then a delay that doubles with each failure, capped.
    LOGIN_FREE_FAILURES = 5
    LOGIN_FIRST_DELAY_SECONDS = 30
    LOGIN_MAX_DELAY_SECONDS = 900
    # One address, any e-mails (spraying): generous, as everybody behind one proxy shares an address.
    LOGIN_ADDRESS_MAX_FAILURES = 100
    # One e-mail, any addresses: a high ceiling that the agent's known devices pass.
    LOGIN_EMAIL_MAX_FAILURES = 50
    LOGIN_WINDOW_SECONDS = 3600
    KNOWN_DEVICE_DAYS = 180  # a browser that signed in stays known this long after its last sign-in
    # Proxies in front of the desk that set X-Forwarded-For/-Proto/-Host; 0 trusts no such header.
    TRUSTED_PROXIES = 0
    ARGON2_PROFILE = "RFC_9106_LOW_MEMORY"  # argon2-cffi profile for password hashes
    PORT = 5000
    # Buyers' pseudonym keys (one file per seller account), kept OUTSIDE the database; production must
    # name a writable directory (DESK_PRIVACY_KEY_DIR). Default: <instance>/privacy-keys; tests: a
    # temporary directory per test session.
    PRIVACY_KEY_DIR: str | None = None


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    SCHEDULER_ENABLED = False
    SYNC_NOW_IN_BACKGROUND = False
    FAKE_ALLEGRO_DEMO = False
    WTF_CSRF_ENABLED = False
    SERVER_NAME = "desk.test"
    ARGON2_PROFILE = "CHEAPEST"


def load(app: Flask, overrides: dict[str, Any] | None) -> None:
    """Fill app.config from Config, then env (DESK_*) or the given overrides."""
    app.config.from_object(Config)
    if overrides is None:
        app.config.from_prefixed_env("DESK")
        if "DATABASE_URL" in app.config:
            app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    else:
        app.config.update(overrides)
    _defaults(app)
    _check_production(app)


def _defaults(app: Flask) -> None:
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        os.makedirs(app.instance_path, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'desk.db'}"
    # ORM writes and bulk inserts must store the same JSON text
    engine_options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"json_serializer": json_text, **engine_options}
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        # The connection used last is handed out first: SQLite drops a connection's page cache when
        # another one has written since, so reusing the last writer (the access log's insert, a sync
        # batch) keeps its cache warm. With the default (oldest first) every write went to a cold one.
        options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_use_lifo": True, **options}
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # psycopg prepares repeated statements; a generic plan made while a table was still
        # small (first sync) keeps scanning it sequentially after it has grown.
        options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
        options["connect_args"] = {"prepare_threshold": None, **options.get("connect_args", {})}
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if not app.config.get("SECRET_KEY") and app.config["ENV_NAME"] != "production":
        app.config["SECRET_KEY"] = _instance_secret(app)
    if not app.config.get("PRIVACY_KEY_DIR") and app.config["ENV_NAME"] != "production":
        app.config["PRIVACY_KEY_DIR"] = _default_key_dir(app)
    if app.config["ENV_NAME"] == "production":
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True


def _instance_secret(app: Flask) -> str:
    """A per-install secret kept in instance/, so dev sessions survive restarts."""
    path = Path(app.instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    os.makedirs(app.instance_path, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


_session_key_dir: str | None = None


def _default_key_dir(app: Flask) -> str:
    """<instance>/privacy-keys; under TESTING one temporary directory for the whole test session."""
    global _session_key_dir
    if app.config.get("TESTING"):
        if _session_key_dir is None:
            _session_key_dir = tempfile.mkdtemp(prefix="desk-privacy-keys-")
        return _session_key_dir
    return str(Path(app.instance_path) / "privacy-keys")


def _check_key_dir(app: Flask) -> None:
    directory = app.config.get("PRIVACY_KEY_DIR")
    if not directory:
        raise ConfigError("DESK_PRIVACY_KEY_DIR (outside the database) is required in production")
    path = Path(directory)
    if not path.is_dir() or not os.access(path, os.W_OK | os.X_OK):
        raise ConfigError(f"DESK_PRIVACY_KEY_DIR {directory} must be an existing writable directory")


def _check_production(app: Flask) -> None:
    if app.config["ENV_NAME"] != "production":
        return
    if not app.config.get("SECRET_KEY"):
        raise ConfigError("DESK_SECRET_KEY is required in production")
    if app.config["ALLEGRO_BACKEND"] == "fake":
        raise ConfigError("production refuses the fake Allegro: set DESK_ALLEGRO_BACKEND=http")
    if app.config["CARRIERS_BACKEND"] == "fake":
        raise ConfigError("production refuses the fake carriers: set DESK_CARRIERS_BACKEND=http")
    _check_token_keys(token_encryption_keys(app.config))
    _check_key_dir(app)


def token_encryption_keys(config: Any) -> list[str]:
    """The configured Fernet keys, newest first: TOKEN_ENCRYPTION_KEYS, then TOKEN_ENCRYPTION_KEY."""
    value = config.get("TOKEN_ENCRYPTION_KEYS") or ()
    items = value.split(",") if isinstance(value, str) else list(value)
    keys = [item.strip() for item in items if item and item.strip()]
    single = (config.get("TOKEN_ENCRYPTION_KEY") or "").strip()
    if single and single not in keys:
        keys.append(single)
    return keys


def _check_token_keys(keys: list[str]) -> None:
    from cryptography.fernet import Fernet

    if not keys:
        raise ConfigError(
            "DESK_TOKEN_ENCRYPTION_KEYS (Fernet keys, newest first) is required in production"
        )
    for number, key in enumerate(keys, 1):
        try:
            Fernet(key.encode())
        except ValueError:
            raise ConfigError(f"token encryption key number {number} is not a valid Fernet key") from None
