"""`make run`'s demo set-up creates the public price list once."""
from __future__ import annotations

from sqlalchemy import func, select

from desk import create_app, wiring
from desk.config import TestConfig
from desk.demo import prepare_demo
from desk.extensions import db
from desk.models import PriceList, PriceRow


def test_prepare_demo_seeds_the_public_price_list_idempotently(tmp_path):
    overrides = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    overrides.update(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'demo.db'}", ALLEGRO_BACKEND="fake",
                     CARRIERS_BACKEND="http")
    app = create_app(overrides)
    with app.app_context():
        db.create_all()
        try:
            prepare_demo(app)
            rows = db.session.scalar(select(func.count(PriceRow.id)))
            prepare_demo(app)
            assert db.session.scalar(select(func.count(PriceList.id))) == 1
            assert db.session.scalar(select(func.count(PriceRow.id))) == rows > 20
        finally:
            from desk.wiring.carriers import stop_fakes

            stop_fakes(app)
            fake = app.extensions.get(wiring.FAKE_EXTENSION)
            if fake is not None:
                fake[0].stop()  # the in-process fake Allegro the demo started
            db.session.remove()
            db.engine.dispose()
