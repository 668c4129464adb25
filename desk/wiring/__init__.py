"""The only place that picks real or fake backends, builds clients and turns config into settings.

`ALLEGRO_BACKEND=http` talks to `ALLEGRO_API_URL`/`ALLEGRO_AUTH_URL` (or the production/sandbox
hosts); `fake` starts the fake Allegro inside this process on 127.0.0.1 with living demo data and
points the same real client at it over HTTP. Every client takes turns from one request budget: in
Redis with `QUEUE=celery` (shared by every worker), in this process otherwise. `settings()` is how
views, jobs and commands read the configuration; desk/config.py holds every default.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass

import requests
from flask import Flask, current_app

from desk.extensions import db
from desk.services.accounts.throttle import LoginPolicy
from desk.services.issues.deadlines import DeadlinePolicy
from desk.services.orders.cache import Caches, TtlCache
from desk.services.orders.sync import SyncSettings
from desk.services.ports import Clock
from desk.services.shared import pseudonym_keys
from desk.services.shared.mail import SmtpSettings
from desk.services.shared.tokens import DbTokenStore, TokenCipher
from desk.services.sync.budget import Budget, LocalBucket
from desk.services.sync.polling import PollingPolicy
from desk.services.sync.schedule import DispatchSettings
from desk.wiring import carriers
from integrations.allegro import API_URLS, AUTH_URLS, AllegroClient, OAuthClient, RequestGate, TokenManager

EXTENSION = carriers.ALLEGRO_EXTENSION  # "desk.allegro"
FAKE_EXTENSION = "desk.fake_allegro"
CACHES = "desk.caches"
CLOCK = "desk.clock"
QUEUES = ("embedded", "celery")


class Gateway:
    """Builds per-account Allegro clients; one pooled HTTP session per thread."""

    def __init__(
        self,
        *,
        api_url: str,
        auth_url: str,
        client_id: str,
        client_secret: str,
        cipher: TokenCipher,
        timeout: float,
        gate: RequestGate | None = None,
    ) -> None:
        self.api_url = api_url
        self.auth_url = auth_url
        self.cipher = cipher
        self.gate = gate  # the request budget every client of this gateway takes turns from
        self._timeout = timeout
        self._local = threading.local()
        self.oauth = OAuthClient(
            auth_url, client_id, client_secret, session=self._session(), timeout=timeout, gate=gate
        )

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    def token_store(self, account_id: int) -> DbTokenStore:
        return DbTokenStore(db.engine, account_id, self.cipher)

    def client_for(self, account_id: int) -> AllegroClient:
        tokens = TokenManager(self.token_store(account_id), self.oauth)
        return AllegroClient(
            self.api_url, tokens, session=self._session(), timeout=(5, self._timeout), gate=self.gate
        )


@dataclass
class _LazyGateway:
    """Defers starting the in-process fake until something really talks to Allegro."""

    app: Flask
    _gateway: Gateway | None = None

    def get(self) -> Gateway:
        if self._gateway is None:
            self._gateway = _build(self.app)
        return self._gateway


class SystemClock:
    """The wall clock."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def init_app(app: Flask) -> None:
    """Register the (lazily built) gateway, the clock and the caches of this app."""
    if app.config["ALLEGRO_BACKEND"] not in ("fake", "http"):
        raise ValueError("DESK_ALLEGRO_BACKEND must be 'fake' or 'http'")
    if app.config["QUEUE"] not in QUEUES:
        raise ValueError("DESK_QUEUE must be 'embedded' or 'celery'")
    app.extensions[EXTENSION] = _LazyGateway(app)
    carriers.init_app(app)
    app.extensions[CLOCK] = SystemClock()
    app.extensions[pseudonym_keys.EXTENSION] = pseudonym_keys.KeyStore(app.config["PRIVACY_KEY_DIR"])
    app.extensions[CACHES] = Caches(
        delivery_methods=TtlCache(float(app.config["DELIVERY_METHODS_CACHE_SECONDS"])),
        carriers=TtlCache(float(app.config["CARRIERS_CACHE_SECONDS"])),
    )


