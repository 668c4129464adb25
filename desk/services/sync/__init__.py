"""Running a sync: per-account lease, run record, the steps of each area, and the history pages read.

Other areas' views reach this area through the names below."""

from desk.services.sync.history import last_run, recent_runs

__all__ = ["last_run", "recent_runs"]
