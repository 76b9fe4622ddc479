import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField
from simple_history.models import HistoricalRecords

from apps.core.models import TimeStampedModel

# No 0/O or 1/I/L: references are read aloud on the phone and typed from paper receipts.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_reference() -> str:
    return f"SR-{timezone.now():%Y}-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


class Purchase(TimeStampedModel):
    """What a customer asked to buy, kept until the payment completes (then it becomes a request)."""

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, related_name="purchases")
    tier = models.ForeignKey("catalog.ServiceTier", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="purchases")
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="service_purchases")
    full_name = models.CharField(_("full name"), max_length=150)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=32)
    requirements = models.TextField(_("requirements"), blank=True)
    amount = MoneyField(_("amount"), max_digits=14, decimal_places=2)
    affiliate_code = models.CharField(_("affiliate code"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("purchase")
        verbose_name_plural = _("purchases")

    def __str__(self):
        return f"{self.service} for {self.full_name}"


class ServiceRequest(TimeStampedModel):
    """A paid service being delivered: created when its payment completes, never before."""

    vendor_path = "vendor"

    class Status(models.TextChoices):
        PAYMENT_CONFIRMED = "payment_confirmed", _("Payment confirmed")
        PENDING_CONTACT = "pending_contact", _("Pending contact")
        TEAM_ASSIGNED = "team_assigned", _("Team assigned")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")
        REFUNDED = "refunded", _("Refunded")

    OPEN_STATUSES = (Status.PAYMENT_CONFIRMED, Status.PENDING_CONTACT, Status.TEAM_ASSIGNED, Status.IN_PROGRESS)

    reference = models.CharField(_("reference"), max_length=20, unique=True, default=new_reference, editable=False)
    purchase = models.OneToOneField(Purchase, on_delete=models.PROTECT, related_name="service_request")
    payment = models.OneToOneField("payments.Payment", on_delete=models.PROTECT, related_name="service_request")
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="service_requests",
                               verbose_name=_("vendor"))
    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, related_name="requests",
                                verbose_name=_("service"))
    tier = models.ForeignKey("catalog.ServiceTier", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="requests", verbose_name=_("tier"))
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="service_requests", verbose_name=_("customer account"))
    full_name = models.CharField(_("customer name"), max_length=150)
    email = models.EmailField(_("customer e-mail"), db_index=True)
    phone = models.CharField(_("customer phone"), max_length=32)
    requirements = models.TextField(_("requirements"), blank=True)
    amount = MoneyField(_("amount"), max_digits=14, decimal_places=2)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.PAYMENT_CONFIRMED, db_index=True)
    provider = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="assigned_requests", verbose_name=_("provider"))
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    affiliate_code = models.CharField(_("affiliate code"), max_length=20, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-created_at"]
        permissions = [("view_all_servicerequests", _("Can see every service request, not only assigned ones"))]
        indexes = [models.Index(fields=["provider", "status"], name="servicedesk_provider_status")]

    def __str__(self):
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def tracking_token(self) -> str:
        from apps.servicedesk.tracking import tracking_token

        return tracking_token(self.reference)


class StatusChange(models.Model):
    """One step of a request's timeline: who moved it where, when, and why."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="timeline")
    from_status = models.CharField(max_length=20, choices=ServiceRequest.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ServiceRequest.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("timeline")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.request} → {self.get_to_status_display()}"
