from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.models import TimeStampedModel

TARGET_FIELDS = ("reported_user", "product", "vendor")


class Report(TimeStampedModel):
    """Someone telling moderators that an account, a product or a store breaks the rules.

    Not vendor-owned on purpose: sellers never see reports, even those about their own store.
    """

    class Reason(models.TextChoices):
        FRAUD = "fraud", _("Fraud or scam")
        COUNTERFEIT = "counterfeit", _("Counterfeit goods")
        ABUSIVE = "abusive", _("Abusive or offensive")
        SPAM = "spam", _("Spam")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")
        DISMISSED = "dismissed", _("Dismissed")

    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_made",
                                 verbose_name=_("reporter"))
    reported_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                                      related_name="reports_received", verbose_name=_("reported account"))
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, null=True, blank=True,
                                related_name="reports", verbose_name=_("product"))
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="reports", verbose_name=_("store"))
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN,
                              db_index=True)
    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="reports_handled", verbose_name=_("moderator"))
    moderator_note = models.TextField(_("moderator note"), blank=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]
        permissions = [("moderate_report", _("Can handle reports and reactivate reported accounts"))]
        constraints = [
            models.CheckConstraint(
                name="moderation_report_exactly_one_target",
                condition=(Q(reported_user__isnull=False, product__isnull=True, vendor__isnull=True)
                           | Q(reported_user__isnull=True, product__isnull=False, vendor__isnull=True)
                           | Q(reported_user__isnull=True, product__isnull=True, vendor__isnull=False)),
            ),
            # one open report per reporter and target; once handled, the same person may report again
            *[models.UniqueConstraint(fields=["reporter", field], condition=Q(status="open"),
                                      name=f"moderation_report_one_open_per_{field}") for field in TARGET_FIELDS],
        ]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.target}"

    @property
    def target(self):
        return self.reported_user or self.product or self.vendor

    @property
    def target_type(self) -> str:
        return next(field for field in TARGET_FIELDS if getattr(self, f"{field}_id"))
