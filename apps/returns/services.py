"""Return lifecycle: the buyer asks, the seller approves or rejects, the approval refunds and gives back.

Approving is one transaction under the return's row lock: the refund row, the stock, the loyalty points
and the affiliate commissions move together, so two clicks (or two sellers) approve once. An online
refund is asked of the gateway inside that transaction: if the gateway refuses, the approval stands and
the refund is recorded as failed with the gateway's message, to be retried; nothing is half-written.
"""


from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.affiliates.services import commission_reverse
from apps.catalog.models import Product
from apps.core.exceptions import DomainError
from apps.core.templatetags.money import price
from apps.core.validators import validate_image
from apps.loyalty.services import loyalty_restore, loyalty_reverse_earned
from apps.notifications.selectors import notification_recipients_for_vendor
from apps.notifications.services import notify
from apps.orders.models import Order
from apps.payments.exceptions import PaymentError
from apps.payments.services import payment_refund_part
from apps.returns.models import Refund, ReturnRequest, ReturnStatusChange
from apps.returns.selectors import order_online_payment, refund_amount, refund_next_step, return_refusal

Status = ReturnRequest.Status
ALLOWED = {
    Status.REQUESTED: {Status.APPROVED, Status.REJECTED},
    Status.APPROVED: {Status.REFUNDED},
    Status.REJECTED: set(),
    Status.REFUNDED: set(),
}


class ReturnError(DomainError):
    pass


# --- the buyer asks


@transaction.atomic
def return_request_create(*, order_id: int, buyer, reason: str, description: str = "", photo=None) -> ReturnRequest:
    """Ask to return a delivered order within the return window; its seller is notified."""
    if reason not in ReturnRequest.Reason.values:
        raise ReturnError(_("Choose why you are returning the order."))
    description = description.strip()
    if reason == ReturnRequest.Reason.OTHER and not description:
        raise ReturnError(_("Describe the problem: the seller needs it to decide."))
    # The order's lock queues two requests for the same order; the second then sees the first.
    order = Order.objects.select_for_update(of=("self",)).select_related("vendor").get(pk=order_id)
    problem = return_refusal(order, buyer=buyer)
    if problem:
        raise ReturnError(problem)
    return_request = ReturnRequest(order=order, buyer=buyer, reason=reason, description=description)
    if photo:
        return_request.photo = _checked_photo(photo)
    return_request._history_user = buyer
    try:
        with transaction.atomic():
            return_request.save()
    except IntegrityError:
        raise ReturnError(_("A return of order %(ref)s has already been asked for.")
                          % {"ref": order.reference}) from None
    _step(return_request, "", Status.REQUESTED, actor=buyer, note=description)
    _notify_sellers(return_request)
    return return_request


def _checked_photo(photo):
    """A real JPEG/PNG/WebP under the size cap (the field re-encodes and renames it)."""
    try:
        validate_image(photo)
    except ValidationError as error:
        raise ReturnError(" ".join(error.messages)) from None
    return photo


# --- the seller decides


@transaction.atomic
def return_approve(*, return_id: int, actor, note: str = "") -> ReturnRequest:
    """Approve: refund the order (online at once, in cash once the seller has paid), restock its products,
    take back the points it earned, give back the points it used, reverse its affiliate commissions."""
    return_request = _lock(return_id)
    _check(return_request, Status.APPROVED)
    order = Order.objects.select_for_update(of=("self",)).select_related("buyer").get(pk=return_request.order_id)
    _decide(return_request, Status.APPROVED, actor=actor, note=note.strip())

    amount = refund_amount(order)
    # Paid online: back through the same payment. Paid in cash at the door (or not at all): cash from the seller.
    payment = order_online_payment(order) if amount.amount else None
    refund = Refund(return_request=return_request, order=order, amount=amount, payment=payment,
                    method=Refund.Method.GATEWAY if payment else Refund.Method.CASH)
    refund._history_user = actor
    refund.save()
    _give_back(order)

    if amount.amount == 0:
        _settle(refund, return_request, order, actor=actor, note=_("Nothing to give back in money."))
    elif refund.method == Refund.Method.GATEWAY:
        _refund_online(refund, return_request, order, actor=actor)
    title = (_("Your return of order %(ref)s was approved and refunded") if return_request.status == Status.REFUNDED
             else _("Your return of order %(ref)s was approved"))
    _notify_buyer(return_request, title, refund_next_step(refund), decided=True)
    return return_request


