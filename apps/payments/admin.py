import uuid

from django.conf import settings
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_htmx.http import HttpResponseClientRedirect
from unfold.admin import TabularInline
from unfold.contrib.filters.admin import RangeDateTimeFilter
from unfold.decorators import action, display

from apps.core.admin import BaseAdmin, ReadOnlyAdminMixin, VendorScopedAdminMixin
from apps.core.exceptions import DomainError
from apps.core.scoping import ACCESS_ALL_VENDORS
from apps.payments.models import Payment, PaymentEvent
from apps.payments.services import payment_confirm_transfer, payment_refund

STATUS_COLOURS = {
    Payment.Status.PENDING: "warning",
    Payment.Status.COMPLETED: "success",
    Payment.Status.FAILED: "danger",
    Payment.Status.REFUNDED: "info",
}
OUTCOME_COLOURS = {PaymentEvent.Outcome.PROCESSED: "success", PaymentEvent.Outcome.REJECTED: "danger"}



class PaymentEventInline(ReadOnlyAdminMixin, TabularInline):
    model = PaymentEvent
    extra = 0
    fields = ["received_at", "event_type", "outcome", "note", "event_id"]
    readonly_fields = fields
    ordering = ["received_at"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdminMixin, VendorScopedAdminMixin, BaseAdmin):
    list_display = ["description", "status_badge", "gateway", "amount", "vendor", "reference_shown", "created_at"]
    list_filter = ["status", "gateway", ("created_at", RangeDateTimeFilter), "vendor"]
    list_select_related = ["vendor"]
    # Tokens and references are matched whole: a partial search would spell out a token letter by letter.
    search_fields = ["=token", "=reference", "provider_reference", "customer_email", "description"]
    inlines = [PaymentEventInline]
    actions = ["confirm_transfer", "refund"]
    actions_detail = ["confirm_transfer_detail", "refund_detail"]
    # Bearer tokens are never shown: the payment's token, and its return and retry URLs, open the buyer's pages.
    fieldsets = [
        (None, {"fields": ["description", "amount", "status", "gateway", "vendor", "customer_email"]}),
        (_("Caller"), {"fields": ["purpose", "reference_shown"]}),
        (_("Gateway"), {"fields": ["provider_reference", "failure_reason", "refund_reference"]}),
        (_("Dates"), {"fields": ["created_at", "completed_at", "refunded_at", "updated_at"]}),
    ]
    readonly_fields = [field for _title, options in fieldsets for field in options["fields"]]

    @display(description=_("Status"), ordering="status", label=STATUS_COLOURS)
    def status_badge(self, obj):
        return obj.status, obj.get_status_display()

    @display(description=_("Reference"), ordering="reference")
    def reference_shown(self, obj):
        # A caller may use its own bearer token as the reference (a purchase's UUID opens its pages).
        try:
            uuid.UUID(obj.reference)
        except ValueError:
            return obj.reference
        return f"{obj.reference[:8]}…"

    def has_confirm_transfer_permission(self, request, obj=None):
        return request.user.has_perm("payments.confirm_bank_transfer")

    def has_refund_permission(self, request, obj=None):
        return request.user.has_perm("payments.refund_payment")

    # --- changelist actions: each payment on its own, so one refusal does not stop the others
    def _apply(self, request, queryset, service, done_message):
        done = 0
        for payment in queryset:
            try:
                service(payment_id=payment.pk, actor=request.user)
            except DomainError as error:
                self.message_user(request, f"{payment}: {error}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, done_message % {"count": done}, messages.SUCCESS)

    @action(description=_("Confirm transfer received"), permissions=["confirm_transfer"])
    def confirm_transfer(self, request, queryset):
        self._apply(request, queryset, payment_confirm_transfer, _("%(count)d transfer(s) confirmed."))

    @action(description=_("Refund"), permissions=["refund"])
    def refund(self, request, queryset):
        self._apply(request, queryset, _refund_unowned, _("%(count)d payment(s) refunded."))

    # --- the same on the payment's page, behind a confirmation dialog (a POST, never a plain link)
    def _apply_one(self, request, object_id, service, done_message):
        payment = self.get_object(request, object_id)
        if payment is None:  # another vendor's payment, or none at all
            self.message_user(request, _("This payment does not exist."), messages.ERROR)
        else:
            self._apply(request, [payment], service, done_message)
        url = reverse("admin:payments_payment_change", args=[object_id])
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)

    @action(description=_("Confirm transfer received"), permissions=["confirm_transfer"], icon="account_balance",
            dialog={"title": _("Confirm transfer received?"),
                    "description": _("Only when the money is on our bank account: the purchase starts at once.")})
    def confirm_transfer_detail(self, request, form, object_id):
        return self._apply_one(request, object_id, payment_confirm_transfer, _("Transfer confirmed."))

    @action(description=_("Refund"), permissions=["refund"], icon="undo",
            dialog={"title": _("Refund this payment?"),
                    "description": _("The full amount goes back to the customer. This cannot be undone.")})
    def refund_detail(self, request, form, object_id):
        return self._apply_one(request, object_id, _refund_unowned, _("Payment refunded."))


def _refund_unowned(*, payment_id, actor):
    """Refund here only what no other app tracks; a purchase's own refund keeps its record in step."""
    payment = Payment.objects.get(pk=payment_id)
    if payment.purpose in settings.PAYMENT_PURPOSE_HANDLERS:
        raise DomainError(_("This payment is for a %(purpose)s (reference %(reference)s): refund it from that "
                            "record, so that it is closed too.") % {"purpose": payment.purpose.replace("_", " "),
                                                                     "reference": payment.reference})
    return payment_refund(payment_id=payment_id, actor=actor)


@admin.register(PaymentEvent)
class PaymentEventAdmin(ReadOnlyAdminMixin, BaseAdmin):
    """Every gateway's raw events. Not vendor-owned, so platform staff only."""

    list_display = ["event_id", "gateway", "event_type", "outcome_badge", "payment", "received_at"]
    list_filter = ["outcome", "gateway", ("received_at", RangeDateTimeFilter)]
    list_select_related = ["payment"]
    search_fields = ["event_id", "=payment__token", "payment__provider_reference"]
    fields = ["gateway", "event_id", "event_type", "outcome", "note", "payment", "received_at", "payload"]
    readonly_fields = fields

    @display(description=_("Outcome"), ordering="outcome", label=OUTCOME_COLOURS)
    def outcome_badge(self, obj):
        return obj.outcome, obj.get_outcome_display()

    def has_view_permission(self, request, obj=None):
        # Events name payments of every vendor: a vendor member given the permission by mistake still sees none.
        return super().has_view_permission(request, obj) and request.user.has_perm(ACCESS_ALL_VENDORS)

    def has_module_permission(self, request):
        return self.has_view_permission(request)