def get_allegro() -> Gateway:
    """The Allegro gateway of the current app (the port services receive)."""
    return current_app.extensions[EXTENSION].get()


def get_clock(app: Flask | None = None) -> Clock:
    """The clock schedules read (the wall clock unless `use_clock` put another in)."""
    return (app or current_app).extensions[CLOCK]


def use_clock(app: Flask, clock: Clock) -> None:
    """Make `app` read the time from `clock` (benchmarks run simulated hours in minutes)."""
    app.extensions[CLOCK] = clock


def uses_celery(app: Flask | None = None) -> bool:
    """Whether the jobs run on Celery workers and beat (DESK_QUEUE=celery) rather than in-process."""
    return (app or current_app).config["QUEUE"] == "celery"


def get_caches() -> Caches:
    """The current app's own caches (services receive the one they need)."""
    return current_app.extensions[CACHES]


@dataclass(frozen=True)
class Settings:
    """The configuration as views, jobs and commands hand it to services."""

    production: bool
    languages: tuple[str, ...]
    login: LoginPolicy  # the sign-in throttle and how long a device stays known
    password_profile: str  # argon2-cffi profile for new password hashes
    sync: SyncSettings
    sync_lease_seconds: int
    polling: PollingPolicy
    dispatch: DispatchSettings
    sync_in_background: bool  # "sync now" in a thread (off in tests: the request does the work)
    deadlines: DeadlinePolicy
    round_robin: bool
    mirror_read: bool  # an agent opening an unread thread marks it read on Allegro
    rating_answer_approval: bool
    rating_alert_emails: tuple[str, ...]
    smtp: SmtpSettings
    public_url: str | None
    max_request_bytes: int  # bodies beyond this are refused unread (413)


def settings(app: Flask | None = None) -> Settings:
    """The settings of `app` (default: the current app), read from its config at each call.

    Nothing is cached: a config changed at run time (`flask desk worker`, tests) applies at once.
    """
    config = (app or current_app).config
    return Settings(
        production=config["ENV_NAME"] == "production",
        languages=tuple(config["LANGUAGES"]),
        login=LoginPolicy(
            free_failures=int(config["LOGIN_FREE_FAILURES"]),
            first_delay_seconds=int(config["LOGIN_FIRST_DELAY_SECONDS"]),
            max_delay_seconds=int(config["LOGIN_MAX_DELAY_SECONDS"]),
            address_max_failures=int(config["LOGIN_ADDRESS_MAX_FAILURES"]),
            email_max_failures=int(config["LOGIN_EMAIL_MAX_FAILURES"]),
            window_seconds=int(config["LOGIN_WINDOW_SECONDS"]),
            known_device_days=int(config["KNOWN_DEVICE_DAYS"]),
        ),
        password_profile=config["ARGON2_PROFILE"],
        sync=SyncSettings(
            sweep_margin=dt.timedelta(minutes=config["SWEEP_MARGIN_MINUTES"]),
            backfill_days=config["BACKFILL_DAYS"],
        ),
        sync_lease_seconds=config["SYNC_LEASE_SECONDS"],
        polling=PollingPolicy(
            fast_seconds=int(config["SYNC_FAST_SECONDS"]),
            idle_max_seconds=int(config["SYNC_IDLE_MAX_SECONDS"]),
            backoff_factor=float(config["SYNC_BACKOFF_FACTOR"]),
        ),
        dispatch=DispatchSettings(
            batch=int(config["SYNC_DISPATCH_BATCH"]),
            redispatch_after=dt.timedelta(seconds=int(config["SYNC_REDISPATCH_SECONDS"])),
            sweep_every=dt.timedelta(minutes=float(config["SWEEP_INTERVAL_MINUTES"])),
        ),
        sync_in_background=bool(config["SYNC_NOW_IN_BACKGROUND"]),
        deadlines=DeadlinePolicy(
            reply_hours=float(config["ISSUE_REPLY_TARGET_HOURS"]),
            reply_soon_hours=float(config["ISSUE_REPLY_SOON_HOURS"]),
            allegro_soon_hours=float(config["ISSUE_DEADLINE_SOON_HOURS"]),
        ),
        round_robin=bool(config["ISSUE_ROUND_ROBIN"]),
        mirror_read=bool(config["MIRROR_READ_TO_ALLEGRO"]),
        rating_answer_approval=bool(config["RATING_ANSWER_APPROVAL"]),
        rating_alert_emails=_addresses(config["RATING_ALERT_EMAILS"]),
        smtp=SmtpSettings(
            host=config["SMTP_HOST"] or None,
            port=int(config["SMTP_PORT"]),
            user=config["SMTP_USER"] or None,
            password=config["SMTP_PASSWORD"] or None,
            sender=config["SMTP_FROM"],
            starttls=bool(config["SMTP_STARTTLS"]),
            timeout=float(config["SMTP_TIMEOUT"]),
        ),
        public_url=config["PUBLIC_URL"],
        max_request_bytes=int(config["MAX_CONTENT_LENGTH"]),
    )


