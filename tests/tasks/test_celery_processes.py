"""`flask desk beat` and `flask desk worker` as the real processes a deployment runs, end to end:
beat sends the dispatcher on its interval, the worker process syncs every due account once."""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from desk.extensions import db
from desk.models import SyncRun, SyncSchedule
from tests.factories import connect_account
from tests.tasks.helpers import finished_runs, wait_until

FLASK = str(Path(sys.executable).parent / "flask")


PR_SET_PDEATHSIG = 1


def _own_session_dying_with_us() -> None:
    """In the child before exec: its own process group (so _stop can end beat's or the worker's children
    too), and SIGKILL when the test process dies, so a killed test run leaves no worker behind to take
    the next run's tasks from Redis."""
    os.setsid()
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("wb") as out:
        return subprocess.Popen(  # noqa: S603 - our own entry point, fixed arguments
            [FLASK, "--app", "desk", "desk", *args],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=_own_session_dying_with_us,  # noqa: PLW1509 - no threads are started before it
        )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def _env(celery_desk, fake_allegro, database_url, redis_url, tmp_path, **extra) -> dict[str, str]:
    return {
        **os.environ,
        "DESK_QUEUE": "celery",
        "DESK_REDIS_URL": redis_url,
        "DESK_DATABASE_URL": database_url,
        "DESK_ALLEGRO_BACKEND": "http",
        "DESK_ALLEGRO_API_URL": fake_allegro.url,
        "DESK_ALLEGRO_AUTH_URL": fake_allegro.url,
        "DESK_SECRET_KEY": celery_desk.config["SECRET_KEY"],  # the tokens' cipher key derives from it
        "DESK_SYNC_DISPATCH_SECONDS": "1",
        "DESK_CELERY_BEAT_SCHEDULE_FILE": str(tmp_path / "beat-schedule"),
        **extra,
    }


def test_real_beat_and_worker_processes_sync_each_account_once(
    celery_desk,
    fake_allegro,
    database_url,
    redis_url,
    redis_db,
    tmp_path,
):
    accounts = [connect_account(fake_allegro)[0] for _ in range(2)]
    env = _env(celery_desk, fake_allegro, database_url, redis_url, tmp_path)
    beat = _start(["beat"], env, tmp_path / "beat.log")
    worker = _start(["worker", "--", "--pool", "solo"], env, tmp_path / "worker.log")
    try:
        runs = wait_until(lambda: len(finished_runs()) >= 2 and finished_runs(), timeout=120)
        logs = "".join(path.read_text(errors="replace")[-3000:] for path in tmp_path.glob("*.log"))
        assert runs, f"no sync finished; process logs:\n{logs}"
        assert sorted(run.account_id for run in runs) == sorted(account.id for account in accounts)
        assert {run.state for run in runs} == {"ok"}
        assert beat.poll() is None and worker.poll() is None  # both still running
    finally:
        _stop(beat)
        _stop(worker)
    db.session.rollback()
    finished = (
        select(SyncRun.account_id, func.count())
        .where(SyncRun.state != "running")
        .group_by(SyncRun.account_id)
    )
    slots = dict(db.session.execute(select(SyncSchedule.account_id, SyncSchedule.slot)).all())
    for account_id, count in db.session.execute(finished).all():
        # one sync per slot, never two (a sync cut short by stopping the worker has no slot yet)
        assert 1 <= count <= slots[account_id]


def test_two_worker_processes_together_stay_within_the_shared_budget(
    celery_desk,
    fake_allegro,
    database_url,
    redis_url,
    redis_db,
    tmp_path,
):
    """A budget of 2 requests a second (burst 2 s): two workers syncing five accounts are held back by
    the Redis bucket they share, so no stretch of time sees more than the budget allows."""
    for _ in range(5):
        connect_account(fake_allegro)
    fake_allegro.state.requests.clear()  # count only what the worker processes send
    env = _env(
        celery_desk,
        fake_allegro,
        database_url,
        redis_url,
        tmp_path,
        DESK_ALLEGRO_BUDGET_PER_MINUTE="120",
        DESK_ALLEGRO_BUDGET_SHARE="1.0",
        DESK_ALLEGRO_BUDGET_BURST_SECONDS="2",
    )
    processes = [
        _start(["beat"], env, tmp_path / "beat.log"),
        *[
            _start(["worker", "--", "--pool", "solo", "-n", f"w{n}@%h"], env, tmp_path / f"worker{n}.log")
            for n in range(2)
        ],
    ]
    try:
        runs = wait_until(lambda: len(finished_runs()) >= 5 and finished_runs(), timeout=150)
        assert runs, "the five accounts were not synced in time"
    finally:
        for process in processes:
            _stop(process)
    times = sorted(entry.at.timestamp() for entry in fake_allegro.state.requests if entry.at is not None)
    assert len(times) >= 15  # five syncs of several requests each
    rate, burst = 2.0, 4
    for i, start in enumerate(times):  # every window [start, start + w] holds at most burst + rate * w
        for j in range(i, len(times)):
            window = times[j] - start
            # +2: a request granted its turn can arrive a little after the next one on a loaded machine
            assert j - i + 1 <= burst + rate * window + 2, (j - i + 1, window)
    assert times[-1] - times[0] >= (len(times) - burst) / rate * 0.9  # held back, not just lucky
