from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField
from djmoney.models.managers import money_manager
from djmoney.models.validators import MinMoneyValidator
from simple_history.models import HistoricalRecords

from apps.core.models import TimeStampedModel

CURRENCY_CHOICES = [(code, code) for code in settings.CURRENCIES]


class ServiceCategory(TimeStampedModel):
    """A node of the category tree shared by services (and later products)."""

    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name=_("parent"))
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    icon = models.CharField(_("icon"), max_length=50, blank=True,
                            help_text=_("Material Symbols name, e.g. directions_car."))
    ordering = models.PositiveSmallIntegerField(_("ordering"), default=0)
    eligible_providers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="eligible_categories", verbose_name=_("eligible providers"),
        help_text=_("Support staff or vendor staff who may receive this category's service requests."))

    history = HistoricalRecords(m2m_fields=[eligible_providers])

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["ordering", "name"]

    def __str__(self):
        return f"{self.parent} › {self.name}" if self.parent_id else self.name


class ServiceQuerySet(models.QuerySet):
    def on_sale(self):
        return self.filter(is_active=True, vendor__status="active")


class Service(TimeStampedModel):
    """A professional service a vendor sells, priced from its base price or its tiers."""

    vendor_path = "vendor"

    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="services",
                               verbose_name=_("vendor"))
    category = models.ForeignKey(ServiceCategory, on_delete=models.PROTECT, related_name="services",
                                 verbose_name=_("category"))
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    short_description = models.CharField(_("short description"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    features = models.JSONField(_("features"), default=list, blank=True, help_text=_("A list of short lines."))
    base_price = MoneyField(_("base price"), max_digits=14, decimal_places=2, default_currency=settings.BASE_CURRENCY,
                            currency_choices=CURRENCY_CHOICES, validators=[MinMoneyValidator(0)])
    is_active = models.BooleanField(_("active"), default=True, db_index=True)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), null=True, blank=True)

    history = HistoricalRecords()
    # money_manager: lookups with a Money (base_price__gte=Money(...)) also filter on the currency
    objects = money_manager(ServiceQuerySet.as_manager())

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["category__ordering", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:service-detail", args=[self.slug])


class ServiceTier(TimeStampedModel):
    """A priced level of a service (Basic, Standard, Premium...)."""

    vendor_path = "service__vendor"

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="tiers", verbose_name=_("service"))
    name = models.CharField(_("name"), max_length=80)
    price = MoneyField(_("price"), max_digits=14, decimal_places=2, default_currency=settings.BASE_CURRENCY,
                       currency_choices=CURRENCY_CHOICES, validators=[MinMoneyValidator(0)])
    features = models.JSONField(_("features"), default=list, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service tier")
        verbose_name_plural = _("service tiers")
        ordering = ["service", "sort_order", "price"]
        constraints = [models.UniqueConstraint(fields=["service", "name"], name="catalog_tier_unique_name")]

    def __str__(self):
        return f"{self.service} · {self.name}"
