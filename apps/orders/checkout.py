"""Checkout: a buyer's cart becomes one order per seller, in one transaction that never oversells.

Online payments: the orders wait for the payment (payment_status pending). Its completion marks them
paid; its failure releases the checkout (orders cancelled, stock, promo use and points given back,
lines back in the cart).
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import get_currency_precision
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from djmoney.money import Money

from apps.catalog.models import Product
from apps.core.exceptions import DomainError
from apps.core.templatetags.money import price
from apps.geo.models import Address
from apps.loyalty.services import (
    LoyaltyError,
    loyalty_balance,
    loyalty_points_value,
    loyalty_redeem,
    loyalty_restore,
)
from apps.notifications.selectors import notification_recipients_for_vendor
from apps.notifications.services import email_queue, notify
from apps.orders.cart import CartLine, cart_items, cart_put_back, line_problem, price_line
from apps.orders.models import Cart, CartItem, Checkout, Order, OrderItem, OrderStatusChange
from apps.payments.gateways import gateway_is_enabled
from apps.payments.services import payment_refund, payment_start
from apps.promotions.services import PricedLine, promo_quote, promo_redeem, promo_release
from apps.vendors.models import Vendor, VendorMembership

PURPOSE = "shop_checkout"
CASH = Order.CASH_ON_DELIVERY
PaymentStatus = Order.PaymentStatus


class CheckoutError(DomainError):
    pass


def _zero() -> Money:
    return Money(0, settings.BASE_CURRENCY)


@dataclass(frozen=True)
class SellerTotal:
    """What one seller's order will charge."""

    vendor: Vendor
    lines: list[CartLine]
    subtotal: Money
    discount: Money
    points: int
    points_discount: Money
    delivery_fee: Money

    @property
    def total(self) -> Money:
        return max(self.subtotal - self.discount - self.points_discount + self.delivery_fee, _zero())


@dataclass(frozen=True)
class CheckoutPreview:
    sellers: list[SellerTotal]
    promo_code: str = ""
    points: int = 0

    def _sum(self, name: str) -> Money:
        return sum((getattr(seller, name) for seller in self.sellers), _zero())

    @property
    def subtotal(self) -> Money:
        return self._sum("subtotal")

    @property
    def discount(self) -> Money:
        return self._sum("discount")

    @property
    def points_discount(self) -> Money:
        return self._sum("points_discount")

    @property
    def total(self) -> Money:
        return self._sum("total")


# --- Pricing


def _apportion(total: int, weights: dict[int, Decimal]) -> dict[int, int]:
    """Split a whole number in proportion to the weights (largest remainder): the parts add up to it exactly."""
    weight_sum = sum(weights.values())
    if total == 0 or weight_sum <= 0:
        return dict.fromkeys(weights, 0)
    exact = {key: Decimal(total) * weight / weight_sum for key, weight in weights.items()}
    parts = {key: int(share) for key, share in exact.items()}
    for key in sorted(exact, key=lambda k: exact[k] - parts[k], reverse=True)[:total - sum(parts.values())]:
        parts[key] += 1
    return parts


def _split_money(amount: Money, weights: dict[int, Decimal]) -> dict[int, Money]:
    """Share an amount in proportion to the weights, in whole minor units of its currency."""
    currency = str(amount.currency)
    unit = Decimal(10) ** -get_currency_precision(currency)
    parts = _apportion(int((amount.amount / unit).to_integral_value()), weights)
    return {key: Money(units * unit, currency) for key, units in parts.items()}


