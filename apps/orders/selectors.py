from django.conf import settings
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.orders.models import Order, OrderItem
from apps.payments.gateways import ADAPTERS

Status = Order.Status

# What the buyer can expect next, shown on the order page and in every status e-mail.
NEXT_STEP = {
    Status.PLACED: _("The seller will confirm your order shortly. You can still cancel it until then."),
    Status.CONFIRMED: _("The seller is preparing your order."),
    Status.READY: _("Your order is packed and will be on its way soon."),
    Status.OUT_FOR_DELIVERY: _("A courier is bringing your order. Keep your phone close."),
    Status.DELIVERED: _("Your order was delivered. Tell other buyers what you think of it!"),
    Status.COMPLETED: _("This order is complete. Thank you for shopping on Comptoir!"),
    Status.CANCELLED: _("This order was cancelled. Nothing more will happen with it."),
}
# A pickup order is collected, not brought: say so at the step where it differs.
NEXT_STEP_PICKUP = {**NEXT_STEP, Status.READY: _("Your order is ready: collect it at the store.")}


def order_next_step(order: Order) -> str:
    steps = NEXT_STEP_PICKUP if order.delivery_mode == Order.DeliveryMode.PICKUP else NEXT_STEP
    return steps[order.status]


def order_url(order: Order) -> str:
    """The order page as an absolute link, for e-mails and the invoice's QR code."""
    return settings.SITE_URL.rstrip("/") + reverse("orders:order-detail", kwargs={"reference": order.reference})


def payment_method_label(code: str) -> str:
    if code == Order.CASH_ON_DELIVERY:
        return str(_("Cash on delivery"))
    adapter = ADAPTERS.get(code)
    return str(adapter.label) if adapter else code


def payment_status_label(order: Order) -> str:
    """The payment status as the buyer should read it: a cancelled cash order has nothing left to pay."""
    if order.payment_status != Order.PaymentStatus.ON_DELIVERY:
        return order.get_payment_status_display()
    if order.status == Status.CANCELLED:
        return str(_("Nothing to pay"))
    return str(_("To pay on delivery"))


def with_line_count(queryset: QuerySet) -> QuerySet:
    # A subquery rather than a join + GROUP BY: it is computed for the rows of the page only.
    lines = (OrderItem.objects.filter(order=OuterRef("pk")).order_by().values("order")
             .annotate(n=Count("pk")).values("n"))
    return queryset.annotate(line_count=Subquery(lines))


def order_list_for_buyer(*, buyer) -> QuerySet:
    return with_line_count(Order.objects.filter(buyer=buyer).select_related("vendor")).order_by("-created_at", "-pk")


def order_get_for_buyer(*, buyer, reference: str) -> Order | None:
    """The buyer's own order, or None (someone else's order does not exist for them)."""
    return (Order.objects.select_related("vendor", "checkout", "buyer")
            .filter(buyer=buyer, reference=reference).first())


def order_lines(order: Order) -> QuerySet:
    return order.items.order_by("pk")


def order_timeline(order: Order) -> QuerySet:
    return order.timeline.select_related("actor").order_by("created_at", "pk")
