import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField
from simple_history.models import HistoricalRecords

from apps.core.models import TimeStampedModel

CURRENCY_CHOICES = [(code, code) for code in settings.CURRENCIES]


class Gateway(models.TextChoices):
    """Every gateway the code knows; settings.PAYMENT_GATEWAYS says which are offered."""

    SANDBOX = "sandbox", _("Sandbox (test payments)")
    STRIPE = "stripe", _("Card (Stripe)")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")


class Payment(TimeStampedModel):
    """One attempt to collect money for something a caller sells (purpose + reference)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        COMPLETED = "completed", _("Completed")
        FAILED = "failed", _("Failed")
        REFUNDED = "refunded", _("Refunded")

    vendor_path = "vendor"

    token = models.UUIDField(_("token"), default=uuid.uuid4, unique=True, editable=False)
    gateway = models.CharField(_("gateway"), max_length=32, choices=Gateway.choices)
    purpose = models.CharField(_("purpose"), max_length=64,
                               help_text=_("What is being paid for, e.g. service_purchase."))
    reference = models.CharField(_("reference"), max_length=64, db_index=True,
                                 help_text=_("The id of the paid-for object, in the purpose's own terms."))
    amount = MoneyField(_("amount"), max_digits=14, decimal_places=2, default_currency=settings.BASE_CURRENCY,
                        currency_choices=CURRENCY_CHOICES)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    provider_reference = models.CharField(_("provider reference"), max_length=255, blank=True,
                                          help_text=_("The gateway's id for this payment."))
    customer_email = models.EmailField(_("customer e-mail"), blank=True)
    description = models.CharField(_("description"), max_length=255)
    vendor = models.ForeignKey("vendors.Vendor", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="payments", verbose_name=_("vendor"))
    # Paths on our own site, set by the caller; not URLFields, which would demand a scheme and host.
    return_url = models.CharField(_("return URL"), max_length=500)
    retry_url = models.CharField(_("retry URL"), max_length=500)
    failure_reason = models.CharField(_("failure reason"), max_length=255, blank=True)
    refund_reference = models.CharField(_("refund reference"), max_length=255, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    # What has been given back so far, in the payment's currency: parts (one order's return) add up here,
    # so no later refund can give back more than was paid.
    refunded_amount = models.DecimalField(_("refunded so far"), max_digits=14, decimal_places=2, default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at"]
        permissions = [
            ("confirm_bank_transfer", _("Can confirm that a bank transfer was received")),
            ("refund_payment", _("Can refund a payment")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_payment_amount_positive"),
            models.CheckConstraint(
                condition=~Q(status__in=["completed", "refunded"]) | Q(completed_at__isnull=False),
                name="payments_payment_completed_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="refunded") | Q(refunded_at__isnull=False),
                name="payments_payment_refunded_has_time",
            ),
            # A gateway id names one payment: webhooks that carry only that id find exactly one row.
            models.UniqueConstraint(fields=["gateway", "provider_reference"], condition=~Q(provider_reference=""),
                                    name="payments_payment_unique_provider_reference"),
        ]

    def __str__(self):
        return f"{self.description} · {self.amount} · {self.token.hex[:8]}"


class PaymentEvent(models.Model):
    """A webhook event as received; (gateway, event_id) is unique, so a replay is recognised."""

    class Outcome(models.TextChoices):
        PROCESSED = "processed", _("Processed")
        # Never stored: the answer given to a replay, whose first delivery keeps its own row.
        DUPLICATE = "duplicate", _("Duplicate")
        REJECTED = "rejected", _("Rejected")

    gateway = models.CharField(_("gateway"), max_length=32, choices=Gateway.choices)
    event_id = models.CharField(_("event id"), max_length=255)
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="events",
                                verbose_name=_("payment"))
    event_type = models.CharField(_("event type"), max_length=100)
    payload = models.JSONField(_("payload"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("payment event")
        verbose_name_plural = _("payment events")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["gateway", "event_id"], name="payments_event_unique_per_gateway"),
        ]
        indexes = [
            # Staff review the rejected (flagged) events; they are few, so a partial index stays small.
            models.Index(fields=["received_at"], condition=Q(outcome="rejected"), name="payments_event_rejected"),
        ]

    def __str__(self):
        return f"{self.gateway} {self.event_id}"