def checkout_preview(*, buyer, lines: list[CartLine], promo_code: str = "", points: int = 0) -> CheckoutPreview:
    """Price the lines per seller with the promo discount and the points, as checkout_place would.

    Raises PromoError (promo code), LoyaltyError (points) or CheckoutError, with a message for the buyer.
    """
    if not lines:
        raise CheckoutError(_("Your cart has nothing that can be ordered."))
    by_vendor: dict[int, list[CartLine]] = defaultdict(list)
    for line in lines:
        by_vendor[line.product.vendor_id].append(line)
    subtotals = {vendor_id: sum((line.line_total for line in group), _zero()) for vendor_id, group in by_vendor.items()}

    discounts: dict[int, Money] = {}
    if promo_code:
        quote = promo_quote(code=promo_code, customer=buyer, lines=[
            PricedLine(vendor_id=line.product.vendor_id, category_id=line.product.category_id, amount=line.line_total)
            for line in lines])
        promo_code, discounts = quote.code, quote.per_vendor
    left = {vendor_id: subtotal - discounts.get(vendor_id, _zero()) for vendor_id, subtotal in subtotals.items()}

    points_split, value_split = dict.fromkeys(left, 0), dict.fromkeys(left, _zero())
    if points:
        balance = loyalty_balance(user=buyer)
        if points > balance:
            raise LoyaltyError(_("You have %(balance)s points.") % {"balance": balance})
        value, left_total = loyalty_points_value(points=points), sum(left.values(), _zero())
        if value > left_total:
            raise LoyaltyError(_("%(points)s points are worth %(value)s, more than the %(left)s left to pay. "
                                 "Use fewer points.")
                               % {"points": points, "value": price(value), "left": price(left_total)})
        # the points go where the money is: in proportion to what each order still costs
        weights = {vendor_id: amount.amount for vendor_id, amount in left.items()}
        points_split, value_split = _apportion(points, weights), _split_money(value, weights)

    return CheckoutPreview(
        sellers=[SellerTotal(vendor=group[0].product.vendor, lines=group, subtotal=subtotals[vendor_id],
                             discount=discounts.get(vendor_id, _zero()), points=points_split[vendor_id],
                             points_discount=value_split[vendor_id], delivery_fee=_zero())
                 for vendor_id, group in by_vendor.items()],
        promo_code=promo_code, points=points,
    )


# --- Placing


def _check_choices(*, buyer, delivery_mode: str, address: Address | None, payment_method: str,
                   commission_payer: str) -> None:
    if delivery_mode not in Order.DeliveryMode.values:
        raise CheckoutError(_("Choose home delivery or pickup at the store."))
    if delivery_mode == Order.DeliveryMode.HOME and address is None:
        raise CheckoutError(_("Choose where to deliver."))
    if address is not None and address.pk and address.user_id != buyer.pk:
        raise CheckoutError(_("This address is not in your address book."))
    if payment_method != CASH and not gateway_is_enabled(payment_method):
        raise CheckoutError(_("This payment method is not available."))
    if commission_payer not in Order.CommissionPayer.values:
        raise CheckoutError(_("Say who pays the delivery commission."))


def _refuse(problems: list[str]) -> None:
    if problems:
        raise CheckoutError(" ".join(problems))


def _create_with_reference(model, **fields):
    """Create a row with a random reference; a clash with an existing one draws again."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return model.objects.create(**fields)
        except IntegrityError as error:
            if "reference" not in str(error):
                raise
    raise CheckoutError(_("Could not allocate a reference number; please try again."))


def _snapshot(buyer, address: Address | None) -> dict:
    """The recipient as written on the parcel; editing the address book later does not move it."""
    if address is None:
        return {"delivery_address": "", "recipient_name": buyer.full_name or buyer.email,
                "recipient_phone": buyer.phone}
    where = [address.street, address.landmark, f"{address.prefecture.name}, {address.region.name}"]
    return {"delivery_address": "\n".join(part for part in where if part), "recipient_name": address.full_name,
            "recipient_phone": address.phone}


def _order_create(*, checkout: Checkout, seller: SellerTotal, payment_status: str, **fields) -> Order:
    order = _create_with_reference(
        Order, checkout=checkout, vendor=seller.vendor, buyer=checkout.buyer, payment_status=payment_status,
        subtotal=seller.subtotal, discount=seller.discount, points_redeemed=seller.points,
        points_discount=seller.points_discount, delivery_fee=seller.delivery_fee, total=seller.total, **fields)
    OrderItem.objects.bulk_create([
        OrderItem(order=order, product=line.product, product_name=line.product.name, unit_price=line.unit_price,
                  quantity=line.item.quantity, line_total=line.line_total)
        for line in seller.lines])
    OrderStatusChange.objects.create(order=order, to_status=Order.Status.PLACED, actor=checkout.buyer)
    return order


def _take_stock(quantities: dict[int, int]) -> None:
    """Take every line's quantity from stock, or raise naming each line that cannot be served."""
    # Row locks in ascending pk order: two checkouts of the same products, added in any order, queue
    # up instead of deadlocking. The lock also gives the messages below the committed stock.
    products = list(
        Product.objects.select_for_update().filter(pk__in=quantities).order_by("pk")
        .annotate(is_visible=Exists(Product.objects.visible().filter(pk=OuterRef("pk")))))
    _refuse([problem for product in products
             if (problem := line_problem(product, quantities[product.pk], visible=product.is_visible))])
    for product in products:
        quantity = quantities[product.pk]
        if not Product.objects.filter(pk=product.pk, stock__gte=quantity).update(stock=F("stock") - quantity):
            _refuse([_("Only %(count)s '%(name)s' left.") % {"count": product.stock, "name": product.name}])


