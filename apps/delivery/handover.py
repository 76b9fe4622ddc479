"""The QR handover at the door.

The buyer's code (a QR holding /deliver/<token>/) opens the order for its deliverer only. Cash needs two
confirmations: the deliverer's ("cash received"), then the buyer's (on their order page, or by the PIN
they read out). Online, the buyer pays on their phone and the payment completes the handover. Either
way the order ends delivered and paid once: every step locks the code row first.
"""

import hmac
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from djmoney.money import Money

from apps.core.exceptions import DomainError
from apps.core.templatetags.money import price
from apps.delivery.models import CashCollection, DeliveryCode, new_delivery_pin, new_delivery_token
from apps.delivery.services import delivery_mark_delivered
from apps.notifications.services import notify
from apps.orders.models import Order
from apps.orders.services import order_dispatch, order_mark_delivered
from apps.payments.gateways import gateway_choices, gateway_is_enabled
from apps.payments.models import Gateway, Payment
from apps.payments.services import payment_refund, payment_start

PURPOSE = "order_handover"
PIN_MAX_ATTEMPTS = 5
# A parcel can change hands once it is packed; a seller delivering personally may not have dispatched it.
HANDOVER_STATUSES = {Order.Status.READY, Order.Status.OUT_FOR_DELIVERY}
# When the buyer has a code to show: from the seller's confirmation until the parcel changes hands.
CODE_STATUSES = {Order.Status.CONFIRMED, *HANDOVER_STATUSES}
# Paying at the door must settle in seconds: a bank transfer takes days.
NOT_AT_THE_DOOR = {Gateway.BANK_TRANSFER}
Method = DeliveryCode.Method


class HandoverError(DomainError):
    pass


def _when(value) -> str:
    return date_format(timezone.localtime(value), "j M Y, H:i")


def handover_url(code: DeliveryCode) -> str:
    """What the QR code holds: the handover page as an absolute link (no amount, no order number)."""
    return settings.SITE_URL.rstrip("/") + reverse("delivery:handover", args=[code.token])


def amount_due(order: Order) -> Money:
    """What the deliverer collects at the door: the whole total (delivery fee included) unless paid already."""
    if order.payment_status == Order.PaymentStatus.ON_DELIVERY:
        return order.total
    return Money(0, order.total.currency)


def online_gateways() -> list[tuple[str, str]]:
    """(code, label) of the gateways a buyer can pay with at the door."""
    return [(code, label) for code, label in gateway_choices() if code not in NOT_AT_THE_DOOR]


# --- Reads


@dataclass(frozen=True)
class Handover:
    """A code and what can happen next, for the deliverer's page and the buyer's order page."""

    code: DeliveryCode
    refusal: str  # why nothing can be done with the code ("" when something can)
    last_payment: Payment | None

    @property
    def order(self) -> Order:
        return self.code.order

    @property
    def amount_due(self) -> Money:
        return amount_due(self.order)

    @property
    def state(self) -> str:
        """done | closed | awaiting_buyer (the deliverer confirmed) | online (the buyer pays) | open."""
        code = self.code
        if code.used_at:
            return "done"
        if self.refusal:
            return "closed"
        if code.courier_confirmed_at:
            return "awaiting_buyer"
        return "online" if code.payment_method == Method.ONLINE else "open"

    @property
    def pin_locked(self) -> bool:
        return self.code.pin_failed_attempts >= PIN_MAX_ATTEMPTS

    @property
    def expired(self) -> bool:
        return not self.code.used_at and self.code.is_expired

    @property
    def qr_live(self) -> bool:
        """The buyer still has a code to show: unused, unexpired, for an order on its way to them."""
        return not self.code.used_at and not self.code.is_expired and self.order.status in CODE_STATUSES

    @property
    def polling(self) -> bool:
        """Pages refresh the handover by themselves while the other side may act."""
        return self.state in {"open", "online", "awaiting_buyer"}

    @property
    def state_key(self) -> str:
        """Changes whenever what a page shows changes: a poll with the same key gets nothing new."""
        payment = self.last_payment.status if self.last_payment else ""
        return f"{self.state}-{self.code.payment_method}-{payment}-{self.code.pin_failed_attempts}"


