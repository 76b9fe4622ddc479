"""Tables of the chaos_tasks run; nothing else writes them."""

from django.db import models


class ChaosEffect(models.Model):
    """The business effect of one key of a chaos_tasks run: one row, whatever the deliveries (unique key)."""

    key = models.CharField(max_length=64, unique=True)
    executions = models.PositiveIntegerField(default=0)  # runs that found or made the row; >1 is a re-delivery


class ChaosDelivery(models.Model):
    """Each django-q2 task that ran for a key: a re-delivery keeps its task id, a second fire of a schedule does not."""

    key = models.CharField(max_length=64)
    task_id = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "task_id"], name="chaos_delivery_once_per_task")]
