"""Personal data (RODO): one blueprint for the owners' privacy pages; the page modules register their routes
on `bp` and their tabs with `section` (shown in the order of blueprint.TAB_ORDER)."""
from desk.views.privacy import (  # noqa: F401  (their routes)
    access_log,
    holds,
    inventory,
    offboarding,
    requests,
    retention,
)
from desk.views.privacy.blueprint import bp

__all__ = ["bp"]