def _refusal(code: DeliveryCode) -> str:
    """Why the code cannot be used now, as the deliverer should read it ("" when it can)."""
    order = code.order
    if code.used_at:
        return _("This parcel was already handed over on %(date)s. Nothing was changed.") % {
            "date": _when(code.used_at)}
    if order.status == Order.Status.CANCELLED:
        return _("Order %(ref)s was cancelled: do not hand it over, bring the parcel back to the seller. "
                 "Nothing was changed.") % {"ref": order.reference}
    if code.is_expired:
        return _("This code expired on %(date)s. Nothing was changed. The buyer can get a new code on their "
                 "order page.") % {"date": _when(code.expires_at)}
    if order.status not in HANDOVER_STATUSES:
        return _("Order %(ref)s is not ready to be delivered yet (it is %(status)s). Nothing was changed.") % {
            "ref": order.reference, "status": order.get_status_display().lower()}
    return ""


def _last_payment(order: Order) -> Payment | None:
    return Payment.objects.filter(purpose=PURPOSE, reference=order.reference).order_by("-created_at", "-pk").first()


def _handover(code: DeliveryCode) -> Handover:
    return Handover(code=code, refusal=_refusal(code), last_payment=_last_payment(code.order))


def handover_for_deliverer(*, token: str, user) -> Handover | None:
    """The handover behind a code, for its order's deliverer only; None for anyone else or an unknown code."""
    code = (DeliveryCode.objects.select_related("order__vendor", "order__delivery")
            .filter(token=token, order__delivery__deliverer=user).first())
    return _handover(code) if code else None


def handover_for_buyer(*, order: Order) -> Handover | None:
    """The handover of the buyer's own order, once its code exists."""
    code = DeliveryCode.objects.select_related("order__vendor").filter(order=order).first()
    return _handover(code) if code else None


# --- Issuing the code


@transaction.atomic
def delivery_code_issue(*, order: Order) -> DeliveryCode:
    """The order's handover code: created on the first call; an expired, unused one gets a new secret.

    Called when the seller confirms a home-delivery order (issue_code_on_confirm).
    """
    expires_at = timezone.now() + timedelta(days=settings.DELIVERY_CODE_TTL_DAYS)
    code, created = DeliveryCode.objects.select_for_update().get_or_create(order=order,
                                                                          defaults={"expires_at": expires_at})
    if created or code.used_at or not code.is_expired:
        return code
    # A new token and PIN, so the old QR (a printout, a screenshot) opens nothing any more.
    code.token, code.pin, code.expires_at = new_delivery_token(), new_delivery_pin(), expires_at
    code.payment_method, code.courier_confirmed_at, code.courier_confirmed_by = "", None, None
    code.buyer_confirmed_at, code.buyer_confirmed_via, code.pin_failed_attempts = None, "", 0
    code.save()
    return code


def issue_code_on_confirm(sender, *, order: Order, **kwargs) -> None:
    """On orders' order_confirmed: the QR handover code comes from the moment the seller commits to deliver, so
    its days count from there, and orders never paid or cancelled before confirmation get none."""
    if order.delivery_mode == Order.DeliveryMode.HOME:
        delivery_code_issue(order=order)


@transaction.atomic
def handover_code_renew(*, order_id: int, actor) -> DeliveryCode:
    """The buyer asks for a new code after theirs expired before the parcel arrived."""
    code = _lock(order_id=order_id)
    if code.order.buyer_id != actor.pk:
        raise HandoverError(_("Only the buyer can ask for a new delivery code."))
    if code.used_at or code.order.status in {Order.Status.CANCELLED, Order.Status.DELIVERED, Order.Status.COMPLETED}:
        raise HandoverError(_("This order needs no delivery code any more."))
    if not code.is_expired:
        raise HandoverError(_("Your delivery code is still valid until %(date)s.") % {"date": _when(code.expires_at)})
    return delivery_code_issue(order=code.order)


# --- The handover's steps. Each locks the code row first, so two taps, two phones or a webhook arriving
# at the same moment queue up and the second one sees what the first did.


def _lock(*, code_id: int | None = None, order_id: int | None = None) -> DeliveryCode:
    # of=self: the code row only (the joined delivery may be missing, and the order is locked by its services)
    lookup = {"pk": code_id} if code_id is not None else {"order_id": order_id}
    code = (DeliveryCode.objects.select_for_update(of=("self",))
            .select_related("order__delivery__deliverer", "order__buyer").filter(**lookup).first())
    if code is None:
        raise HandoverError(_("This order has no delivery code yet: it gets one when the seller confirms it."))
    return code


