"""Recurring tasks, declared in code and synced on migrate (idempotent)."""

from django_q.models import Schedule

from apps.forecasts.tasks import next_nightly_run

SCHEDULES = [
    {"name": "worker-heartbeat", "func": "apps.core.tasks.heartbeat", "schedule_type": Schedule.MINUTES, "minutes": 1},
    {"name": "loyalty-expire", "func": "apps.loyalty.tasks.expire_due_points", "schedule_type": Schedule.DAILY},
    {"name": "catalog-low-stock-alerts", "func": "apps.catalog.tasks.send_low_stock_alerts",
     "schedule_type": Schedule.DAILY},
    {"name": "forecasts-nightly", "func": "apps.forecasts.tasks.forecast_nightly", "schedule_type": Schedule.DAILY,
     "next_run": next_nightly_run()},
    {"name": "notifications-prune-read", "func": "apps.notifications.tasks.prune_read_notifications",
     "schedule_type": Schedule.DAILY},
    {"name": "email-requeue-stale", "func": "apps.notifications.tasks.requeue_stale_emails",
     "schedule_type": Schedule.MINUTES, "minutes": 5},
    {"name": "email-bodies-prune", "func": "apps.notifications.tasks.prune_email_bodies",
     "schedule_type": Schedule.DAILY},
    {"name": "history-prune", "func": "apps.core.tasks.prune_history", "schedule_type": Schedule.DAILY},
    {"name": "import-jobs-prune", "func": "apps.dataio.tasks.prune_import_jobs", "schedule_type": Schedule.DAILY},
    {"name": "login-events-prune", "func": "apps.accounts.tasks.prune_login_events", "schedule_type": Schedule.DAILY},
]


def sync_schedules(sender, **kwargs):
    if sender.label != "django_q":  # once per migrate, when the app owning the table has migrated
        return
    for spec in SCHEDULES:
        spec = dict(spec)
        Schedule.objects.update_or_create(name=spec.pop("name"), defaults={**spec, "repeats": -1})
