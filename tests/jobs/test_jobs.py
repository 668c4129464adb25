"""The scheduler table registers every job with stable ids; job wrappers call their services."""

from __future__ import annotations

import email
import email.policy

from desk import jobs
from desk.extensions import db
from desk.models import SellerAccount, SyncRun
from tests.billing_helpers import fund, quoted
from tests.factories import connect_account
from tests.services.ratings.test_reports import at, make_rating


def test_every_job_is_registered_once_with_its_interval(app):
    scheduler = app.extensions[jobs.SCHEDULER]
    assert not scheduler.running  # TestConfig keeps the scheduler off
    assert jobs.start_scheduler(app) is False
    scheduler.start(paused=True)  # materialise the jobs without running any
    try:
        registered = {job.id: job for job in scheduler.get_jobs()}
        assert set(registered) == {job.name for job in jobs.JOBS}
        dispatch = registered["dispatch_syncs"]
        assert dispatch.trigger.interval.total_seconds() == app.config["SYNC_DISPATCH_SECONDS"]
        assert (dispatch.max_instances, dispatch.coalesce) == (1, True)
    finally:
        scheduler.shutdown(wait=False)


def test_the_embedded_dispatcher_syncs_due_accounts_here(app, fake_allegro):
    account, seller = connect_account(fake_allegro)
    fake_allegro.state.add_checkout_form(seller)
    assert jobs.dispatch_syncs_job(app) == {"dispatched": 1, "synced": 1}
    assert db.session.query(SyncRun).one().created == 1
    assert jobs.dispatch_syncs_job(app) == {"dispatched": 0}  # next sync planned a minute on


def test_the_scheduler_never_starts_in_a_celery_deployment(app):
    app.config.update(SCHEDULER_ENABLED=True, QUEUE="celery")
    assert jobs.start_scheduler(app) is False  # beat runs the table there
    assert not app.extensions[jobs.SCHEDULER].running


def test_outbox_job_with_nothing_due(app):
    assert jobs.deliver_outbox_job(app) == {}


def test_rating_alert_job_mails_in_polish_only_when_smtp_is_set(app, smtp_server):
    account = SellerAccount(name="Sklep Alert")
    db.session.add(account)
    db.session.flush()
    rating = make_rating(
        account,
        at("2026-11-02"),
        recommended=False,
        is_new_negative=True,
        comment="Paczka nie dotarła",
        buyer_login="kupujacy_1",
    )
    app.config.update(RATING_ALERT_EMAILS="szef@sklep.pl, biuro@sklep.pl", SMTP_HOST=None)
    assert jobs.rating_alerts_job(app)["mails"] == 0
    assert rating.alerted_at is None and smtp_server.received == []

    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.server_address[1])
    assert jobs.rating_alerts_job(app) == {"mails": 1, "ratings": 1, "failed": 0}
    ((recipients, raw),) = smtp_server.received
    assert sorted(recipients) == ["biuro@sklep.pl", "szef@sklep.pl"]
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert "Sklep Alert" in message["Subject"] and "negatywn" in message["Subject"].lower()
    assert "kupujacy_1" in message.get_body(("plain",)).get_content()
    assert jobs.rating_alerts_job(app)["mails"] == 0  # mailed once


def test_an_embedded_desk_keeps_its_request_budget_in_process(app):
    from desk.services.sync.budget import LocalBucket
    from desk.wiring import get_allegro

    assert isinstance(get_allegro().gate, LocalBucket)


def test_an_embedded_desk_needs_neither_celery_nor_redis(tmp_path):
    """`make run` must start without a broker: the embedded desk never even imports them."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from desk import create_app\n"
        "from desk.config import TestConfig\n"
        "o = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}\n"
        f"o.update(ALLEGRO_BACKEND='http', ALLEGRO_API_URL='http://127.0.0.1:9',"
        f" SQLALCHEMY_DATABASE_URI='sqlite:///{tmp_path}/x.db')\n"
        "create_app(o)\n"
        "print(sorted(m for m in ('celery', 'kombu', 'redis') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_shipment_jobs_send_pending_orders_and_follow_parcels(app):
    import datetime as dt

    from desk.models import ShipmentStatus
    from desk.services.shipping import dispatch
    from desk.wiring.carriers import FAKE_CARRIERS
    from tests.integrations.carriers.helpers import request

    account = SellerAccount(name="Sklep Paczki")
    db.session.add(account)
    db.session.commit()
    fund(account.id)
    order = quoted(
        dispatch.ShipmentOrder(
            account.id, "inpost", request(service="inpost_courier_standard", idempotency_key="job-1")
        )
    )
    shipment = dispatch._record(order, None)  # recorded, never sent (the process stopped there)
    shipment.next_check_at = dispatch.utcnow() - dt.timedelta(seconds=1)
    db.session.commit()
    assert jobs.deliver_shipments_job(app) == {"pending": 1}
    inpost = app.extensions[FAKE_CARRIERS]["inpost"].server.state
    inpost.process_all()
    shipment.next_check_at = dispatch.utcnow() - dt.timedelta(seconds=1)
    db.session.commit()
    assert jobs.deliver_shipments_job(app) == {"confirmed": 1}
    assert shipment.status is ShipmentStatus.CONFIRMED
    assert jobs.track_shipments_job(app)["parcels"] == 1
    assert shipment.tracking_state == "created" and shipment.events
