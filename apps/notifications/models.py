from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.models import TimeStampedModel


class EmailLog(TimeStampedModel):
    """One logical e-mail: what was rendered, and how its delivery went."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text body"))
    body_html = models.TextField(_("HTML body"), blank=True)
    kind = models.CharField(_("kind"), max_length=64, db_index=True)  # "<app>.<purpose>": servicedesk.confirmation
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED,
                              db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # While "sending": the attempt's worker owns the e-mail until then; past it, the worker is taken for dead.
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    # Unique but nullable: e-mails without a key never collide (NULLs are distinct).
    dedupe_key = models.CharField(_("dedupe key"), max_length=200, unique=True, null=True, blank=True)
    related_reference = models.CharField(_("related reference"), max_length=64, blank=True, db_index=True)

    # One history row per attempt keeps every error, not only the last; the bodies are left out
    # because they never change and would be copied into each row.
    history = HistoricalRecords(excluded_fields=["body_text", "body_html"])

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.subject} → {self.to}"


class Notification(models.Model):
    """An in-app message for one user: the bell counts the unread ones."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="notifications",
                             verbose_name=_("user"))
    kind = models.CharField(_("kind"), max_length=64, db_index=True)  # "<app>.<event>": orders.new_order
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    # Unique per user but nullable: notify() called twice with the same key tells each person once.
    dedupe_key = models.CharField(_("dedupe key"), max_length=200, null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notifications_user_unread")]
        constraints = [models.UniqueConstraint(fields=["user", "dedupe_key"], name="notifications_user_dedupe")]

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    def __str__(self):
        return self.title
