"""Reads about returns: who may ask for one and until when, the buyer's returns, what a refund gives back."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from djmoney.money import Money

from apps.core.templatetags.money import price
from apps.orders.models import Order
from apps.payments.models import Payment
from apps.returns.models import Refund, ReturnRequest

RETURNABLE_STATUSES = (Order.Status.DELIVERED, Order.Status.COMPLETED)


def return_window_end(order: Order) -> datetime | None:
    """The last moment a return of this order may be asked for (None before delivery)."""
    if order.delivered_at is None:
        return None
    return order.delivered_at + timedelta(days=settings.RETURN_WINDOW_DAYS)


def return_refusal(order: Order, *, buyer, now: datetime | None = None) -> str:
    """Why this buyer cannot ask to return this order now ("" when they can)."""
    if order.buyer_id != buyer.pk:
        return _("Only the buyer of an order can ask to return it.")
    end = return_window_end(order)
    if order.status not in RETURNABLE_STATUSES or end is None:
        return _("Order %(ref)s can be returned once it has been delivered.") % {"ref": order.reference}
    if order.payment_status == Order.PaymentStatus.REFUNDED:
        return _("Order %(ref)s has already been refunded.") % {"ref": order.reference}
    if (now or timezone.now()) > end:
        return _("The %(days)s days to return order %(ref)s ended on %(date)s.") % {
            "days": settings.RETURN_WINDOW_DAYS, "ref": order.reference,
            "date": date_format(timezone.localtime(end), "DATE_FORMAT")}
    live = order.returns.filter(status__in=ReturnRequest.LIVE_STATUSES).first()
    if live is not None:
        return _("A return of order %(ref)s is already %(status)s.") % {
            "ref": order.reference, "status": live.get_status_display().lower()}
    return ""


def return_latest_for_order(order: Order) -> ReturnRequest | None:
    return order.returns.select_related("refund").order_by("-created_at", "-pk").first()


def return_list_for_buyer(*, buyer) -> QuerySet:
    return (ReturnRequest.objects.filter(buyer=buyer).select_related("order__vendor", "refund")
            .order_by("-created_at", "-pk"))


def return_get_for_buyer(*, buyer, pk: int) -> ReturnRequest | None:
    """The buyer's own return, or None: someone else's return does not exist for them."""
    return (ReturnRequest.objects.select_related("order__vendor", "refund")
            .filter(buyer=buyer, pk=pk).first())


def return_timeline(return_request: ReturnRequest) -> QuerySet:
    return return_request.timeline.select_related("actor").order_by("created_at", "pk")


def refund_amount(order: Order) -> Money:
    """What a return gives back: the order's total without the delivery commission.

    The delivery did happen and its courier keeps the commission, so the buyer gets back what they paid
    for the goods (after promo and points discounts; redeemed points come back as points).
    """
    amount = order.total - order.delivery_fee
    return amount if amount.amount > 0 else Money(0, order.total.currency)


def order_online_payment(order: Order) -> Payment | None:
    """The completed online payment that collected this order's money, if any: its checkout's payment
    (which may pay for other orders too) or one taken for this order alone (e.g. at the door)."""
    return (Payment.objects.filter(status=Payment.Status.COMPLETED)
            .filter(Q(checkout__pk=order.checkout_id) | Q(reference=order.reference))
            .order_by("-completed_at", "-pk").first())


def refund_next_step(refund: Refund) -> str:
    """The refund as the buyer should read it."""
    if refund.status == Refund.Status.PAID:
        return _("%(amount)s was given back on %(date)s.") % {
            "amount": price(refund.amount), "date": date_format(timezone.localtime(refund.paid_at), "DATE_FORMAT")}
    if refund.method == Refund.Method.CASH:
        return _("The seller will give you %(amount)s back in cash.") % {"amount": price(refund.amount)}
    return _("%(amount)s is being refunded to the payment method you used.") % {"amount": price(refund.amount)}
