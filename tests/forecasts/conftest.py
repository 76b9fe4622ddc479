import math
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from djmoney.money import Money

from apps.orders.models import Checkout, Order, OrderItem
from tests.factories import ProductFactory, UserFactory


def weekly_pattern(days: int, base: float = 100_000) -> list[float]:
    """Daily sales with a clear weekly rhythm (busy weekends) and a gentle upward trend."""
    return [round(base * (1 + 0.5 * math.sin(2 * math.pi * day / 7)) + 500 * day, 2) for day in range(days)]


@pytest.fixture
def sell():
    """One order a day for the vendor, oldest first, the last one on `last_day` (yesterday by default).

    With `category`, each order has one line of a product of that category worth the whole order.
    """

    def sell(vendor, amounts, *, last_day=None, status="delivered", currency="GNF", category=None):
        last_day = last_day or timezone.localdate() - timedelta(days=1)
        buyer = UserFactory()
        checkout = Checkout.objects.create(buyer=buyer)
        orders = Order.objects.bulk_create([
            Order(checkout=checkout, vendor=vendor, buyer=buyer, status=status, subtotal=Money(amount, currency),
                  total=Money(amount, currency)) for amount in amounts])
        first_day = last_day - timedelta(days=len(orders) - 1)
        for offset, order in enumerate(orders):
            # created_at is auto_now_add: set afterwards, at noon so the local day is unambiguous
            order.created_at = timezone.make_aware(datetime.combine(first_day + timedelta(days=offset), time(12)))
        Order.objects.bulk_update(orders, ["created_at"])
        if category is not None:
            product = ProductFactory(vendor=vendor, category=category)
            OrderItem.objects.bulk_create([
                OrderItem(order=order, product=product, product_name=product.name, unit_price=order.total,
                          quantity=1, line_total=order.total) for order in orders])
        return orders

    return sell
