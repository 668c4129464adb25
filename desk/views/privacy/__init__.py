"""Personal data (Dane osobowe): one blueprint for the owners' privacy pages; the page modules register
their routes on `bp`."""
from desk.views.privacy import (
    inventory,  # noqa: F401  (registers its routes)
    offboarding,  # noqa: F401  (registers its page)
)
from desk.views.privacy.blueprint import bp

__all__ = ["bp"]

from desk.views.privacy import holds, requests  # noqa: E402,F401  (the pages register their routes)
