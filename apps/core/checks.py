"""Startup checks on settings that would otherwise fail silently in production."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def task_retry_exceeds_timeout(app_configs, **kwargs) -> list[Error]:
    """django-q2 hands an unacknowledged task out again after `retry` seconds: at or below `timeout`,
    a slow task still running gets a second copy running beside it."""
    cluster = getattr(settings, "Q_CLUSTER", {})
    retry, timeout = cluster.get("retry"), cluster.get("timeout")
    if retry is None or timeout is None or retry > timeout:
        return []
    return [Error(
        f"Q_CLUSTER retry ({retry} s) must be greater than timeout ({timeout} s).",
        hint="Set Q_RETRY above Q_TIMEOUT, e.g. Q_TIMEOUT=300 Q_RETRY=360.",
        id="core.E001",
    )]
