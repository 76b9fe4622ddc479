"""Orders as they stand when a return is asked for: delivered, paid online or in cash."""

from django.utils import timezone
from djmoney.money import Money

from apps.orders.models import Checkout, Order
from tests.factories import PaymentFactory, ProductFactory, order_for


def delivered_order(vendor, buyer, *, quantity=2, price=50000, stock=8, delivery_fee=0, **fields):
    """A delivered order of `quantity` units of one product (stock already taken at checkout)."""
    product = ProductFactory(vendor=vendor, price=Money(price, "GNF"), stock=stock)
    fields = {"status": Order.Status.DELIVERED, "delivered_at": timezone.now(),
              "payment_status": Order.PaymentStatus.PAID, **fields}
    return order_for(vendor, buyer=buyer, lines=[(product, quantity)], delivery_fee=Money(delivery_fee, "GNF"),
                     **fields)


def paid_online(buyer, *orders_of, gateway="sandbox"):
    """One checkout paid online through `gateway` for one delivered order per (vendor, kwargs) given."""
    checkout = Checkout.objects.create(buyer=buyer)
    orders = [delivered_order(vendor, buyer, checkout=checkout, payment_method=gateway, **kwargs)
              for vendor, kwargs in orders_of]
    payment = PaymentFactory(gateway=gateway, completed=True, purpose="shop_checkout", reference=checkout.reference,
                             amount=sum((order.total for order in orders), Money(0, "GNF")),
                             provider_reference="pi_3Abc" if gateway == "stripe" else "")
    Checkout.objects.filter(pk=checkout.pk).update(payment=payment)
    return orders, payment
