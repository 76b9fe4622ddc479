from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from apps.core.models import WorkerHeartbeat


def health_checks() -> dict[str, dict]:
    """Database, cache and task-worker status for /health/ (each check is independent)."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = {"ok": True}
    except Exception as error:  # any failure means "down", reported, never raised
        checks["database"] = {"ok": False, "error": error.__class__.__name__}
    try:
        cache.set("health:probe", "1", 10)
        checks["cache"] = {"ok": cache.get("health:probe") == "1"}
    except Exception as error:
        checks["cache"] = {"ok": False, "error": error.__class__.__name__}
    try:
        beat = WorkerHeartbeat.objects.filter(name="default").values_list("beat_at", flat=True).first()
    except Exception as error:
        checks["worker"] = {"ok": False, "error": error.__class__.__name__}
    else:
        age = None if beat is None else int((timezone.now() - beat).total_seconds())
        checks["worker"] = {
            "ok": age is not None and age <= settings.WORKER_HEARTBEAT_MAX_AGE,
            "heartbeat_age_seconds": age,
        }
    return checks
