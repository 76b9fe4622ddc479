"""checkout_place: one order per seller priced at checkout time, all or nothing, promo and points split."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from djmoney.money import Money

from apps.catalog.models import Product
from apps.geo.models import Address, Prefecture
from apps.loyalty.services import LoyaltyError, loyalty_balance, loyalty_earn
from apps.orders.checkout import CheckoutError, checkout_preview
from apps.orders.cart import cart_summary
from apps.orders.models import CartItem, Checkout, Order, OrderItem, OrderStatusChange
from apps.promotions.models import PromoCode, PromoRedemption
from apps.promotions.services import PromoError
from tests.factories import (
    ProductFactory,
    PromoCodeFactory,
    UserFactory,
    address_for,
    cart_with,
    checkout_for,
)

pytestmark = pytest.mark.django_db


def gnf(amount) -> Money:
    return Money(amount, "GNF")


@pytest.fixture
def buyer(db):
    return UserFactory(email="mariam@example.com", full_name="Mariam Sylla", phone="+224 620 11 22 33")


@pytest.fixture
def kettle(vendor_a):
    return ProductFactory(vendor=vendor_a, name="Blue kettle", price=gnf(20000), stock=5)


@pytest.fixture
def scarf(vendor_b):
    return ProductFactory(vendor=vendor_b, name="Red scarf", price=gnf(40000), stock=5)


def nothing_written(buyer, stocks: dict, lines: int):
    assert not Checkout.objects.exists() and not Order.objects.exists() and not OrderItem.objects.exists()
    assert {p.pk: p.stock for p in Product.objects.filter(pk__in=stocks)} == stocks
    assert CartItem.objects.filter(cart__user=buyer).count() == lines
    return True


def test_a_cart_with_two_sellers_becomes_two_orders_priced_at_checkout_time(
    buyer, kettle, scarf, django_capture_on_commit_callbacks
):
    # given a cart with 3 kettles (on sale since this morning) and 1 scarf
    cart_with(buyer, (kettle, 3), (scarf, 1))
    kettle.sale_price, kettle.sale_starts_at = gnf(15000), timezone.now() - timedelta(hours=3)
    kettle.save()

    # when the buyer places it (home delivery to their address, cash on delivery)
    with django_capture_on_commit_callbacks(execute=True):
        checkout = checkout_for(buyer, delivery_mode="home", address=address_for(buyer), commission_payer="seller")

    # then one order per seller, with lines priced now
    orders = {order.vendor.name: order for order in checkout.orders.all()}
    assert set(orders) == {"Alpha Store", "Bravo Boutique"}
    alpha, bravo = orders["Alpha Store"], orders["Bravo Boutique"]
    assert list(alpha.items.values_list("product_name", "unit_price", "quantity", "line_total")) == [
        ("Blue kettle", gnf(15000).amount, 3, gnf(45000).amount)]
    assert (alpha.subtotal, alpha.total, bravo.subtotal, bravo.total) == (gnf(45000), gnf(45000), gnf(40000),
                                                                          gnf(40000))
    for order in (alpha, bravo):
        assert order.status == "placed" and order.payment_status == "on_delivery"
        assert order.payment_method == "cash_on_delivery" and order.commission_payer == "seller"
        assert order.delivery_fee == gnf(0) and order.recipient_name == "Mariam Sylla"
        assert order.delivery_address == "Rue KA-020\nNear the Kaloum market\nConakry, Conakry"
        assert list(order.timeline.values_list("from_status", "to_status")) == [("", "placed")]
    # stock taken, cart emptied
    kettle.refresh_from_db()
    scarf.refresh_from_db()
    assert (kettle.stock, scarf.stock) == (2, 4)
    assert not CartItem.objects.exists()
    # one summary for the buyer, one new order for each seller
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["mariam@example.com", alpha.vendor.contact_email, bravo.vendor.contact_email])
    summary = next(m for m in mail.outbox if m.to == ["mariam@example.com"])
    assert alpha.reference in summary.body and bravo.reference in summary.body and "85,000" in summary.body
    assert alpha.reference in next(m for m in mail.outbox if m.to == [alpha.vendor.contact_email]).subject


def test_a_seller_without_a_contact_address_hears_through_its_owner(buyer, kettle, seller_a, vendor_a,
                                                                     django_capture_on_commit_callbacks):
    vendor_a.contact_email = ""
    vendor_a.save()
    cart_with(buyer, (kettle, 1))

    with django_capture_on_commit_callbacks(execute=True):
        checkout_for(buyer)

    assert any(m.to == ["seller.a@example.com"] and "New order" in m.subject for m in mail.outbox)


def test_a_line_that_cannot_be_served_writes_nothing_and_names_the_line(buyer, kettle, scarf):
    cart_with(buyer, (kettle, 3), (scarf, 1))
    Product.objects.filter(pk=kettle.pk).update(stock=2)

    with pytest.raises(CheckoutError) as refusal:
        checkout_for(buyer)

    assert str(refusal.value) == "Only 2 'Blue kettle' left."
    assert nothing_written(buyer, {kettle.pk: 2, scarf.pk: 5}, lines=2)


def test_a_product_no_longer_sold_writes_nothing_and_every_problem_is_named(buyer, kettle, scarf, vendor_b):
    cart_with(buyer, (kettle, 1), (scarf, 1))
    Product.objects.filter(pk=kettle.pk).update(stock=0)
    vendor_b.status = "suspended"
    vendor_b.save()

    with pytest.raises(CheckoutError) as refusal:
        checkout_for(buyer)

    assert "'Blue kettle' is out of stock." in str(refusal.value)
    assert "'Red scarf' is no longer available." in str(refusal.value)
    assert nothing_written(buyer, {kettle.pk: 0, scarf.pk: 5}, lines=2)


def test_the_stock_check_under_the_lock_has_the_last_word(buyer, kettle, scarf, monkeypatch):
    # The stock is read again under the row lock: a sale committed after the cart was priced is seen.
    from apps.orders import checkout as checkout_module

    cart_with(buyer, (kettle, 2), (scarf, 1))
    redeem = checkout_module._order_create

    def sold_meanwhile(**kwargs):
        Product.objects.filter(pk=kettle.pk).update(stock=1)
        return redeem(**kwargs)

    monkeypatch.setattr(checkout_module, "_order_create", sold_meanwhile)
    with pytest.raises(CheckoutError, match="Only 1 'Blue kettle' left."):
        checkout_for(buyer)
    assert not Order.objects.exists() and CartItem.objects.count() == 2


def test_a_new_address_is_saved_to_the_address_book_with_the_orders(buyer, kettle):
    cart_with(buyer, (kettle, 1))
    prefecture = Prefecture.objects.select_related("region").get(code="gn-conakry-conakry")
    new = Address(full_name="Awa Camara", phone="+224 621 00 00 00", region=prefecture.region,
                  prefecture=prefecture, street="Route du Niger")

    checkout = checkout_for(buyer, delivery_mode="home", address=new)

    saved = Address.objects.get(user=buyer)
    assert checkout.orders.get().address == saved and saved.street == "Route du Niger"


def test_a_new_address_is_not_saved_when_the_checkout_fails(buyer, kettle):
    cart_with(buyer, (kettle, 9))
    prefecture = Prefecture.objects.select_related("region").get(code="gn-conakry-conakry")

    with pytest.raises(CheckoutError):
        checkout_for(buyer, delivery_mode="home", address=Address(
            full_name="Awa Camara", phone="+224 621 00 00 00", region=prefecture.region, prefecture=prefecture,
            street="Route du Niger"))
    assert not Address.objects.exists()


def test_pickup_needs_no_address_and_home_delivery_does(buyer, kettle):
    cart_with(buyer, (kettle, 1))
    with pytest.raises(CheckoutError, match="Choose where to deliver."):
        checkout_for(buyer, delivery_mode="home", address=None)

    order = checkout_for(buyer, delivery_mode="pickup", address=address_for(buyer)).orders.get()

    assert order.delivery_mode == "pickup" and order.address is None and order.delivery_address == ""
    assert (order.recipient_name, order.recipient_phone) == ("Mariam Sylla", "+224 620 11 22 33")


def test_someone_elses_address_or_cart_is_refused(buyer, kettle):
    cart_with(buyer, (kettle, 1))
    stranger = UserFactory()
    with pytest.raises(CheckoutError, match="not in your address book"):
        checkout_for(buyer, delivery_mode="home", address=address_for(stranger))
    with pytest.raises(CheckoutError, match="not your cart"):
        checkout_for(stranger, cart=buyer.cart)


@pytest.mark.parametrize("choices, message", [
    ({"payment_method": "cheque"}, "not available"),
    ({"delivery_mode": "drone"}, "home delivery or pickup"),
    ({"commission_payer": "nobody"}, "delivery commission"),
])
def test_unknown_choices_are_refused(buyer, kettle, choices, message):
    cart_with(buyer, (kettle, 1))
    with pytest.raises(CheckoutError, match=message):
        checkout_for(buyer, **choices)
    assert not Checkout.objects.exists()


def test_placing_twice_places_once(buyer, kettle):
    cart_with(buyer, (kettle, 1))
    checkout_for(buyer)

    with pytest.raises(CheckoutError, match="Your cart is empty."):
        checkout_for(buyer)
    assert Order.objects.count() == 1


def test_only_the_lines_shown_are_ordered_and_a_changed_cart_is_noticed(buyer, kettle, scarf):
    cart = cart_with(buyer, (kettle, 1), (scarf, 1))
    kettle_line = cart.items.get(product=kettle)

    checkout = checkout_for(buyer, item_ids=[kettle_line.pk])

    assert list(checkout.orders.values_list("vendor__name", flat=True)) == ["Alpha Store"]
    assert list(cart.items.values_list("product__name", flat=True)) == ["Red scarf"]
    with pytest.raises(CheckoutError, match="Your cart has changed"):
        checkout_for(buyer, item_ids=[kettle_line.pk])


def test_promo_and_points_are_applied_and_split_between_the_orders(buyer, kettle, scarf):
    # given 60,000 GNF at Alpha (3 kettles) and 40,000 GNF at Bravo, a 10% platform code and 900 points
    cart_with(buyer, (kettle, 3), (scarf, 1))
    PromoCodeFactory(code="WELCOME10", percent_off="10.00", max_uses=5)
    loyalty_earn(user=buyer, amount_paid=gnf(20000), reference="ORD-EARLIER")  # 2,000 points of 1 GNF

    checkout = checkout_for(buyer, promo_code="welcome10", points=900)

    # then the 10,000 discount splits 6,000 / 4,000 and the points follow what is left (54,000 / 36,000)
    orders = {order.vendor.name: order for order in checkout.orders.all()}
    alpha, bravo = orders["Alpha Store"], orders["Bravo Boutique"]
    assert (alpha.discount, bravo.discount) == (gnf(6000), gnf(4000))
    assert (alpha.points_redeemed, bravo.points_redeemed) == (540, 360)
    assert (alpha.points_discount, bravo.points_discount) == (gnf(540), gnf(360))
    assert (alpha.total, bravo.total) == (gnf(53460), gnf(35640))
    assert (checkout.promo_code, checkout.points_redeemed) == ("WELCOME10", 900)
    assert PromoCode.objects.get().uses_count == 1
    assert PromoRedemption.objects.get().reference == checkout.reference
    assert loyalty_balance(user=buyer) == 1100


def test_points_are_split_to_the_last_point_and_franc(buyer, kettle, scarf):
    third = ProductFactory(price=gnf(10000), stock=3)  # a third seller
    cart_with(buyer, (kettle, 1), (scarf, 1), (third, 1))
    loyalty_earn(user=buyer, amount_paid=gnf(10000), reference="ORD-EARLIER")

    preview = checkout_preview(buyer=buyer, lines=cart_summary(buyer.cart).orderable_lines, points=1000)

    assert sum(seller.points for seller in preview.sellers) == 1000
    assert preview.points_discount == gnf(1000)
    assert preview.total == gnf(69000)


def test_a_promo_that_is_used_up_writes_nothing(buyer, kettle):
    cart_with(buyer, (kettle, 1))
    PromoCodeFactory(code="ONCE", max_uses=1, uses_count=1)

    with pytest.raises(PromoError, match="used up"):
        checkout_for(buyer, promo_code="ONCE")
    assert nothing_written(buyer, {kettle.pk: 5}, lines=1)


def test_more_points_than_the_balance_writes_nothing(buyer, kettle):
    cart_with(buyer, (kettle, 1))
    loyalty_earn(user=buyer, amount_paid=gnf(1000), reference="ORD-EARLIER")  # 100 points

    with pytest.raises(LoyaltyError, match="You have 100 points."):
        checkout_for(buyer, points=101)
    assert nothing_written(buyer, {kettle.pk: 5}, lines=1)
    assert loyalty_balance(user=buyer) == 100


def test_points_worth_more_than_what_is_left_to_pay_are_refused(buyer, kettle):
    cart_with(buyer, (kettle, 1))
    loyalty_earn(user=buyer, amount_paid=gnf(300000), reference="ORD-EARLIER")  # 30,000 points

    with pytest.raises(LoyaltyError, match="more than the 20,000"):
        checkout_for(buyer, points=20001)
    order = checkout_for(buyer, points=20000).orders.get()
    assert order.total == gnf(0) and order.payment_status == "paid"


def test_the_placed_step_names_the_buyer(buyer, kettle):
    cart_with(buyer, (kettle, 1))
    order = checkout_for(buyer).orders.get()
    assert OrderStatusChange.objects.get(order=order).actor == buyer
