"""One Celery worker process of the Celery benchmark (`python -m benchmarks.celery_worker CONFIG_JSON`).

The worker is the desk's own (`create_app` with DESK_QUEUE=celery, solo pool) on the benchmark's
clock. Celery's task signals write one JSON line per sync task to the log named in the config:
account, slot, mode, when it was due, when it started and ended (simulated), and its outcome.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from celery import signals

from benchmarks.bench_clock import BenchClock
from benchmarks.common import desk_app
from desk.tasks import get_celery
from desk.tasks.definitions import SYNC_TASK
from desk.wiring import use_clock


def main(config: dict) -> None:
    clock = BenchClock(config["redis_url"], config["speed"])
    app = desk_app(config["database_url"], config["fake_url"], **config["desk"])
    use_clock(app, clock)
    log = Path(config["log"]).open("a", encoding="utf-8", buffering=1)  # noqa: SIM115  (open while the worker runs)
    started: dict[str, float] = {}

    @signals.task_prerun.connect(weak=False)
    def before(task_id=None, task=None, **_):
        started[task_id] = clock.sim_seconds()

    @signals.task_postrun.connect(weak=False)
    def after(task_id=None, task=None, args=(), retval=None, **_):
        if task.name != SYNC_TASK:
            return
        account_id, slot, mode, due_at = args
        log.write(json.dumps({
            "account": account_id, "slot": slot, "mode": mode, "due_at": due_at,
            "start": started.pop(task_id, None), "end": clock.sim_seconds(), "outcome": retval,
        }) + "\n")

    @signals.worker_ready.connect(weak=False)
    def ready(**_):
        Path(config["ready"]).touch()

    get_celery(app).worker_main([
        "worker", "--pool", "solo", "--queues", "desk,sync", "--loglevel", "WARNING",
        "--hostname", f"{config['name']}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat",
    ])


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
