"""Order lifecycle: the seller moves an order along; the buyer may cancel it until the seller confirms."""

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.catalog.models import Product
from apps.core.exceptions import DomainError
from apps.loyalty.services import loyalty_earn, loyalty_restore
from apps.notifications.services import email_queue, notify
from apps.orders.extensions import order_cancelled, order_confirmed
from apps.orders.models import Checkout, Order, OrderStatusChange
from apps.orders.selectors import order_next_step, order_url, payment_status_label
from apps.promotions.services import promo_release

Status = Order.Status

ALLOWED = {
    Status.PLACED: {Status.CONFIRMED, Status.CANCELLED},
    Status.CONFIRMED: {Status.READY, Status.CANCELLED},
    Status.READY: {Status.OUT_FOR_DELIVERY, Status.CANCELLED},
    Status.OUT_FOR_DELIVERY: {Status.DELIVERED},
    Status.DELIVERED: {Status.COMPLETED},
    Status.COMPLETED: set(),
    Status.CANCELLED: set(),
}
# The buyer collects a pickup order at the store: once ready it is handed over, never dispatched.
ALLOWED_PICKUP = {**ALLOWED, Status.READY: {Status.DELIVERED, Status.CANCELLED}}


class OrderError(DomainError):
    pass


def order_next_statuses(order: Order) -> set[str]:
    """Where this order may go from its current status (its delivery mode decides the path)."""
    allowed = ALLOWED_PICKUP if order.delivery_mode == Order.DeliveryMode.PICKUP else ALLOWED
    return allowed[order.status]


def _lock(order_id: int) -> Order:
    # of=self: the order row only, not the buyer and vendor rows joined in for the e-mail
    return Order.objects.select_for_update(of=("self",)).select_related("buyer", "vendor").get(pk=order_id)


def _check(order: Order, to_status: str) -> None:
    if to_status not in order_next_statuses(order):
        raise OrderError(
            _("Order %(ref)s is %(status)s and cannot become %(to)s.")
            % {"ref": order.reference, "status": order.get_status_display().lower(),
               "to": Status(to_status).label.lower()}
        )


def _move(order: Order, to_status: str, *, actor, note: str = "", extra_fields: tuple = ()) -> OrderStatusChange:
    _check(order, to_status)
    from_status, order.status = order.status, to_status
    order._history_user = actor  # simple-history: the acting user, also when no HTTP request is around
    order.save(update_fields=["status", "updated_at", *extra_fields])
    change = OrderStatusChange.objects.create(order=order, from_status=from_status, to_status=to_status,
                                              actor=actor, note=note)
    email_queue(to=order.buyer.email,
                subject=_("Order %(ref)s: %(status)s") % {"ref": order.reference, "status": order.get_status_display()},
                template="orders/email/order_status",
                context={"order": order, "change": change, "next_step": order_next_step(order),
                         "payment_status": payment_status_label(order), "order_url": order_url(order)},
                kind="orders.status", dedupe_key=f"{order.reference}:status:{change.pk}",
                related_reference=order.reference)
    # The same news in the buyer's bell (the e-mail above is the e-mail).
    notify(order.buyer, kind="orders.status", email=False, dedupe_key=f"{order.reference}:status:{change.pk}",
           title=_("Order %(ref)s: %(status)s") % {"ref": order.reference, "status": order.get_status_display()},
           body=order_next_step(order), url=reverse("orders:order-detail", kwargs={"reference": order.reference}))
    return change


@transaction.atomic
def order_confirm(*, order_id: int, actor, note: str = "") -> Order:
    """The seller accepts the order and commits to prepare it."""
    order = _lock(order_id)
    if order.payment_status == Order.PaymentStatus.PENDING:
        raise OrderError(_("Order %(ref)s is not paid yet: confirm it once the online payment has arrived.")
                         % {"ref": order.reference})
    order.confirmed_at = timezone.now()
    _move(order, Status.CONFIRMED, actor=actor, note=note, extra_fields=("confirmed_at",))
    order_confirmed.send(sender=Order, order=order)
    return order


@transaction.atomic
def order_mark_ready(*, order_id: int, actor, note: str = "") -> Order:
    """Packed: ready to be dispatched, or to be collected for a pickup order."""
    order = _lock(order_id)
    _move(order, Status.READY, actor=actor, note=note)
    return order


