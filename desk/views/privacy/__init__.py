"""Personal data (Dane osobowe): one blueprint for the owners' privacy pages; the page modules register
their routes on `bp`."""
from desk.views.privacy import offboarding  # noqa: F401  (registers its page)
from desk.views.privacy.blueprint import bp

__all__ = ["bp"]
