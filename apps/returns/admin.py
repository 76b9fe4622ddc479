from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import Http404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import RangeDateFilter
from unfold.decorators import action, display
from unfold.widgets import UnfoldAdminTextareaWidget

from apps.core.admin import ActionFormPageMixin, BaseAdmin, TimelineInline, VendorScopedAdminMixin
from apps.core.exceptions import DomainError
from apps.core.templatetags.money import price
from apps.returns import services
from apps.returns.models import Refund, ReturnRequest, ReturnStatusChange
from apps.returns.selectors import order_online_payment, refund_amount
from apps.returns.views import photo_response

Status = ReturnRequest.Status
RETURN_COLOURS = {Status.REQUESTED: "warning", Status.APPROVED: "info", Status.REJECTED: "danger",
                  Status.REFUNDED: "success"}
REFUND_COLOURS = {Refund.Status.PENDING: "warning", Refund.Status.PAID: "success", Refund.Status.FAILED: "danger"}
NO_SAVE = {"show_save": False, "show_save_and_continue": False, "show_save_and_add_another": False}


class NoteForm(forms.Form):
    """A note the buyer reads: optional when approving or paying, required when rejecting."""

    note = forms.CharField(label=_("Note for the buyer"), required=False, max_length=2000,
                           widget=UnfoldAdminTextareaWidget(attrs={"rows": 3}))

    def __init__(self, *args, required_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if required_label:
            note = self.fields["note"]
            note.required, note.label = True, required_label
            note.error_messages["required"] = _("Say why the return is rejected: the buyer will read it.")


class RefundFailed(DomainError):
    """The action went through but the gateway refused the money: said as an error, with what to do next."""


def _report_refund(refund: Refund) -> None:
    if refund.status == Refund.Status.FAILED:
        raise RefundFailed(_gettext("The return is approved, but the payment gateway refused the refund (%(reason)s). "
                                    "Try it again with “Retry refund”.") % {"reason": refund.failure_message})


class RefundActionsMixin(ActionFormPageMixin):
    """"Mark refund paid" and "Retry refund", on the return and on the refund: `refund_of(obj)` finds it."""

    def refund_of(self, obj) -> Refund | None:
        raise NotImplementedError

    def _refund_page(self, request, object_id, *, title, explanation, run):
        return self.action_form_page(request, object_id, title=title, form_class=NoteForm, explanation=explanation,
                                     run=lambda obj, data: run(self.refund_of(obj), data["note"]))

    @action(description=_("Mark refund paid"), permissions=["change"], icon="payments")
    def mark_refund_paid(self, request, object_id):
        return self._refund_page(
            request, object_id, title=_("Mark refund paid"),
            explanation=_("Confirm only once the buyer has the cash back in hand."),
            run=lambda refund, note: services.refund_mark_paid(refund_id=refund.pk, actor=request.user, note=note))

    @action(description=_("Retry refund"), permissions=["change"], icon="replay")
    def retry_refund(self, request, object_id):
        return self._refund_page(
            request, object_id, title=_("Retry refund"),
            explanation=_("The payment gateway is asked again to give the money back."),
            run=lambda refund, note: _report_refund(services.refund_retry(refund_id=refund.pk, actor=request.user)))

    def _refund_actions_open(self, obj) -> set[str]:
        refund = self.refund_of(obj) if obj else None
        if refund is None:
            return set()
        if refund.method == Refund.Method.CASH and refund.status == Refund.Status.PENDING:
            return {"mark_refund_paid"}
        if refund.method == Refund.Method.GATEWAY and refund.status == Refund.Status.FAILED:
            return {"retry_refund"}
        return set()

    def open_actions(self, obj) -> set[str]:
        return self._refund_actions_open(obj)

    def get_actions_detail(self, request, object_id):
        # Only the steps open from where the object is now are offered.
        obj = self.get_object(request, unquote(str(object_id)))
        prefix = f"{self.opts.app_label}_{self.opts.model_name}_"
        open_ = self.open_actions(obj) if obj else set()
        return [item for item in super().get_actions_detail(request, object_id)
                if item.action_name.removeprefix(prefix) in open_]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # every change goes through an action: no Save buttons under a form with nothing to edit
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **NO_SAVE})

    def has_add_permission(self, request, obj=None):
        return False  # returns come from buyers, refunds from approvals

    def has_delete_permission(self, request, obj=None):
        return False  # the record of money given back stays

    def has_import_permission(self, request):
        return False  # an imported row would skip the stock, points and refund an approval moves


class ReturnTimelineInline(TimelineInline):
    model = ReturnStatusChange


