"""Cash on delivery (Pobrania): the accounts' COD pages, and the administrators' payouts, remittances and
review list. One blueprint; the routes live in pages.py and admin.py and register on `bp`."""
from desk.views.cod import admin, pages  # noqa: F401  (their routes register on bp)
from desk.views.cod.blueprint import bp

__all__ = ["bp"]
