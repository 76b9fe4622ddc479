from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class WorkerHeartbeat(models.Model):
    """Last time a task worker ran the heartbeat schedule; /health/ reads its age."""

    name = models.CharField(max_length=64, unique=True, default="default")
    beat_at = models.DateTimeField()

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self):
        return f"{self.name} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"


class HistoryAccess(models.Model):
    """No table: it only holds the permissions of the history tools (see apps/core/history.py)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("revert_history", _("Can revert an object to an earlier version")),
            ("view_activity", _("Can see what a person changed (activity)")),
        ]