def _deliverer_id(code: DeliveryCode) -> int | None:
    delivery = getattr(code.order, "delivery", None)
    return delivery.deliverer_id if delivery else None


def _lock_for_deliverer(code_id: int, actor) -> DeliveryCode:
    code = _lock(code_id=code_id)
    if _deliverer_id(code) != actor.pk:
        raise HandoverError(_("Only the person delivering this order can hand it over."))
    if refusal := _refusal(code):
        raise HandoverError(refusal)
    return code


def _check_awaiting_buyer(code: DeliveryCode) -> None:
    if code.courier_confirmed_at is None:
        if amount_due(code.order).amount:
            raise HandoverError(_("The courier has not confirmed receiving the cash yet. Pay them first; this "
                                  "page updates by itself."))
        raise HandoverError(_("The courier has not confirmed handing over the parcel yet."))


@transaction.atomic
def handover_confirm_by_deliverer(*, code_id: int, actor) -> DeliveryCode:
    """The deliverer has the cash in hand (for a paid order: has handed over the parcel); the buyer confirms next.

    Switches from an online payment to cash: a payment the buyer completes afterwards is refunded.
    """
    code = _lock_for_deliverer(code_id, actor)
    if code.courier_confirmed_at:
        return code  # a double tap confirms once
    code.payment_method = Method.CASH if amount_due(code.order).amount else ""
    code.courier_confirmed_at, code.courier_confirmed_by = timezone.now(), actor
    code.save(update_fields=["payment_method", "courier_confirmed_at", "courier_confirmed_by"])
    return code


@transaction.atomic
def handover_choose_online(*, code_id: int, actor) -> DeliveryCode:
    """The buyer will pay on their phone: their order page offers "Pay now"."""
    code = _lock_for_deliverer(code_id, actor)
    if not amount_due(code.order).amount:
        raise HandoverError(_("This order is already paid: there is nothing to collect."))
    if code.courier_confirmed_at:
        raise HandoverError(_("You confirmed receiving the cash already: the buyer only has to confirm."))
    if not online_gateways():
        raise HandoverError(_("Online payment is not available at the moment: collect the amount in cash."))
    if code.payment_method != Method.ONLINE:
        code.payment_method = Method.ONLINE
        code.save(update_fields=["payment_method"])
    return code


def handover_check_pin(*, code_id: int, pin: str, actor) -> DeliveryCode:
    """The PIN the buyer reads out stands for their confirmation. A wrong one is counted (and stays counted
    although the error is raised); after PIN_MAX_ATTEMPTS the PIN no longer works for this code."""
    with transaction.atomic():
        code = _lock_for_deliverer(code_id, actor)
        _check_awaiting_buyer(code)
        if code.pin_failed_attempts >= PIN_MAX_ATTEMPTS:
            raise HandoverError(_("Too many wrong PINs: the PIN is locked for this delivery. Ask the buyer to "
                                  "confirm on their order page instead."))
        if hmac.compare_digest(code.pin.encode(), pin.encode()):
            _complete(code, via="pin")
            return code
        code.pin_failed_attempts += 1
        code.save(update_fields=["pin_failed_attempts"])
        left = PIN_MAX_ATTEMPTS - code.pin_failed_attempts
    # Raised once the count is committed: an error inside the block would roll the count back.
    if left:
        raise HandoverError(ngettext("Wrong PIN. %(left)s try left.", "Wrong PIN. %(left)s tries left.", left)
                            % {"left": left})
    raise HandoverError(_("Wrong PIN. The PIN is now locked for this delivery: ask the buyer to confirm on their "
                          "order page instead."))


@transaction.atomic
def handover_confirm_by_buyer(*, order_id: int, actor) -> DeliveryCode:
    """The buyer confirms on their order page that they have the parcel (and paid the cash)."""
    code = _lock(order_id=order_id)
    if code.order.buyer_id != actor.pk:
        raise HandoverError(_("Only the buyer can confirm receiving this order."))
    if refusal := _refusal(code):
        raise HandoverError(refusal)
    _check_awaiting_buyer(code)
    _complete(code, via="page")
    return code


