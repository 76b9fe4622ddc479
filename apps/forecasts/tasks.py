"""django-q2 entry points: they only call services, and are safe to run twice.

django-q2 runs each task in a forked worker process (never a thread), which is what Prophet needs;
several forecasts therefore fit in parallel on Q_WORKERS processes, each in its own task.
"""

from datetime import datetime, timedelta

from django.utils import timezone

from apps.forecasts.services import forecast_run_execute, forecast_schedule_nightly


def forecast_run(run_id: int) -> str | None:
    run = forecast_run_execute(run_id=run_id)
    return run.status if run is not None else None


def forecast_nightly() -> int:
    return forecast_schedule_nightly()


NIGHTLY_HOUR = 2  # local time: after the day's orders, before anyone opens the dashboard


def next_nightly_run() -> datetime:
    """The next NIGHTLY_HOUR o'clock, local time: where the daily schedule is aimed on each migrate."""
    now = timezone.localtime()
    at = now.replace(hour=NIGHTLY_HOUR, minute=0, second=0, microsecond=0)
    return at if at > now else at + timedelta(days=1)