@transaction.atomic
def return_reject(*, return_id: int, actor, reason: str) -> ReturnRequest:
    """Reject with a reason the buyer reads."""
    reason = reason.strip()
    if not reason:
        raise ReturnError(_("Say why the return is rejected: the buyer will read it."))
    return_request = _lock(return_id)
    _check(return_request, Status.REJECTED)
    _decide(return_request, Status.REJECTED, actor=actor, note=reason)
    _notify_buyer(return_request, _("Your return of order %(ref)s was rejected"), reason, decided=True)
    return return_request


# --- the refund


@transaction.atomic
def refund_mark_paid(*, refund_id: int, actor, note: str = "") -> Refund:
    """The seller gave the cash back: the refund is paid and the return closed."""
    return_request, refund = _lock_refund(refund_id)
    if refund.method != Refund.Method.CASH or refund.status != Refund.Status.PENDING:
        raise ReturnError(_("Only a pending cash refund can be marked paid; this one is %(method)s and %(status)s.")
                          % {"method": refund.get_method_display().lower(),
                             "status": refund.get_status_display().lower()})
    refund.marked_paid_by = actor
    order = Order.objects.select_for_update(of=("self",)).get(pk=refund.order_id)
    _settle(refund, return_request, order, actor=actor, note=note.strip() or _("Refund paid in cash."))
    _notify_refunded(return_request, refund)
    return refund


@transaction.atomic
def refund_retry(*, refund_id: int, actor) -> Refund:
    """Ask the gateway again for a refund it refused; the refund is paid or failed again with the new reason."""
    return_request, refund = _lock_refund(refund_id)
    if refund.method != Refund.Method.GATEWAY or refund.status != Refund.Status.FAILED:
        raise ReturnError(_("Only a failed online refund can be tried again; this one is %(status)s.")
                          % {"status": refund.get_status_display().lower()})
    order = Order.objects.select_for_update(of=("self",)).get(pk=refund.order_id)
    _refund_online(refund, return_request, order, actor=actor)
    if refund.status == Refund.Status.PAID:
        _notify_refunded(return_request, refund)
    return refund


def _refund_online(refund: Refund, return_request: ReturnRequest, order: Order, *, actor) -> None:
    try:
        # Keyed by the return: a retry after a lost answer is the same refund for the provider.
        refund.provider_reference = payment_refund_part(
            payment_id=refund.payment_id, amount=refund.amount, key=f"return-{return_request.pk}", actor=actor)
    except PaymentError as error:
        # payment_refund_part rolled its own savepoint back; the approval stays and the failure is kept.
        refund.status, refund.failure_message = Refund.Status.FAILED, str(error)[:500]
        refund._history_user = actor
        refund.save(update_fields=["status", "failure_message", "updated_at"])
        return
    refund.failure_message = ""
    _settle(refund, return_request, order, actor=actor, note="")


def _settle(refund: Refund, return_request: ReturnRequest, order: Order, *, actor, note: str) -> None:
    refund.status, refund.paid_at = Refund.Status.PAID, timezone.now()
    refund._history_user = actor
    refund.save(update_fields=["status", "paid_at", "provider_reference", "failure_message", "marked_paid_by",
                               "updated_at"])
    order.payment_status = Order.PaymentStatus.REFUNDED
    order._history_user = actor
    order.save(update_fields=["payment_status", "updated_at"])
    _move(return_request, Status.REFUNDED, actor=actor,
          note=note or _("%(amount)s refunded.") % {"amount": price(refund.amount)})


