
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField
from djmoney.models.managers import money_manager
from djmoney.models.validators import MinMoneyValidator
from simple_history.models import HistoricalRecords

from apps.core.files import public_storage
from apps.core.images import CleanImageField
from apps.core.models import TimeStampedModel
from apps.core.validators import validate_image

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


class ProductQuerySet(models.QuerySet):
    def visible(self):
        """What buyers may see and buy: active, approved by a moderator, sold by an active vendor."""
        return self.filter(is_active=True, moderation_status=Product.Moderation.APPROVED, vendor__status="active")


class Product(TimeStampedModel):
    """An item a vendor sells; buyers see it only once a moderator approved its current content."""

    vendor_path = "vendor"

    class Moderation(models.TextChoices):
        PENDING = "pending", _("Pending review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    # A change to any of these sends the product back to moderation.
    MODERATED_FIELDS = ("name", "description", "price", "price_currency")

    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="products",
                               verbose_name=_("vendor"))
    category = models.ForeignKey(ServiceCategory, on_delete=models.PROTECT, related_name="products",
                                 verbose_name=_("category"))
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    description = models.TextField(_("description"), blank=True)
    brand = models.CharField(_("brand"), max_length=80, blank=True, db_index=True)
    colour = models.CharField(_("colour"), max_length=40, blank=True, db_index=True)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True,
                                  help_text=_('Free attributes, e.g. {"size": "M", "material": "cotton"}.'))
    price = MoneyField(_("price"), max_digits=14, decimal_places=2, default_currency=settings.BASE_CURRENCY,
                       currency_choices=CURRENCY_CHOICES, validators=[MinMoneyValidator(0)])
    sale_price = MoneyField(_("sale price"), max_digits=14, decimal_places=2, null=True, blank=True,
                            default_currency=settings.BASE_CURRENCY, currency_choices=CURRENCY_CHOICES,
                            validators=[MinMoneyValidator(0)])
    sale_starts_at = models.DateTimeField(_("sale starts"), null=True, blank=True)
    sale_ends_at = models.DateTimeField(_("sale ends"), null=True, blank=True)
    stock = models.PositiveIntegerField(_("stock"), default=0)
    low_stock_threshold = models.PositiveIntegerField(_("low-stock threshold"), default=5)
    is_active = models.BooleanField(_("active"), default=True, db_index=True)
    moderation_status = models.CharField(_("moderation"), max_length=16, choices=Moderation.choices,
                                         default=Moderation.PENDING, db_index=True)
    rejection_reason = models.TextField(_("rejection reason"), blank=True)
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("moderated by"))
    rating_average = models.DecimalField(_("average rating"), max_digits=3, decimal_places=2, null=True, blank=True)
    rating_count = models.PositiveIntegerField(_("ratings"), default=0)

    history = HistoricalRecords()
    objects = money_manager(ProductQuerySet.as_manager())

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name"]
        permissions = [("moderate_product", _("Can approve or reject products"))]
        constraints = [
            models.CheckConstraint(condition=models.Q(stock__gte=0), name="catalog_product_stock_not_negative"),
            models.CheckConstraint(
                condition=models.Q(sale_ends_at__isnull=True) | models.Q(sale_starts_at__isnull=True)
                | models.Q(sale_ends_at__gt=models.F("sale_starts_at")),
                name="catalog_product_sale_window_ordered"),
        ]
        indexes = [models.Index(fields=["vendor", "moderation_status"], name="catalog_product_vendor_mod")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("shop:product-detail", args=[self.slug])

    def on_sale(self, at=None) -> bool:
        from django.utils import timezone

        at = at or timezone.now()
        return (self.sale_price is not None and self.sale_price < self.price
                and (self.sale_starts_at is None or self.sale_starts_at <= at)
                and (self.sale_ends_at is None or at < self.sale_ends_at))

    def current_price(self, at=None):
        """The price a buyer pays now: the sale price inside its window, else the price."""
        return self.sale_price if self.on_sale(at) else self.price

    @property
    def in_stock(self) -> bool:
        return self.stock > 0


def product_image_path(instance, filename):
    # filename is already ours (apps.core.images: a random name with the extension of the bytes), so pictures
    # of a product not yet published cannot be found by guessing, and no uploader's name or extension is kept.
    return f"products/{instance.product.vendor_id}/{instance.product_id}/{filename}"


class ProductImage(TimeStampedModel):
    vendor_path = "product__vendor"

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images", verbose_name=_("product"))
    image = CleanImageField(_("image"), upload_to=product_image_path, storage=public_storage, validators=[validate_image])
    thumbnail = models.ImageField(_("thumbnail"), upload_to=product_image_path, storage=public_storage, blank=True,
                                  editable=False)
    alt_text = models.CharField(_("description of the image"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("product image")
        verbose_name_plural = _("product images")
        ordering = ["product", "sort_order", "pk"]

    def __str__(self):
        return self.alt_text or f"{self.product} #{self.sort_order}"


class LowStockAlert(models.Model):
    """A product reported to its seller as low on stock on one day: at most one alert per product a day."""

    vendor_path = "product__vendor"

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="low_stock_alerts",
                                verbose_name=_("product"))
    day = models.DateField(_("day"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("low-stock alert")
        verbose_name_plural = _("low-stock alerts")
        constraints = [models.UniqueConstraint(fields=["product", "day"], name="catalog_lowstockalert_once_a_day")]

    def __str__(self):
        return f"{self.product} ({self.day})"
