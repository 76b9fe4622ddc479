"""The task the chaos_tasks command queues: written like a real one, idempotent by its business key."""

import random
import time

from django.db import transaction
from django.db.models import F

from management.models import ChaosDelivery, ChaosEffect

_running_task_id = ""


def _task_starting(sender, task, **kwargs):
    global _running_task_id
    _running_task_id = task.get("id", "")


def connect_task_id_signal() -> None:
    """Let record_effect know which django-q2 task runs it (the worker sends pre_execute before each task)."""
    from django_q.signals import pre_execute

    pre_execute.connect(_task_starting, dispatch_uid="management.chaos.task_id")


def record_effect(key: str) -> None:
    """Do the effect of `key` once, however often the task is delivered; count every run.

    It takes some time on both sides of the commit, so that a kill lands before the effect (the task is
    handed out again and does it) or after it, before the acknowledgement (handed out again, does nothing).
    """
    time.sleep(random.uniform(0.025, 0.1))
    with transaction.atomic():
        ChaosEffect.objects.get_or_create(key=key)
        ChaosEffect.objects.filter(key=key).update(executions=F("executions") + 1)
        ChaosDelivery.objects.get_or_create(key=key, task_id=_running_task_id)
    time.sleep(random.uniform(0.025, 0.1))