def _give_back(order: Order) -> None:
    """Everything the order took, back: its stock, the points it earned and used, its affiliate commission."""
    # By product id: two returns restocking the same products lock them in the same order (no deadlock).
    for product_id, quantity in sorted(order.items.values_list("product_id", "quantity")):
        Product.objects.filter(pk=product_id).update(stock=F("stock") + quantity)
    loyalty_reverse_earned(reference=order.reference)  # order_complete earned them under the order's reference
    if order.points_redeemed:
        loyalty_restore(user=order.buyer, points=order.points_redeemed, reference=f"{order.reference}:return")
    # Commissions are keyed by what was bought; none is recorded for shop orders yet, so this is a no-op
    # until one is, and then it is already right.
    commission_reverse(reference=order.reference, note=_("Order returned."))


# --- steps, locks and notifications


def _lock(return_id: int) -> ReturnRequest:
    return ReturnRequest.objects.select_for_update(of=("self",)).select_related("order", "buyer").get(pk=return_id)


def _lock_refund(refund_id: int) -> tuple[ReturnRequest, Refund]:
    # The return first, as return_approve does: approving and paying never wait on each other crosswise.
    return_id = Refund.objects.values_list("return_request_id", flat=True).get(pk=refund_id)
    return_request = _lock(return_id)
    return return_request, Refund.objects.select_for_update().get(pk=refund_id)


def _check(return_request: ReturnRequest, to_status: str) -> None:
    if to_status not in ALLOWED[return_request.status]:
        raise ReturnError(_("%(return)s is already %(status)s.")
                          % {"return": return_request, "status": return_request.get_status_display().lower()})


def _decide(return_request: ReturnRequest, to_status: str, *, actor, note: str) -> None:
    return_request.decided_by, return_request.decided_at, return_request.decision_note = actor, timezone.now(), note
    _move(return_request, to_status, actor=actor, note=note,
          extra_fields=("decided_by", "decided_at", "decision_note"))


def _move(return_request: ReturnRequest, to_status: str, *, actor, note: str, extra_fields: tuple = ()) -> None:
    _check(return_request, to_status)
    from_status, return_request.status = return_request.status, to_status
    return_request._history_user = actor
    return_request.save(update_fields=["status", "updated_at", *extra_fields])
    _step(return_request, from_status, to_status, actor=actor, note=note)


def _step(return_request: ReturnRequest, from_status: str, to_status: str, *, actor, note: str) -> None:
    ReturnStatusChange.objects.create(return_request=return_request, from_status=from_status, to_status=to_status,
                                      actor=actor, note=note)


def _notify_sellers(return_request: ReturnRequest) -> None:
    order = return_request.order
    notify(notification_recipients_for_vendor(vendor_id=order.vendor_id), kind="returns.requested",
           title=_("Return requested for order %(ref)s") % {"ref": order.reference},
           body=_("%(buyer)s: %(reason)s.") % {"buyer": return_request.buyer,
                                                "reason": return_request.get_reason_display()},
           url=reverse("admin:returns_returnrequest_change", args=[return_request.pk]),
           dedupe_key=f"return-{return_request.pk}:requested")


def _notify_buyer(return_request: ReturnRequest, title: str, body: str, *, decided: bool) -> None:
    """The decision (kind returns.decided) or a refund paid later (returns.refunded), in the app and by e-mail."""
    notify(return_request.buyer, kind="returns.decided" if decided else "returns.refunded",
           title=title % {"ref": return_request.order.reference}, body=body,
           url=reverse("returns:return-detail", args=[return_request.pk]),
           dedupe_key=f"return-{return_request.pk}:{return_request.status}")


def _notify_refunded(return_request: ReturnRequest, refund: Refund) -> None:
    _notify_buyer(return_request, _("Your refund for order %(ref)s was paid"), refund_next_step(refund), decided=False)
