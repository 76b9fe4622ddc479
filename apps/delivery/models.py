"""Getting a home-delivery order to its buyer: who carries it, what it earns them, and the QR handover."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.models import TimeStampedModel
from apps.geo.models import latitude_field, longitude_field
from apps.orders.models import money_field


class CourierProfile(TimeStampedModel):
    """A courier's working card: how they travel, how to reach them, whether they take jobs now."""

    class Vehicle(models.TextChoices):
        MOTORBIKE = "motorbike", _("Motorbike")
        CAR = "car", _("Car")
        BICYCLE = "bicycle", _("Bicycle")
        ON_FOOT = "on_foot", _("On foot")
        VAN = "van", _("Van")

    class Availability(models.TextChoices):
        AVAILABLE = "available", _("Available")
        BUSY = "busy", _("Busy")
        OFFLINE = "offline", _("Offline")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="courier_profile",
                                verbose_name=_("courier"))
    vehicle = models.CharField(_("vehicle"), max_length=12, choices=Vehicle.choices, default=Vehicle.MOTORBIKE)
    phone = models.CharField(_("phone"), max_length=32)
    availability = models.CharField(_("availability"), max_length=10, choices=Availability.choices,
                                    default=Availability.OFFLINE, db_index=True)
    # where the courier usually waits for jobs; "near me" is measured from here
    neighbourhood = models.ForeignKey("geo.Neighbourhood", on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+", verbose_name=_("base neighbourhood"))
    latitude = latitude_field(_("latitude"))
    longitude = longitude_field(_("longitude"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("courier profile")
        verbose_name_plural = _("courier profiles")

    def __str__(self):
        return str(self.user)


class Delivery(TimeStampedModel):
    """How one home-delivery order travels. The deliverer is the only person who may open its handover."""

    vendor_path = "order__vendor"

    class Mode(models.TextChoices):
        PERSONAL = "personal", _("Seller delivers personally")
        COURIER = "courier", _("A chosen courier")
        MARKETPLACE = "marketplace", _("Courier marketplace")

    class Status(models.TextChoices):
        OPEN = "open", _("Open to couriers")
        ASSIGNED = "assigned", _("Assigned")
        PICKED_UP = "picked_up", _("Picked up")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")

    order = models.OneToOneField("orders.Order", on_delete=models.CASCADE, related_name="delivery",
                                 verbose_name=_("order"))
    mode = models.CharField(_("mode"), max_length=12, choices=Mode.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ASSIGNED,
                              db_index=True)
    deliverer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="deliveries", verbose_name=_("deliverer"))
    # commune-level areas, shown to couriers browsing open jobs (street and buyer only after acceptance)
    pickup_area = models.CharField(_("pickup area"), max_length=120, blank=True)
    dropoff_area = models.CharField(_("drop-off area"), max_length=120, blank=True)
    pickup_address = models.TextField(_("pickup"), blank=True)
    pickup_latitude = latitude_field(_("pickup latitude"))
    pickup_longitude = longitude_field(_("pickup longitude"))
    dropoff_address = models.TextField(_("drop-off"), blank=True)
    dropoff_latitude = latitude_field(_("drop-off latitude"))
    dropoff_longitude = longitude_field(_("drop-off longitude"))
    distance_km = models.DecimalField(_("distance (km)"), max_digits=8, decimal_places=2, null=True, blank=True)
    rate_per_km = money_field(_("rate per km"), default=0)
    bonus = money_field(_("seller bonus"), default=0)
    commission = money_field(_("courier commission"), default=0)
    commission_payer = models.CharField(_("commission paid by"), max_length=10,
                                        choices=[("customer", _("Customer")), ("seller", _("Seller"))],
                                        default="customer")
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    picked_up_at = models.DateTimeField(_("picked up at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "-published_at"], name="delivery_open_jobs"),
                   models.Index(fields=["deliverer", "status"], name="delivery_deliverer_status")]

    def __str__(self):
        return f"{self.order} ({self.get_mode_display()})"

    @property
    def route_areas(self) -> str:
        """"Kaloum → Ratoma": the pickup and drop-off areas that are known ("" when neither is)."""
        return " → ".join(area for area in (self.pickup_area, self.dropoff_area) if area)


def new_delivery_token() -> str:
    # 32 random bytes = 256 bits, URL-safe: the QR holds a URL with it
    return secrets.token_urlsafe(32)


def new_delivery_pin() -> str:
    return f"{secrets.randbelow(10_000):04d}"


class DeliveryCode(models.Model):
    """The secret the buyer shows at the door. Single use, expires, says nothing about the amount."""

    class Method(models.TextChoices):
        CASH = "cash", _("Cash")
        ONLINE = "online", _("Online payment")

    order = models.OneToOneField("orders.Order", on_delete=models.CASCADE, related_name="delivery_code",
                                 verbose_name=_("order"))
    token = models.CharField(_("code"), max_length=64, unique=True, default=new_delivery_token, editable=False)
    pin = models.CharField(_("buyer PIN"), max_length=4, default=new_delivery_pin, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    payment_method = models.CharField(_("final payment method"), max_length=10, choices=Method.choices, blank=True)
    courier_confirmed_at = models.DateTimeField(_("deliverer confirmed at"), null=True, blank=True)
    courier_confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                             blank=True, related_name="+", verbose_name=_("confirmed by"))
    buyer_confirmed_at = models.DateTimeField(_("buyer confirmed at"), null=True, blank=True)
    buyer_confirmed_via = models.CharField(_("buyer confirmed by"), max_length=10, blank=True,
                                           choices=[("page", _("Their order page")), ("pin", _("Their PIN"))])
    # wrong PINs typed by the deliverer; at PIN_MAX_ATTEMPTS the PIN stops working for this code
    pin_failed_attempts = models.PositiveSmallIntegerField(_("wrong PINs typed"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("delivery code")
        verbose_name_plural = _("delivery codes")

    def __str__(self):
        return f"code for {self.order}"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at


class CashCollection(models.Model):
    """Cash the deliverer took at the door; one per order, enforced by the database."""

    vendor_path = "order__vendor"

    order = models.OneToOneField("orders.Order", on_delete=models.PROTECT, related_name="cash_collection",
                                 verbose_name=_("order"))
    collected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("collected by"))
    amount = money_field(_("amount"))
    collected_at = models.DateTimeField(_("collected at"), default=timezone.now)

    class Meta:
        verbose_name = _("cash collection")
        verbose_name_plural = _("cash collections")
        ordering = ["-collected_at"]

    def __str__(self):
        return f"{self.amount} for {self.order}"


class CourierEarning(models.Model):
    """One line of a courier's ledger: a commission earned, or its reversal (negative amount)."""

    class Kind(models.TextChoices):
        COMMISSION = "commission", _("Delivery commission")
        REVERSAL = "reversal", _("Reversal")

    courier = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="earnings",
                                verbose_name=_("courier"))
    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="earnings",
                                 verbose_name=_("delivery"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.COMMISSION)
    amount = money_field(_("amount"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("courier earning")
        verbose_name_plural = _("courier earnings")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["delivery", "kind"], name="delivery_earning_once_per_kind")]

    def __str__(self):
        return f"{self.amount} to {self.courier}"


class CourierRating(models.Model):
    """The buyer's mark for the person who brought the parcel."""

    delivery = models.OneToOneField(Delivery, on_delete=models.CASCADE, related_name="rating",
                                    verbose_name=_("delivery"))
    courier = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ratings_received",
                                verbose_name=_("courier"))
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                              verbose_name=_("buyer"))
    stars = models.PositiveSmallIntegerField(_("stars"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("courier rating")
        verbose_name_plural = _("courier ratings")
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=models.Q(stars__gte=1, stars__lte=5),
                                              name="delivery_rating_stars_1_5")]

    def __str__(self):
        return f"{self.stars}★ for {self.courier}"
