"""Personal data (Dane osobowe): one blueprint for the owners' privacy pages; the page modules register
their routes on `bp`."""
from desk.views.privacy import retention  # noqa: F401  (registers its routes)
from desk.views.privacy.blueprint import bp

__all__ = ["bp"]
