"""Deliveries in the back office: read-only records, changed only through the order's delivery actions."""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import Http404
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from djmoney.money import Money
from unfold.admin import StackedInline
from unfold.contrib.filters.admin import RangeDateFilter
from unfold.decorators import action, display
from unfold.paginator import InfinitePaginator
from unfold.widgets import UnfoldBooleanWidget

from apps.core.admin import BaseAdmin, ReadOnlyAdmin, VendorScopedAdminMixin
from apps.core.exceptions import DomainError
from apps.core.templatetags.money import price
from apps.delivery import services
from apps.delivery.commission import commission_quote, order_route
from apps.delivery.forms import DeliveryModeForm
from apps.delivery.models import CourierEarning, CourierProfile, CourierRating, Delivery
from apps.delivery.selectors import courier_users
from apps.orders import admin as orders_admin
from apps.orders.models import Order

Status = Delivery.Status
STATUS_COLOURS = {Status.OPEN: "warning", Status.ASSIGNED: "info", Status.PICKED_UP: "primary",
                  Status.DELIVERED: "success", Status.CANCELLED: "danger"}


def route_text(delivery) -> str:
    return delivery.route_areas or "—"



@admin.register(Delivery)
class DeliveryAdmin(VendorScopedAdminMixin, ReadOnlyAdmin):
    list_display = ["order", "mode", "status_badge", "deliverer", "route", "commission_display", "commission_payer",
                    "published_at"]
    list_filter = [("status", admin.ChoicesFieldListFilter), "mode", "commission_payer",
                   ("published_at", RangeDateFilter)]
    list_select_related = ["order", "deliverer"]
    search_fields = ["order__reference", "order__vendor__name", "deliverer__email", "deliverer__full_name"]
    paginator = InfinitePaginator  # grows with the orders: no COUNT over the whole table
    readonly_fields = ["order", "mode", "status", "deliverer", "pickup_area", "pickup_address", "pickup_latitude",
                       "pickup_longitude", "dropoff_area", "dropoff_address", "dropoff_latitude", "dropoff_longitude",
                       "distance_km", "rate_per_km", "bonus", "commission", "commission_payer", "published_at",
                       "accepted_at", "picked_up_at", "delivered_at", "created_at"]
    fieldsets = [
        (None, {"fields": ["order", "mode", "status", "deliverer", "created_at", "published_at", "accepted_at",
                           "picked_up_at", "delivered_at"]}),
        (_("Route"), {"fields": ["pickup_area", "pickup_address", "pickup_latitude", "pickup_longitude",
                                 "dropoff_area", "dropoff_address", "dropoff_latitude", "dropoff_longitude",
                                 "distance_km"]}),
        (_("Commission"), {"fields": ["rate_per_km", "bonus", "commission", "commission_payer"]}),
    ]

    @display(description=_("Status"), label=STATUS_COLOURS, ordering="status")
    def status_badge(self, obj):
        return obj.status

    @display(description=_("Route"))
    def route(self, obj):
        return route_text(obj)

    @display(description=_("Commission"), ordering="commission")
    def commission_display(self, obj):
        return price(obj.commission)


@admin.register(CourierProfile)
class CourierProfileAdmin(BaseAdmin):
    """Couriers create their profile themselves; managers may correct it (e.g. set a courier offline)."""

    list_display = ["user", "phone", "vehicle", "availability", "neighbourhood", "updated_at"]
    list_filter = ["availability", "vehicle"]
    list_select_related = ["user", "neighbourhood"]
    search_fields = ["user__email", "user__full_name", "phone"]
    fields = ["user", "phone", "vehicle", "availability", "neighbourhood", "latitude", "longitude"]
    readonly_fields = ["user"]

    def has_add_permission(self, request):
        return False

    def has_import_permission(self, request):
        return False


@admin.register(CourierEarning)
class CourierEarningAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "courier", "delivery", "kind", "amount_display", "note"]
    list_filter = ["kind", ("created_at", RangeDateFilter)]
    list_select_related = ["courier", "delivery__order"]
    search_fields = ["courier__email", "courier__full_name", "note"]
    paginator = InfinitePaginator
    fields = readonly_fields = ["courier", "delivery", "kind", "amount", "note", "created_at"]

    @display(description=_("Amount"), ordering="amount")
    def amount_display(self, obj):
        return price(obj.amount)


@admin.register(CourierRating)
class CourierRatingAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "courier", "stars", "buyer", "delivery"]
    list_filter = ["stars", ("created_at", RangeDateFilter)]
    list_select_related = ["courier", "buyer", "delivery__order"]
    search_fields = ["courier__email", "courier__full_name", "buyer__email", "comment"]
    fields = readonly_fields = ["courier", "buyer", "delivery", "stars", "comment", "created_at"]


# --- on the order: the delivery as a read-only block, and the seller's actions on it