def handover_payment_start(*, order_id: int, actor, gateway: str, request) -> str:
    """Start the buyer's online payment of the amount due at the door; returns where to send them to pay.

    Not under the code's lock: the gateway may take seconds to answer. Its completion decides
    (handover_payment_completed)."""
    code = DeliveryCode.objects.select_related("order__vendor").filter(order_id=order_id).first()
    if code is None or code.order.buyer_id != actor.pk:
        raise HandoverError(_("Only the buyer can pay for this order here."))
    order = code.order
    if refusal := _refusal(code):
        raise HandoverError(refusal)
    if code.payment_method != Method.ONLINE or code.courier_confirmed_at:
        raise HandoverError(_("The courier has not asked for an online payment. Pay them in cash, or ask them to "
                              "choose online payment on their phone."))
    if gateway not in dict(online_gateways()) or not gateway_is_enabled(gateway):
        raise HandoverError(_("This payment method is not available at the door."))
    order_page = request.build_absolute_uri(reverse("orders:order-detail", args=[order.reference]))
    _payment, redirect_url = payment_start(
        gateway=gateway, amount=amount_due(order), purpose=PURPOSE, reference=order.reference,
        customer_email=actor.email, vendor=order.vendor, return_url=order_page, retry_url=order_page,
        description=_("Comptoir order %(reference)s, paid at delivery") % {"reference": order.reference},
        request=request)
    return redirect_url


@transaction.atomic
def handover_payment_completed(*, payment: Payment) -> None:
    """Payment handler (purpose order_handover): the buyer paid at the door, so the handover completes as
    paid online. A payment that finds the handover settled otherwise (already handed over, cash in the
    deliverer's hand, order cancelled) is refunded: the buyer never pays twice."""
    code = (DeliveryCode.objects.select_for_update(of=("self",)).select_related("order__delivery", "order__buyer")
            .filter(order__reference=payment.reference).first())
    order = code.order if code else None
    settled = (code is None or code.used_at is not None or order.status not in HANDOVER_STATUSES
               or _deliverer_id(code) is None
               or (code.payment_method == Method.CASH and code.courier_confirmed_at is not None)
               or payment.amount != amount_due(order))
    if settled:
        payment_refund(payment_id=payment.pk, actor=None)
        return
    code.payment_method = Method.ONLINE
    _complete(code, payment=payment)


def _complete(code: DeliveryCode, *, via: str = "", payment: Payment | None = None) -> None:
    """Both sides agree: record the cash, deliver and mark paid, close the code and the delivery. Under the
    code's lock, so it runs once per code."""
    order, now = code.order, timezone.now()
    delivery = order.delivery
    deliverer = delivery.deliverer
    due = amount_due(order)
    if payment is not None:
        order.payment_method, order._history_user = payment.gateway, deliverer
        order.save(update_fields=["payment_method", "updated_at"])
        note = _("Handed over and paid online (%(amount)s).") % {"amount": price(payment.amount)}
    elif due.amount:
        CashCollection.objects.create(order=order, collected_by=code.courier_confirmed_by or deliverer, amount=due,
                                      collected_at=code.courier_confirmed_at or now)
        note = _("Handed over; %(amount)s collected in cash by %(deliverer)s, confirmed by the buyer %(how)s.") % {
            "amount": price(due), "deliverer": deliverer, "how": _("with their PIN") if via == "pin"
            else _("on their order page")}
    else:
        note = _("Handed over (already paid), confirmed by the buyer.")
    if order.status == Order.Status.READY:
        order_dispatch(order_id=order.pk, actor=deliverer, note=_("Taken to the buyer by %(deliverer)s.")
                       % {"deliverer": deliverer})
    order_mark_delivered(order_id=order.pk, actor=deliverer, note=note, via_handover=True)
    if via:
        code.buyer_confirmed_at, code.buyer_confirmed_via = now, via
    code.used_at = now
    code.save(update_fields=["payment_method", "buyer_confirmed_at", "buyer_confirmed_via", "used_at"])
    delivery_mark_delivered(delivery_id=delivery.pk, actor=deliverer)
    notify(order.buyer, kind="delivery.handed_over", email=False,  # the order's status e-mail says it already
           title=_("Order %(ref)s: handover recorded") % {"ref": order.reference}, body=note,
           url=reverse("orders:order-detail", args=[order.reference]), dedupe_key=f"{order.reference}:handed-over")