@admin.register(ReturnRequest)
class ReturnRequestAdmin(VendorScopedAdminMixin, RefundActionsMixin, BaseAdmin):
    list_display = ["__str__", "buyer", "created_at", "status_badge", "reason", "refund_badge"]
    list_filter = [("status", admin.ChoicesFieldListFilter), "reason", ("created_at", RangeDateFilter)]
    list_select_related = ["order", "buyer", "refund"]
    search_fields = ["order__reference", "buyer__email", "buyer__full_name"]
    inlines = [ReturnTimelineInline]
    actions_detail = ["approve", "reject", "mark_refund_paid", "retry_refund"]
    readonly_fields = ["order_link", "buyer", "status", "reason", "description", "photo_preview", "created_at",
                       "decision_note", "decided_by", "decided_at", "refund_summary"]
    fieldsets = [
        (None, {"fields": ["order_link", "buyer", "status", "created_at"]}),
        (_("What the buyer says"), {"fields": ["reason", "description", "photo_preview"]}),
        (_("Decision"), {"fields": ["decision_note", "decided_by", "decided_at", "refund_summary"]}),
    ]

    def refund_of(self, obj):
        return getattr(obj, "refund", None)

    def open_actions(self, obj):
        if obj.status == Status.REQUESTED:
            return {"approve", "reject"}
        return self._refund_actions_open(obj)

    def get_urls(self):
        photo = path("<path:object_id>/photo/", self.admin_site.admin_view(self.photo_view),
                     name="returns_returnrequest_photo")
        return [photo, *super().get_urls()]

    def photo_view(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))  # scoped: another vendor's return is "not found"
        if obj is None or not self.has_view_permission(request, obj):
            raise Http404
        return photo_response(obj)

    @display(description=_("Status"), label=RETURN_COLOURS, ordering="status")
    def status_badge(self, obj):
        return obj.status, obj.get_status_display()

    @display(description=_("Refund"))
    def refund_badge(self, obj):
        refund = getattr(obj, "refund", None)
        return f"{price(refund.amount)} · {refund.get_status_display()}" if refund else "—"

    @display(description=_("Order"))
    def order_link(self, obj):
        return format_html('<a href="{}" class="underline">{}</a>',
                           reverse("admin:orders_order_change", args=[obj.order_id]), obj.order.reference)

    @display(description=_("Photo"))
    def photo_preview(self, obj):
        if not obj.photo:
            return "—"
        url = reverse("admin:returns_returnrequest_photo", args=[obj.pk])
        return format_html('<a href="{}" target="_blank" rel="noopener"><img src="{}" alt="{}" '
                           'style="max-width: 320px; max-height: 320px;"></a>', url, url, _("The buyer's photo"))

    @display(description=_("Refund"))
    def refund_summary(self, obj):
        refund = getattr(obj, "refund", None)
        if refund is None:
            return "—"
        text = f"{price(refund.amount)} · {refund.get_method_display()} · {refund.get_status_display()}"
        if refund.failure_message:
            text += f" · {refund.failure_message}"
        return format_html('<a href="{}" class="underline">{}</a>',
                           reverse("admin:returns_refund_change", args=[refund.pk]), text)

    def action_summary(self, obj):
        return f"{obj} · {obj.buyer} · {obj.get_reason_display()} · {obj.get_status_display()}"

    def _approval_explanation(self, obj) -> str:
        order, amount = obj.order, refund_amount(obj.order)
        if amount.amount == 0:
            how = _gettext("Nothing is refunded in money (the order was paid with points and discounts).")
        elif order_online_payment(order):
            how = _gettext("%(amount)s goes back at once through the payment gateway.") % {"amount": price(amount)}
        else:
            how = _gettext("%(amount)s is to be given back in cash: mark the refund paid once it is.") % {
                "amount": price(amount)}
        return " ".join([how, _gettext("The delivery commission is not refunded. The products go back in stock; "
                                       "loyalty points earned on the order are taken back, points used on it "
                                       "given back.")])

    @action(description=_("Approve"), permissions=["change"], icon="thumb_up")
    def approve(self, request, object_id):
        obj = self.get_object(request, unquote(str(object_id)))
        return self.action_form_page(
            request, object_id, title=_("Approve the return"), form_class=NoteForm,
            explanation=self._approval_explanation(obj) if obj else "",
            run=lambda obj, data: _report_refund(
                services.return_approve(return_id=obj.pk, actor=request.user, note=data["note"]).refund))

    @action(description=_("Reject"), permissions=["change"], icon="thumb_down")
    def reject(self, request, object_id):
        return self.action_form_page(
            request, object_id, title=_("Reject the return"), form_class=NoteForm, submit=_("Reject"),
            form_kwargs={"required_label": _("Why is the return rejected? (the buyer reads it)")},
            run=lambda obj, data: services.return_reject(return_id=obj.pk, actor=request.user, reason=data["note"]))


@admin.register(Refund)
class RefundAdmin(VendorScopedAdminMixin, RefundActionsMixin, BaseAdmin):
    list_display = ["__str__", "created_at", "amount_display", "method", "status_badge", "paid_at"]
    list_filter = [("status", admin.ChoicesFieldListFilter), "method", ("created_at", RangeDateFilter)]
    list_select_related = ["order"]
    search_fields = ["order__reference", "order__buyer__email", "order__buyer__full_name", "provider_reference"]
    actions_detail = ["mark_refund_paid", "retry_refund"]
    readonly_fields = ["return_link", "order", "amount", "method", "status", "payment", "provider_reference",
                       "failure_message", "paid_at", "marked_paid_by", "created_at"]
    fields = readonly_fields

    def refund_of(self, obj):
        return obj

    @display(description=_("Status"), label=REFUND_COLOURS, ordering="status")
    def status_badge(self, obj):
        return obj.status, obj.get_status_display()

    @display(description=_("Amount"), ordering="amount")
    def amount_display(self, obj):
        return price(obj.amount)

    @display(description=_("Return"))
    def return_link(self, obj):
        return format_html('<a href="{}" class="underline">{}</a>',
                           reverse("admin:returns_returnrequest_change", args=[obj.return_request_id]),
                           obj.return_request)

    def action_summary(self, obj):
        return f"{obj} · {price(obj.amount)} · {obj.get_method_display()} · {obj.get_status_display()}"
