from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LoyaltyAccount(models.Model):
    """A customer's points balance: the cached sum of their ledger, written with each entry."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="loyalty_account",
                                verbose_name=_("customer"))
    balance = models.IntegerField(_("balance (points)"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("loyalty account")
        verbose_name_plural = _("loyalty accounts")
        ordering = ["-balance", "pk"]
        constraints = [models.CheckConstraint(condition=models.Q(balance__gte=0), name="loyalty_balance_not_negative")]

    def __str__(self):
        return f"{self.user} · {self.balance}"


class LoyaltyEntry(models.Model):
    """One line of the points ledger; never edited. Credits (earn, restore) carry the date they expire."""

    class Kind(models.TextChoices):
        EARN = "earn", _("Earned")
        REDEEM = "redeem", _("Used at checkout")
        RESTORE = "restore", _("Given back")
        EXPIRE = "expire", _("Expired")
        REVERSE = "reverse", _("Taken back")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="loyalty_entries",
                             verbose_name=_("customer"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    points = models.IntegerField(_("points"), help_text=_("Positive when credited, negative when taken."))
    reference = models.CharField(_("reference"), max_length=64)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    created_at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("loyalty entry")
        verbose_name_plural = _("loyalty entries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # the same order, cancellation or return never counts twice
            models.UniqueConstraint(fields=["user", "kind", "reference"], name="loyalty_entry_once_per_reference"),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="loyalty_entry_user_created"),
            models.Index(fields=["reference"], name="loyalty_entry_reference"),
            models.Index(fields=["expires_at"], name="loyalty_entry_expires"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.points:+d} · {self.reference}"