@transaction.atomic
def checkout_place(*, buyer, cart: Cart, delivery_mode: str, address: Address | None, payment_method: str,
                   commission_payer: str, promo_code: str = "", points: int = 0, item_ids=None) -> Checkout:
    """Turn the cart's lines (those in item_ids, or all) into one order per seller, all or nothing.

    `address` is one of the buyer's addresses, or a new unsaved one, saved to the address book with the
    orders; pickup needs none. Raises CheckoutError (naming each line that cannot be served),
    PromoError or LoyaltyError; then nothing is written.
    """
    address = address if delivery_mode == Order.DeliveryMode.HOME else None
    _check_choices(buyer=buyer, delivery_mode=delivery_mode, address=address, payment_method=payment_method,
                   commission_payer=commission_payer)
    # The cart's lock makes a double-submitted form place one checkout: the second finds the cart emptied.
    if not Cart.objects.select_for_update().filter(pk=cart.pk, user=buyer).first():
        raise CheckoutError(_("This is not your cart."))
    lines = [price_line(item) for item in cart_items(cart, item_ids=item_ids)]
    if item_ids is not None and len(lines) != len(set(item_ids)):
        raise CheckoutError(_("Your cart has changed since this page was shown. Check the summary and place "
                              "the order again."))
    if not lines:
        raise CheckoutError(_("Your cart is empty."))
    _refuse([line.problem for line in lines if line.problem])
    preview = checkout_preview(buyer=buyer, lines=lines, promo_code=promo_code, points=points)

    checkout = _create_with_reference(Checkout, buyer=buyer, promo_code=preview.promo_code, points_redeemed=points)
    if preview.promo_code:
        promo_redeem(code=preview.promo_code, customer=buyer, reference=checkout.reference)
    if points:
        loyalty_redeem(user=buyer, points=points, reference=checkout.reference)
    if address is not None and address.pk is None:
        address.user = buyer
        address.save()
    if preview.total.amount == 0:
        payment_status = PaymentStatus.PAID  # promo and points cover everything: nothing to collect
    else:
        payment_status = PaymentStatus.ON_DELIVERY if payment_method == CASH else PaymentStatus.PENDING
    orders = [_order_create(checkout=checkout, seller=seller, payment_status=payment_status,
                            delivery_mode=delivery_mode, payment_method=payment_method,
                            commission_payer=commission_payer, address=address, **_snapshot(buyer, address))
              for seller in preview.sellers]
    CartItem.objects.filter(pk__in=[line.item.pk for line in lines]).delete()
    if payment_status != PaymentStatus.PENDING:
        _notify_placed(checkout, orders)
    # Last, so that the rows every buyer of a popular product waits for stay locked only until the commit.
    _take_stock({line.product.pk: line.item.quantity for line in lines})
    return checkout


def checkout_pay(*, checkout: Checkout, request) -> str:
    """Where to send the buyer after placing: the gateway for an online payment that is due, else the done page.

    Runs after checkout_place has committed, so no stock row stays locked while the gateway answers. If the
    payment cannot be started, the checkout is released and the PaymentError raised.
    """
    done_url = reverse("orders:checkout-done", args=[checkout.reference])
    pending = list(checkout.orders.filter(payment_status=PaymentStatus.PENDING))
    if not pending:
        return done_url
    try:
        payment, redirect_url = payment_start(
            gateway=pending[0].payment_method, amount=sum((order.total for order in pending), _zero()),
            purpose=PURPOSE, reference=checkout.reference, customer_email=checkout.buyer.email,
            description=_("Comptoir order %(reference)s") % {"reference": checkout.reference},
            return_url=request.build_absolute_uri(done_url),
            retry_url=request.build_absolute_uri(reverse("orders:cart")), request=request,
        )
    except DomainError as error:
        checkout_release(checkout_id=checkout.pk, reason=str(error))
        raise
    Checkout.objects.filter(pk=checkout.pk).update(payment=payment)
    return redirect_url


# --- After the online payment


