from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline
from unfold.contrib.filters.admin import RangeDateFilter
from unfold.decorators import action, display
from unfold.paginator import InfinitePaginator
from unfold.widgets import UnfoldAdminTextareaWidget

from apps.core.admin import ActionFormPageMixin, BaseAdmin, TimelineInline, VendorScopedAdminMixin
from apps.core.templatetags.money import price
from apps.orders import services
from apps.orders.models import Order, OrderItem, OrderStatusChange
from apps.orders.selectors import payment_method_label, with_line_count
from apps.orders.views import invoice_response
from apps.payments.gateways import ADAPTERS

Status = Order.Status
STATUS_COLOURS = {
    Status.PLACED: "warning", Status.CONFIRMED: "info", Status.READY: "primary", Status.OUT_FOR_DELIVERY: "primary",
    Status.DELIVERED: "success", Status.COMPLETED: "success", Status.CANCELLED: "danger",
}
# detail action -> the status it moves the order to: only the moves open from the current status are shown
ACTION_STEPS = {"confirm": Status.CONFIRMED, "mark_ready": Status.READY, "dispatch": Status.OUT_FOR_DELIVERY,
                "mark_delivered": Status.DELIVERED, "complete": Status.COMPLETED, "cancel": Status.CANCELLED}


class TransitionForm(forms.Form):
    note = forms.CharField(label=_("Note for the buyer"), required=False, max_length=1000,
                           widget=UnfoldAdminTextareaWidget(attrs={"rows": 3}))

    def __init__(self, *args, note_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        if note_required:
            self.fields["note"].required = True
            self.fields["note"].label = _("Reason (the buyer reads it)")


class PaymentMethodFilter(admin.SimpleListFilter):
    # A fixed list of codes: listing the values found in the table would read every vendor's orders.
    title = _("payment method")
    parameter_name = "payment_method"

    def lookups(self, request, model_admin):
        return [(Order.CASH_ON_DELIVERY, payment_method_label(Order.CASH_ON_DELIVERY))] + [
            (code, adapter.label) for code, adapter in ADAPTERS.items()]

    def queryset(self, request, queryset):
        return queryset.filter(payment_method=self.value()) if self.value() else queryset


class OrderItemInline(VendorScopedAdminMixin, TabularInline):
    model = OrderItem
    extra = 0
    can_delete = False
    fields = ["product_name", "unit_price", "quantity", "line_total"]
    readonly_fields = fields
    verbose_name_plural = _("Lines")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return self._in_scope(request, obj)  # the lines are part of the order: whoever may open it sees them


class OrderTimelineInline(TimelineInline):
    model = OrderStatusChange


@admin.register(Order)
class OrderAdmin(VendorScopedAdminMixin, ActionFormPageMixin, BaseAdmin):
    """The order page; apps.delivery registers a subclass in its place that adds the delivery block and actions."""

    list_display = ["reference", "buyer", "created_at", "status_badge", "lines", "total",
                    "payment_method_display", "delivery_mode"]
    list_filter = [("status", admin.ChoicesFieldListFilter), ("created_at", RangeDateFilter), "delivery_mode",
                   PaymentMethodFilter, "payment_status"]
    list_select_related = ["buyer"]
    search_fields = ["reference", "buyer__email", "buyer__full_name"]
    # No COUNT over the whole table: a seller with years of orders pages as fast as a new one.
    paginator = InfinitePaginator
    inlines = [OrderItemInline, OrderTimelineInline]
    actions = ["confirm_selected", "ready_selected"]
    actions_detail = ["confirm", "mark_ready", "mark_delivered", "complete", "cancel", "invoice"]
    readonly_fields = [
        "reference", "status", "vendor", "checkout", "created_at", "confirmed_at", "delivered_at", "completed_at",
        "cancelled_at", "cancel_reason", "buyer", "recipient_name", "recipient_phone", "delivery_address",
        "delivery_mode", "payment_method_display", "payment_status", "subtotal", "discount", "points_redeemed",
        "points_discount", "delivery_fee", "commission_payer", "total",
    ]
    fieldsets = [
        (None, {"fields": ["reference", "status", "vendor", "created_at", "confirmed_at", "delivered_at",
                           "completed_at", "cancelled_at", "cancel_reason"]}),
        (_("Buyer and delivery"), {"fields": ["buyer", "delivery_mode", "recipient_name", "recipient_phone",
                                              "delivery_address"]}),
        (_("Money"), {"fields": ["subtotal", "discount", "points_redeemed", "points_discount", "delivery_fee",
                                 "commission_payer", "total", "payment_method_display", "payment_status",
                                 "checkout"]}),
    ]

    def get_queryset(self, request):
        return with_line_count(super().get_queryset(request))

    def has_add_permission(self, request):
        return False  # orders come from checkouts, never by hand

    def has_delete_permission(self, request, obj=None):
        return False  # an order is cancelled, never deleted: its stock, points and promo are given back

    def has_import_permission(self, request):
        return False  # an imported row would skip stock, promo and points: orders only come from checkouts

    @display(description=_("Status"), label=STATUS_COLOURS, ordering="status")
    def status_badge(self, obj):
        return obj.status

    @display(description=_("Lines"), ordering="line_count")
    def lines(self, obj):
        return obj.line_count

    @display(description=_("Payment method"), ordering="payment_method")
    def payment_method_display(self, obj):
        return payment_method_label(obj.payment_method)

    # --- detail actions: only the moves open from the current status are offered
    def get_actions_detail(self, request, object_id):
        hidden = self.detail_actions_hidden(self.get_object(request, unquote(str(object_id))))
        return [item for item in super().get_actions_detail(request, object_id)
                if item.action_name.removeprefix("orders_order_") not in hidden]

    def detail_actions_hidden(self, order) -> set[str]:
        """The detail actions not offered on this order (None: not found): the moves its status does not allow."""
        possible = services.order_next_statuses(order) if order else set()
        return {name for name, step in ACTION_STEPS.items() if step not in possible}

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # every change goes through an action: no Save buttons under a form with nothing to edit
        no_save = {"show_save": False, "show_save_and_continue": False, "show_save_and_add_another": False}
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **no_save})

    def action_summary(self, obj):
        return f"{obj.buyer} · {price(obj.total)} · {obj.get_status_display()}"

    def _transition_page(self, request, object_id, *, title, run, note_required=False, submit=None):
        return self.action_form_page(request, object_id, title=title, form_class=TransitionForm, submit=submit,
                                     form_kwargs={"note_required": note_required},
                                     run=lambda order, data: run(order, data["note"]))

    @action(description=_("Confirm"), permissions=["change"], icon="thumb_up")
    def confirm(self, request, object_id):
        return self._transition_page(request, object_id, title=_("Confirm"), run=lambda order, note:
                                     services.order_confirm(order_id=order.pk, actor=request.user, note=note))

    @action(description=_("Ready"), permissions=["change"], icon="inventory_2")
    def mark_ready(self, request, object_id):
        return self._transition_page(request, object_id, title=_("Ready"), run=lambda order, note:
                                     services.order_mark_ready(order_id=order.pk, actor=request.user, note=note))

    @action(description=_("Delivered"), permissions=["change"], icon="where_to_vote")
    def mark_delivered(self, request, object_id):
        return self._transition_page(request, object_id, title=_("Delivered"), run=lambda order, note:
                                     services.order_mark_delivered(order_id=order.pk, actor=request.user, note=note))

    @action(description=_("Complete"), permissions=["change"], icon="check_circle")
    def complete(self, request, object_id):
        return self._transition_page(request, object_id, title=_("Complete"), run=lambda order, note:
                                     services.order_complete(order_id=order.pk, actor=request.user, note=note))

    @action(description=_("Cancel"), permissions=["change"], icon="cancel")
    def cancel(self, request, object_id):
        return self._transition_page(request, object_id, title=_("Cancel"), note_required=True,
                                     submit=_("Cancel the order"), run=lambda order, note:
                                     services.order_cancel(order_id=order.pk, actor=request.user, reason=note,
                                                           by_buyer=False))

    @action(description=_("Invoice (PDF)"), permissions=["view"], icon="receipt_long")
    def invoice(self, request, object_id):
        order = self.get_object(request, unquote(str(object_id)))
        if order is None:
            raise Http404
        return invoice_response(order)

    # --- bulk actions
    def _bulk(self, request, queryset, service):
        self.apply_to_each(request, queryset, lambda obj: service(order_id=obj.pk, actor=request.user))

    @admin.action(description=_("Confirm selected orders"), permissions=["change"])
    def confirm_selected(self, request, queryset):
        self._bulk(request, queryset, services.order_confirm)

    @admin.action(description=_("Mark selected orders ready"), permissions=["change"])
    def ready_selected(self, request, queryset):
        self._bulk(request, queryset, services.order_mark_ready)
