"""WSGI entry point: `gunicorn wsgi:app` (with DESK_QUEUE=embedded the jobs run here unless
DESK_SCHEDULER_ENABLED=false; with celery, workers and beat run them)."""
from desk import create_app
from desk.jobs import start_scheduler

app = create_app()
start_scheduler(app)
