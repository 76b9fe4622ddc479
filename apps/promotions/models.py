from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField
from djmoney.models.validators import MinMoneyValidator
from simple_history.models import HistoricalRecords

from apps.core.models import TimeStampedModel

CURRENCY_CHOICES = [(code, code) for code in settings.CURRENCIES]


class PromoCode(TimeStampedModel):
    """A code buyers type at checkout: a seller's code covers its own products, a platform code (no vendor) any."""

    vendor_path = "vendor"

    class Kind(models.TextChoices):
        PERCENT = "percent", _("Percentage off")
        FIXED = "fixed", _("Fixed amount off")

    code = models.CharField(_("code"), max_length=40,
                            help_text=_("3 to 40 letters, digits, dashes or underscores; buyers type it in any case."))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.PERCENT)
    percent_off = models.DecimalField(_("percent off"), max_digits=5, decimal_places=2, null=True, blank=True,
                                      validators=[MinValueValidator(0), MaxValueValidator(100)],
                                      help_text=_("For a percentage code: 0 to 100."))
    amount_off = MoneyField(_("amount off"), max_digits=14, decimal_places=2, null=True, blank=True,
                            default_currency=settings.BASE_CURRENCY, currency_choices=CURRENCY_CHOICES,
                            validators=[MinMoneyValidator(0)], help_text=_("For a fixed-amount code."))
    valid_from = models.DateTimeField(_("valid from"), default=timezone.now)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True,
                                       help_text=_("Leave empty for a code that does not expire."))
    min_order = MoneyField(_("minimum order"), max_digits=14, decimal_places=2, null=True, blank=True,
                           default_currency=settings.BASE_CURRENCY, currency_choices=CURRENCY_CHOICES,
                           validators=[MinMoneyValidator(0)],
                           help_text=_("Total of the products the code applies to, before the discount."))
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="promo_codes", verbose_name=_("vendor"),
                               help_text=_("Empty: a platform code, valid on every seller's products."))
    category = models.ForeignKey("catalog.ServiceCategory", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="promo_codes", verbose_name=_("category"),
                                 help_text=_("Only products of this category and its subcategories."))
    max_uses = models.PositiveIntegerField(_("maximum uses"), null=True, blank=True,
                                           help_text=_("Empty: unlimited."))
    max_uses_per_customer = models.PositiveIntegerField(_("maximum uses per customer"), null=True, blank=True,
                                                        help_text=_("Empty: unlimited."))
    uses_count = models.PositiveIntegerField(_("uses"), default=0, editable=False)
    is_active = models.BooleanField(_("active"), default=True, db_index=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("promo code")
        verbose_name_plural = _("promo codes")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(Upper("code"), name="promotions_code_unique_ci",
                                    violation_error_message=_("This code cannot be used: choose another one.")),
            models.CheckConstraint(
                condition=models.Q(kind="percent", percent_off__isnull=False, amount_off__isnull=True)
                | models.Q(kind="fixed", amount_off__isnull=False, percent_off__isnull=True),
                name="promotions_value_matches_kind",
                violation_error_message=_("Give a percentage for a percentage code, an amount for a fixed code.")),
            models.CheckConstraint(
                condition=models.Q(percent_off__isnull=True) | models.Q(percent_off__gte=0, percent_off__lte=100),
                name="promotions_percent_0_100"),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True) | models.Q(valid_until__gt=models.F("valid_from")),
                name="promotions_validity_ordered",
                violation_error_message=_("The end of validity must come after its start.")),
            models.CheckConstraint(
                condition=models.Q(max_uses__isnull=True) | models.Q(uses_count__lte=models.F("max_uses")),
                name="promotions_uses_within_max",
                violation_error_message=_("The maximum number of uses cannot be below the uses so far.")),
        ]

    def __str__(self):
        return self.code


class PromoRedemption(models.Model):
    """One use of a code by a checkout; released (not deleted) when that checkout is cancelled."""

    vendor_path = "promo__vendor"

    promo = models.ForeignKey(PromoCode, on_delete=models.PROTECT, related_name="redemptions",
                              verbose_name=_("promo code"))
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="promo_redemptions",
                                 verbose_name=_("customer"))
    reference = models.CharField(_("reference"), max_length=40, db_index=True)
    created_at = models.DateTimeField(_("redeemed at"), default=timezone.now)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["promo", "reference"], name="promotions_redemption_unique")]
        indexes = [models.Index(fields=["promo", "customer"], name="promotions_redemption_customer")]

    def __str__(self):
        return f"{self.promo} · {self.reference}"
