"""Returns of delivered orders and the refunds their approval gives back."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.files import private_storage
from apps.core.images import CleanImageField
from apps.core.models import TimeStampedModel
from apps.core.validators import validate_image
from apps.orders.models import money_field


class ReturnRequest(TimeStampedModel):
    """A buyer asks to send a delivered order back; its seller approves or rejects."""

    vendor_path = "order__vendor"

    class Reason(models.TextChoices):
        DAMAGED = "damaged", _("Arrived damaged or broken")
        WRONG_ITEM = "wrong_item", _("Not what I ordered")
        NOT_AS_DESCRIBED = "not_as_described", _("Not as described")
        DEFECTIVE = "defective", _("Does not work")
        CHANGED_MIND = "changed_mind", _("I no longer want it")
        OTHER = "other", _("Another reason")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        REFUNDED = "refunded", _("Refunded")

    # Statuses that hold the order: while one of them exists, no other return of it may be asked for.
    LIVE_STATUSES = (Status.REQUESTED, Status.APPROVED, Status.REFUNDED)

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="returns",
                              verbose_name=_("order"))
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="returns",
                              verbose_name=_("buyer"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    description = models.TextField(_("description"), blank=True)
    # Private: served only through views that check who asks (never a public media URL).
    photo = CleanImageField(_("photo"), upload_to="returns/%Y/%m/", storage=private_storage, blank=True,
                            validators=[validate_image])
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED,
                              db_index=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One return at a time per order; a rejected one leaves room for another request.
            models.UniqueConstraint(fields=["order"], condition=Q(status__in=["requested", "approved", "refunded"]),
                                    name="returns_one_live_return_per_order"),
            models.CheckConstraint(condition=~Q(status="rejected") | ~Q(decision_note=""),
                                   name="returns_rejection_has_reason"),
            models.CheckConstraint(condition=Q(status="requested") | Q(decided_at__isnull=False),
                                   name="returns_decision_has_time"),
        ]
        indexes = [models.Index(fields=["buyer", "-created_at"], name="returns_buyer_created")]

    def __str__(self):
        return _("Return of %(order)s") % {"order": self.order.reference}


class ReturnStatusChange(models.Model):
    """One step of a return's timeline, shown to the buyer and in the admin."""

    return_request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="timeline")
    from_status = models.CharField(max_length=12, choices=ReturnRequest.Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=ReturnRequest.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.return_request} → {self.get_to_status_display()}"


class Refund(TimeStampedModel):
    """The money an approved return gives back: through the gateway that took it, or in cash by the seller."""

    vendor_path = "order__vendor"

    class Method(models.TextChoices):
        GATEWAY = "gateway", _("Online, through the payment gateway")
        CASH = "cash", _("Cash, by the seller")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")

    return_request = models.OneToOneField(ReturnRequest, on_delete=models.PROTECT, related_name="refund",
                                          verbose_name=_("return"))
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="refunds",
                              verbose_name=_("order"))
    amount = money_field(_("amount"))
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    payment = models.ForeignKey("payments.Payment", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="return_refunds", verbose_name=_("payment refunded"))
    provider_reference = models.CharField(_("provider refund reference"), max_length=255, blank=True)
    failure_message = models.CharField(_("why the refund failed"), max_length=500, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    marked_paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="+", verbose_name=_("marked paid by"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="returns_refund_amount_not_negative"),
            models.CheckConstraint(condition=~Q(status="paid") | Q(paid_at__isnull=False),
                                   name="returns_refund_paid_has_time"),
            models.CheckConstraint(condition=~Q(method="gateway") | Q(payment__isnull=False),
                                   name="returns_refund_gateway_has_payment"),
        ]

    def __str__(self):
        return _("Refund of %(order)s") % {"order": self.order.reference}
