from django.utils import timezone

from apps.core.models import WorkerHeartbeat


def heartbeat_record(*, name: str = "default") -> None:
    """Note that a worker is alive; safe to run any number of times."""
    WorkerHeartbeat.objects.update_or_create(name=name, defaults={"beat_at": timezone.now()})