@transaction.atomic
def checkout_payment_completed(*, payment) -> Checkout:
    """Payment handler: mark the checkout's orders paid (once, whatever the replays)."""
    checkout = Checkout.objects.select_for_update().select_related("buyer").get(reference=payment.reference)
    if checkout.payment_id is None:
        checkout.payment = payment
        checkout.save(update_fields=["payment", "updated_at"])
    orders = list(checkout.orders.select_for_update().filter(payment_status=PaymentStatus.PENDING))
    live = [order for order in orders if order.status != Order.Status.CANCELLED]
    if live:
        for order in live:
            order.payment_status = PaymentStatus.PAID
            order.save(update_fields=["payment_status", "updated_at"])
        _notify_placed(checkout, live)
    elif orders:
        # Paid after the checkout was released (a card declined, then accepted on the provider's page):
        # the stock may be sold since, so the money goes back rather than reviving the orders.
        payment_refund(payment_id=payment.pk, actor=None)
        for order in orders:
            order.payment_status = PaymentStatus.REFUNDED
            order.save(update_fields=["payment_status", "updated_at"])
        _email_buyer(checkout, "refunded", _("Your payment for %(reference)s was refunded"), orders=orders)
    return checkout


@transaction.atomic
def checkout_payment_failed(*, payment) -> Checkout:
    """Payment failure handler: release the checkout."""
    checkout = Checkout.objects.get(reference=payment.reference)
    return checkout_release(checkout_id=checkout.pk, reason=payment.failure_reason or _("The payment failed."))


@transaction.atomic
def checkout_release(*, checkout_id: int, reason: str) -> Checkout:
    """Undo a checkout still waiting for its payment: orders cancelled; stock, promo use and points given
    back; the lines back in the buyer's cart. Idempotent."""
    checkout = Checkout.objects.select_for_update().select_related("buyer").get(pk=checkout_id)
    orders = list(checkout.orders.select_for_update()
                  .filter(status=Order.Status.PLACED, payment_status=PaymentStatus.PENDING)
                  .prefetch_related("items"))
    if not orders:
        return checkout
    quantities: dict[int, int] = defaultdict(int)
    for item in (item for order in orders for item in order.items.all()):
        quantities[item.product_id] += item.quantity
    now = timezone.now()
    for order in orders:
        order.status, order.cancelled_at, order.cancel_reason = Order.Status.CANCELLED, now, reason
        order.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
        OrderStatusChange.objects.create(order=order, from_status=Order.Status.PLACED,
                                         to_status=Order.Status.CANCELLED, note=reason)
    # Locks in checkout_place's order (cart, promo, points, then products by pk): no deadlock with one.
    cart_put_back(user=checkout.buyer, quantities=dict(quantities))
    if checkout.promo_code and not checkout.orders.exclude(status=Order.Status.CANCELLED).exists():
        promo_release(reference=checkout.reference)
    for order in orders:
        if order.points_redeemed:
            # the reference order_cancel uses too: an order's points come back once, whoever cancels it
            loyalty_restore(user=checkout.buyer, points=order.points_redeemed, reference=f"{order.reference}:cancel")
    for product_id in sorted(quantities):
        Product.objects.filter(pk=product_id).update(stock=F("stock") + quantities[product_id])
    _email_buyer(checkout, "released", _("Your order %(reference)s was not placed"), orders=orders, reason=reason)
    return checkout


# --- E-mails (email_queue sends them once the transaction commits)


def _email_buyer(checkout: Checkout, kind: str, subject: str, **context) -> None:
    email_queue(to=checkout.buyer.email, subject=subject % {"reference": checkout.reference},
                template=f"orders/email/checkout_{kind}", context={"checkout": checkout, **context},
                kind=f"orders.checkout_{kind}", dedupe_key=f"{checkout.reference}:{kind}",
                related_reference=checkout.reference)


def _seller_addresses(vendor: Vendor) -> list[str]:
    if vendor.contact_email:
        return [vendor.contact_email]
    return list(VendorMembership.objects.filter(vendor=vendor, role=VendorMembership.Role.OWNER)
                .values_list("user__email", flat=True))


def _notify_placed(checkout: Checkout, orders: list[Order]) -> None:
    """The buyer gets one summary, each seller their new order."""
    _email_buyer(checkout, "placed", _("Your order %(reference)s"), orders=orders,
                 total=sum((order.total for order in orders), _zero()))
    for order in orders:
        subject = _("New order %(reference)s") % {"reference": order.reference}
        for address in _seller_addresses(order.vendor):
            email_queue(to=address, subject=subject,
                        template="orders/email/checkout_new_order", context={"order": order},
                        kind="orders.new_order", dedupe_key=f"{order.reference}:new-order:{address}",
                        related_reference=order.reference)
        # In the app, every active member of the store; the e-mail above already went to its address.
        notify(notification_recipients_for_vendor(vendor_id=order.vendor_id), kind="orders.new_order", title=subject,
               body=_("%(total)s to confirm.") % {"total": price(order.total)},
               url=reverse("admin:orders_order_change", args=[order.pk]), email=False,
               dedupe_key=f"{order.reference}:new-order")