class DeliveryInline(VendorScopedAdminMixin, StackedInline):
    model = Delivery
    extra = 0
    max_num = 1
    can_delete = False
    verbose_name_plural = _("Delivery")
    fields = ["mode", "status", "deliverer", "deliverer_phone", "route", "distance_km", "commission_display",
              "commission_payer", "published_at", "accepted_at", "picked_up_at", "delivered_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return self._in_scope(request, obj)  # part of the order: whoever may open the order sees it

    @display(description=_("Route"))
    def route(self, obj):
        return route_text(obj)

    @display(description=_("Commission"))
    def commission_display(self, obj):
        return price(obj.commission)

    @display(description=_("Deliverer's phone"))
    def deliverer_phone(self, obj):
        profile = CourierProfile.objects.filter(user_id=obj.deliverer_id).first() if obj.deliverer_id else None
        return (profile.phone if profile else "") or getattr(obj.deliverer, "phone", "") or "—"


class OrderAdmin(orders_admin.OrderAdmin):
    """The order page with its delivery: the delivery block, choosing or withdrawing the delivery of a
    home-delivery order, and dispatching through the delivery. Registered in place of orders' own."""

    DELIVERY_ACTIONS = {"choose_delivery", "withdraw_delivery"}
    inlines = [orders_admin.OrderItemInline, DeliveryInline, orders_admin.OrderTimelineInline]
    actions_detail = ["confirm", "mark_ready", "choose_delivery", "withdraw_delivery", "dispatch", "mark_delivered",
                      "complete", "cancel", "invoice"]

    def detail_actions_hidden(self, order) -> set[str]:
        return super().detail_actions_hidden(order) | (self.DELIVERY_ACTIONS - self.delivery_actions_shown(order))

    def delivery_actions_shown(self, order) -> set[str]:
        delivery = getattr(order, "delivery", None) if order is not None else None
        shown = set()
        if (order is not None and order.delivery_mode == Order.DeliveryMode.HOME
                and order.status in services.ARRANGEABLE_ORDER_STATUSES
                and (delivery is None or delivery.status in services.CHANGEABLE | {Status.CANCELLED})):
            shown.add("choose_delivery")
        if delivery is not None and delivery.status in services.CHANGEABLE:
            shown.add("withdraw_delivery")
        return shown

    @action(description=_("Out for delivery"), permissions=["change"], icon="local_shipping")
    def dispatch(self, request, object_id):
        # through the delivery when one is arranged, so that the order and its delivery move together
        return self._transition_page(request, object_id, title=_("Out for delivery"), run=lambda order, note:
                                     services.delivery_dispatch_order(order_id=order.pk, actor=request.user,
                                                                      note=note))

    def _delivery_explanation(self, order) -> str:
        route = order_route(order)
        try:
            quote = commission_quote(route)
        except DomainError as error:
            return _t("Deliver it personally, or: %(problem)s") % {"problem": error}
        payer = services.commission_payer_for(order)
        figures = _t("%(km)s km from your pickup point to the buyer × %(rate)s per km = %(commission)s, plus "
                     "the bonus you add.") % {"km": quote.distance_km, "rate": price(quote.rate_per_km),
                                              "commission": price(quote.total)}
        if payer == Order.CommissionPayer.CUSTOMER:
            who = _t("The buyer pays the courier's commission: it is added to the order's total, collected in cash "
                     "at the door.")
        elif order.payment_status == Order.PaymentStatus.PAID and order.commission_payer == "customer":
            who = _t("This order was paid online, so your store pays the courier's commission (the buyer is not "
                     "charged again).")
        else:
            who = _t("Your store pays the courier's commission.")
        return f"{figures} {who} " + _t("Delivering it personally costs nothing. You can change this until the "
                                        "parcel is picked up.")

    def _current_choice(self, order) -> dict:
        """The form opens on what is arranged now, so changing one thing keeps the rest."""
        delivery = getattr(order, "delivery", None)
        if delivery is None or delivery.status not in services.CHANGEABLE:
            return {}
        return {"mode": delivery.mode, "bonus": delivery.bonus.amount or None,
                "courier": delivery.deliverer_id if delivery.mode == Delivery.Mode.COURIER else None}

    @action(description=_("Delivery…"), permissions=["change"], icon="local_shipping")
    def choose_delivery(self, request, object_id):
        order = self.get_object(request, unquote(str(object_id)))
        if order is None:
            raise Http404

        def run(order, data):
            bonus = Money(data["bonus"], order.total.currency) if data.get("bonus") else None
            services.delivery_choose_mode(order_id=order.pk, mode=data["mode"], courier=data.get("courier"),
                                          bonus=bonus, actor=request.user)

        return self.action_form_page(request, object_id, title=_("Delivery"), form_class=DeliveryModeForm, run=run,
                                     form_kwargs={"couriers": courier_users(), "initial": self._current_choice(order)},
                                     explanation=self._delivery_explanation(order), submit=_("Save the delivery"))

    @action(description=_("Withdraw the delivery"), permissions=["change"], icon="undo")
    def withdraw_delivery(self, request, object_id):
        return self.action_form_page(
            request, object_id, title=_("Withdraw the delivery"), form_class=WithdrawForm,
            explanation=_("The job leaves the couriers' list (or the chosen courier is told it is off) and any "
                          "commission charged to the buyer is taken off the total."),
            run=lambda order, data: services.delivery_withdraw(order_id=order.pk, actor=request.user))


class WithdrawForm(forms.Form):
    # one box to tick: a form with no field would never be bound, and a slip of the finger costs a courier a job
    confirm = forms.BooleanField(label=_("Yes, withdraw the delivery"), widget=UnfoldBooleanWidget,
                                 error_messages={"required": _("Tick the box to withdraw the delivery.")})


admin.site.unregister(Order)
admin.site.register(Order, OrderAdmin)