@transaction.atomic
def order_dispatch(*, order_id: int, actor, note: str = "") -> Order:
    """Handed to the courier (home delivery only)."""
    order = _lock(order_id)
    if order.delivery_mode == Order.DeliveryMode.PICKUP and order.status == Status.READY:
        raise OrderError(_("Order %(ref)s is collected at the store: mark it delivered when the buyer picks it up.")
                         % {"ref": order.reference})
    _move(order, Status.OUT_FOR_DELIVERY, actor=actor, note=note)
    return order


@transaction.atomic
def order_mark_delivered(*, order_id: int, actor, note: str = "", via_handover: bool = False) -> Order:
    """The buyer has the parcel; cash on delivery has been collected with it."""
    order = _lock(order_id)
    if not via_handover and hasattr(order, "delivery_code"):
        raise OrderError(_("Order %(ref)s is handed over with its QR code: the deliverer scans the buyer's code "
                           "and both confirm, which marks it delivered.") % {"ref": order.reference})
    order.delivered_at = timezone.now()
    fields = ["delivered_at"]
    if order.payment_status == Order.PaymentStatus.ON_DELIVERY:
        order.payment_status = Order.PaymentStatus.PAID
        fields.append("payment_status")
    _move(order, Status.DELIVERED, actor=actor, note=note, extra_fields=tuple(fields))
    return order


@transaction.atomic
def order_complete(*, order_id: int, actor, note: str = "") -> Order:
    """Close a delivered order; the buyer earns loyalty points on what they paid."""
    order = _lock(order_id)
    _check(order, Status.COMPLETED)
    points = loyalty_earn(user=order.buyer, amount_paid=order.total, reference=order.reference)
    if points:
        earned = _("%(points)s loyalty points earned.") % {"points": points}
        note = f"{note}\n{earned}".strip()
    order.completed_at = timezone.now()
    _move(order, Status.COMPLETED, actor=actor, note=note, extra_fields=("completed_at",))
    return order


@transaction.atomic
def order_cancel(*, order_id: int, actor, reason: str, by_buyer: bool) -> Order:
    """Cancel and give back what the order held: stock, redeemed points, and the promo once the whole
    checkout is cancelled. The buyer may cancel until the seller confirms; the seller must say why."""
    reason = reason.strip()
    if not by_buyer and not reason:
        raise OrderError(_("Say why the order is cancelled: the buyer will read it."))
    # The checkout first, always: two sellers cancelling the two halves of one checkout at once
    # queue here, so the second one sees the first cancellation and releases the promo.
    checkout_id = Order.objects.values_list("checkout_id", flat=True).get(pk=order_id)
    checkout = Checkout.objects.select_for_update().get(pk=checkout_id)
    order = _lock(order_id)
    if by_buyer:
        if order.buyer_id != actor.pk:
            raise OrderError(_("Only the buyer can cancel this order here."))
        if order.status != Status.PLACED:
            raise OrderError(_("Order %(ref)s is already %(status)s by the seller, so it can no longer be cancelled "
                               "here. Contact %(vendor)s to cancel it.")
                             % {"ref": order.reference, "status": order.get_status_display().lower(),
                                "vendor": order.vendor.name})
    order.cancelled_at, order.cancel_reason = timezone.now(), reason
    note = reason or _("Cancelled by the buyer.")
    _move(order, Status.CANCELLED, actor=actor, note=note, extra_fields=("cancelled_at", "cancel_reason"))
    _restore_stock(order)
    order_cancelled.send(sender=Order, order=order, actor=actor)
    if order.points_redeemed:
        loyalty_restore(user=order.buyer, points=order.points_redeemed, reference=f"{order.reference}:cancel")
    if checkout.promo_code and not checkout.orders.exclude(status=Status.CANCELLED).exists():
        promo_release(reference=checkout.reference)
    return order


def _restore_stock(order: Order) -> None:
    # F(): relative to the current stock, so a sale or restock made meanwhile is kept
    for product_id, quantity in order.items.values_list("product_id", "quantity"):
        Product.objects.filter(pk=product_id).update(stock=F("stock") + quantity)
