from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import CurrencyField
from simple_history.models import HistoricalRecords

from apps.core.files import public_storage
from apps.core.images import CleanImageField
from apps.core.models import TimeStampedModel
from apps.core.validators import validate_image
from apps.geo.models import LATITUDE_VALIDATORS, LONGITUDE_VALIDATORS


class VendorQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Vendor.Status.ACTIVE)


class Vendor(TimeStampedModel):
    """A store or business selling on Comptoir."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    vendor_path = "pk"  # a vendor owns itself: its members see only their own row

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    description = models.TextField(_("description"), blank=True)
    logo = CleanImageField(_("logo"), upload_to="vendors/logos/", storage=public_storage, blank=True,
                           validators=[validate_image])
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    address = models.TextField(_("address"), blank=True)
    # where buyers collect pickup orders; used for delivery distances (apps.geo.distance.point_of)
    pickup_neighbourhood = models.ForeignKey("geo.Neighbourhood", on_delete=models.SET_NULL, null=True, blank=True,
                                             related_name="+", verbose_name=_("pickup neighbourhood"))
    pickup_latitude = models.DecimalField(_("pickup latitude"), max_digits=9, decimal_places=6, null=True,
                                          blank=True, validators=LATITUDE_VALIDATORS)
    pickup_longitude = models.DecimalField(_("pickup longitude"), max_digits=9, decimal_places=6, null=True,
                                           blank=True, validators=LONGITUDE_VALIDATORS)
    default_currency = CurrencyField(_("default currency"), default=settings.BASE_CURRENCY,
                                     choices=[(c, c) for c in settings.CURRENCIES])
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE,
                              db_index=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="VendorMembership",
                                     related_name="vendors", blank=True)

    history = HistoricalRecords()
    objects = VendorQuerySet.as_manager()

    class Meta:
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")
        ordering = ["name"]
        permissions = [("access_all_vendors", _("Can see and manage every vendor's data"))]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("home") + f"#vendor-{self.slug}"


class VendorMembership(TimeStampedModel):
    """A person working for a vendor, with a role inside that vendor."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MANAGER = "manager", _("Manager")
        STAFF = "staff", _("Staff")

    vendor_path = "vendor"

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="memberships",
                               verbose_name=_("vendor"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="vendor_memberships", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.STAFF)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vendor membership")
        verbose_name_plural = _("vendor memberships")
        ordering = ["vendor__name", "user__email"]
        constraints = [models.UniqueConstraint(fields=["vendor", "user"], name="vendors_membership_unique")]

    def __str__(self):
        return f"{self.user} · {self.vendor} ({self.get_role_display()})"