def _addresses(value: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    # DESK_RATING_ALERT_EMAILS="a@x.pl, b@x.pl" arrives as one string
    items = value.split(",") if isinstance(value, str) else value
    return tuple(item.strip() for item in items if item and item.strip())


def _build(app: Flask) -> Gateway:
    config = app.config
    cipher = token_cipher(app)
    if config["ALLEGRO_BACKEND"] == "fake":
        server = fake_server(app)
        api_url = auth_url = server.url
    else:
        environment = config["ALLEGRO_ENVIRONMENT"]
        api_url = config.get("ALLEGRO_API_URL") or API_URLS[environment]
        auth_url = config.get("ALLEGRO_AUTH_URL") or AUTH_URLS[environment]
    return Gateway(
        api_url=api_url.rstrip("/"),
        auth_url=auth_url.rstrip("/"),
        client_id=config["ALLEGRO_CLIENT_ID"],
        client_secret=config["ALLEGRO_CLIENT_SECRET"],
        cipher=cipher,
        timeout=config["ALLEGRO_TIMEOUT"],
        gate=build_gate(app),
    )


def token_cipher(app: Flask | None = None) -> TokenCipher:
    """The cipher of secrets at rest, over the configured keys (newest first)."""
    from desk.config import token_encryption_keys

    config = (app or current_app).config
    return TokenCipher(token_encryption_keys(config), secret_key=config["SECRET_KEY"])


def build_gate(app: Flask) -> RequestGate:
    """The request budget: shared through Redis with DESK_QUEUE=celery, else this process's own."""
    config = app.config
    budget = Budget(
        per_minute=int(config["ALLEGRO_BUDGET_PER_MINUTE"]),
        share=float(config["ALLEGRO_BUDGET_SHARE"]),
        burst_seconds=float(config["ALLEGRO_BUDGET_BURST_SECONDS"]),
        default_pause_seconds=float(config["ALLEGRO_RATE_LIMIT_PAUSE_SECONDS"]),
    )
    clock = get_clock(app)
    if not uses_celery(app):
        return LocalBucket(budget, clock)
    import redis

    from desk.services.sync.budget_redis import RedisBucket

    client = redis.Redis.from_url(config["REDIS_URL"], socket_timeout=2, socket_connect_timeout=2)
    # the limit is Allegro's per application id: deployments sharing a Redis keep their own buckets
    return RedisBucket(client, f"desk:allegro-budget:{config['ALLEGRO_CLIENT_ID']}", budget, clock)


def fake_server(app: Flask):
    """The in-process fake Allegro (started on first use) with its demo generator."""
    from integrations.allegro.fake import DemoGenerator, FakeAllegroState, serve_fake

    if FAKE_EXTENSION not in app.extensions:
        state = FakeAllegroState(seed=7)
        state.auto_approve_devices = True
        seller_id = state.add_seller("demo_sklep")
        demo = DemoGenerator(state, seed=7)
        if app.config["FAKE_ALLEGRO_DEMO"]:
            demo.populate(seller_id, orders=300, days=45)
        server = serve_fake(state, port=int(app.config["FAKE_ALLEGRO_PORT"]))
        app.extensions[FAKE_EXTENSION] = (server, demo, seller_id)
    return app.extensions[FAKE_EXTENSION][0]
