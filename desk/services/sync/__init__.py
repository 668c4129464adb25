"""Running a sync: per-account lease, run record, the steps of each area, and the history pages read."""
