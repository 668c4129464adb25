"""The daily retention job and its command: accounts with retention active, the injected clock."""

from __future__ import annotations

from sqlalchemy import select

from desk import jobs
from desk.extensions import db
from desk.models import RetentionRun
from desk.wiring import use_clock
from desk.wiring.retention import use_retention_ports
from tests.clock import FakeClock
from tests.services.privacy import retention_data as data
from tests.services.privacy.retention_fakes import MARKER, FakeEngine


def test_the_daily_job_acts_on_active_accounts_only(app):
    active, inactive = data.account(), data.account(active=False)
    due = data.order(active.id, bought=data.warsaw(2021, 5, 1), delivered=data.warsaw(2021, 5, 3))
    kept = data.order(inactive.id, bought=data.warsaw(2021, 5, 1), delivered=data.warsaw(2021, 5, 3))
    engine = FakeEngine()
    use_retention_ports(app, engine.ports())
    use_clock(app, FakeClock(data.warsaw(2025, 1, 2)))
    assert any(job.name == "retention" and job.unit == "hours" for job in jobs.JOBS)

    assert jobs.retention_job(app) == {"runs": 2, "rows": 1}  # the account and the access log
    assert data.identity(due.id)[0] == MARKER and data.identity(kept.id)[0] != MARKER
    assert engine.purges and engine.purges[0][0] == data.warsaw(2025, 1, 2)


def test_the_command_previews_with_a_progress_bar_and_changes_nothing(app, runner):
    shop = data.account("Sklep CLI", active=False)
    order = data.order(shop.id, bought=data.warsaw(2021, 5, 1), delivered=data.warsaw(2021, 5, 3))
    use_retention_ports(app, FakeEngine().ports())
    use_clock(app, FakeClock(data.warsaw(2025, 1, 2)))

    result = runner.invoke(args=["desk", "privacy", "retention", "--dry-run", "--account", "Sklep CLI"])
    assert result.exit_code == 0, result.output
    assert "Sklep CLI: would act on order_identity=1" in result.output
    assert data.identity(order.id)[0] != MARKER

    result = runner.invoke(args=["desk", "privacy", "retention", "--account", "Sklep CLI"])
    assert result.exit_code != 0 and "Retention is not active" in result.output

    data.account("Sklep CLI 2")  # active, nothing due
    result = runner.invoke(args=["desk", "privacy", "retention"])
    assert result.exit_code == 0, result.output
    runs = db.session.scalars(select(RetentionRun).where(RetentionRun.dry_run.is_(False))).all()
    assert len(runs) == 2  # the active account and the access log
