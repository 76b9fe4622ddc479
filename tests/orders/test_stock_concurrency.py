"""Checkouts racing on PostgreSQL with real threads: stock never oversells, promo uses never overshoot,
opposite line orders never deadlock."""

import pytest
from djmoney.money import Money

from apps.catalog.models import Product
from apps.orders.checkout import CheckoutError
from apps.orders.models import Order, OrderItem
from apps.promotions.models import PromoCode, PromoRedemption
from apps.promotions.services import PromoError
from tests.factories import ProductFactory, PromoCodeFactory, UserFactory, cart_with, checkout_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def buyers_with(n, *lines):
    buyers = [UserFactory() for _ in range(n)]
    for buyer in buyers:
        cart_with(buyer, *lines)
    return buyers


def placed(outcomes):
    return [outcome for outcome in outcomes if not isinstance(outcome, Exception)]


def test_twenty_buyers_on_the_last_unit_make_one_order(run_concurrently, vendor_a):
    kettle = ProductFactory(vendor=vendor_a, name="Blue kettle", stock=1)
    buyers = buyers_with(20, (kettle, 1))

    outcomes = run_concurrently(lambda i: checkout_for(buyers[i]), 20)

    refusals = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert len(placed(outcomes)) == 1 and Order.objects.count() == 1
    assert len(refusals) == 19 and all(isinstance(r, CheckoutError) for r in refusals), refusals
    assert {str(r) for r in refusals} == {"'Blue kettle' is out of stock."}
    assert Product.objects.get().stock == 0


def test_stock_of_five_and_fifty_buyers_make_five_orders(run_concurrently, vendor_a):
    kettle = ProductFactory(vendor=vendor_a, name="Blue kettle", stock=5)
    buyers = buyers_with(50, (kettle, 1))

    outcomes = run_concurrently(lambda i: checkout_for(buyers[i]), 50)

    assert len(placed(outcomes)) == 5 and Order.objects.count() == 5
    assert all(isinstance(o, CheckoutError) for o in outcomes if isinstance(o, Exception))
    assert Product.objects.get().stock == 0
    assert sum(OrderItem.objects.values_list("quantity", flat=True)) == 5


def test_a_promo_code_with_three_uses_and_ten_checkouts_is_redeemed_three_times(run_concurrently, vendor_a):
    kettle = ProductFactory(vendor=vendor_a, stock=100, price=Money(20000, "GNF"))
    PromoCodeFactory(code="THREE", max_uses=3)
    buyers = buyers_with(10, (kettle, 1))

    outcomes = run_concurrently(lambda i: checkout_for(buyers[i], promo_code="THREE"), 10)

    refusals = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert len(placed(outcomes)) == 3 and len(refusals) == 7
    assert all(isinstance(r, PromoError) and "used up" in str(r) for r in refusals), refusals
    assert PromoCode.objects.get().uses_count == 3 and PromoRedemption.objects.count() == 3
    assert Product.objects.get().stock == 97  # the refused checkouts took nothing


def test_carts_with_the_same_products_in_opposite_order_do_not_deadlock(run_concurrently, vendor_a):
    # one seller, so each cart's lines are taken in the order they were added: half of them kettle first
    kettle, scarf = ProductFactory(vendor=vendor_a, stock=10), ProductFactory(vendor=vendor_a, stock=10)
    buyers = [UserFactory() for _ in range(4)]
    for i, buyer in enumerate(buyers):
        cart_with(buyer, *([(kettle, 1), (scarf, 1)] if i % 2 else [(scarf, 1), (kettle, 1)]))

    outcomes = run_concurrently(lambda i: checkout_for(buyers[i]), 4, timeout=30)

    assert len(placed(outcomes)) == 4, outcomes
    assert Order.objects.count() == 4
    assert [p.stock for p in Product.objects.order_by("pk")] == [6, 6]
