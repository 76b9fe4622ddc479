from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField
from simple_history.models import HistoricalRecords

from apps.core.models import TimeStampedModel

CURRENCY_CHOICES = [(code, code) for code in settings.CURRENCIES]
MAX_RATE = Decimal("50")

code_validator = RegexValidator(r"^[A-Z0-9]{4,20}\Z", _("Use 4 to 20 capital letters or digits, e.g. AMINATA10."))


class AffiliateQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Affiliate(TimeStampedModel):
    """A person who earns a share of the purchases made through their share link."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="affiliate",
                                verbose_name=_("user"))
    code = models.CharField(_("code"), max_length=20, unique=True, validators=[code_validator],
                            help_text=_("4 to 20 capital letters or digits; it appears in share links as ?ref=CODE."))
    commission_rate = models.DecimalField(
        _("commission rate (%)"), max_digits=4, decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_RATE)])
    is_active = models.BooleanField(_("active"), default=True, db_index=True)

    history = HistoricalRecords()
    objects = AffiliateQuerySet.as_manager()

    class Meta:
        verbose_name = _("affiliate")
        verbose_name_plural = _("affiliates")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(commission_rate__gte=0, commission_rate__lte=MAX_RATE),
                                   name="affiliates_rate_0_to_50"),
        ]

    def __str__(self):
        return self.code


class Commission(TimeStampedModel):
    """The affiliate's share of one referred purchase, at the rate in force when it was paid."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REVERSED = "reversed", _("Reversed")

    affiliate = models.ForeignKey(Affiliate, on_delete=models.PROTECT, related_name="commissions",
                                  verbose_name=_("affiliate"))
    reference = models.CharField(_("reference"), max_length=64, db_index=True,
                                 help_text=_("The purchase or request it comes from."))
    base_amount = MoneyField(_("purchase amount"), max_digits=14, decimal_places=2,
                             default_currency=settings.BASE_CURRENCY, currency_choices=CURRENCY_CHOICES)
    amount = MoneyField(_("commission"), max_digits=14, decimal_places=2, default_currency=settings.BASE_CURRENCY,
                        currency_choices=CURRENCY_CHOICES)
    rate = models.DecimalField(_("rate (%)"), max_digits=4, decimal_places=2)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    reversed_at = models.DateTimeField(_("reversed at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("commission")
        verbose_name_plural = _("commissions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["affiliate", "reference"], name="affiliates_commission_once_per_reference"),
        ]

    def __str__(self):
        return f"{self.affiliate} · {self.reference}"


# Pending and approved commissions are owed to the affiliate; a reversed one no longer is.
EARNING_STATUSES = (Commission.Status.PENDING, Commission.Status.APPROVED)
