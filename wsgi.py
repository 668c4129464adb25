"""WSGI entry point: `gunicorn wsgi:app` (jobs run here unless DESK_SCHEDULER_ENABLED=false)."""
from desk import create_app
from desk.jobs import start_scheduler

app = create_app()
start_scheduler(app)
