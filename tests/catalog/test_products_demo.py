"""seed_demo's products and past orders: a believable shop, and a second run changes nothing."""

from collections import Counter
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from management.demo_products import PRODUCTS, order_day_weight, seed_demo_orders, seed_demo_products
from apps.catalog.models import Product, ProductImage
from apps.orders.models import Order, OrderItem, OrderStatusChange
from tests.factories import UserFactory, VendorFactory

DEMO_VENDORS = ("kaloum-auto", "madina-market", "ratoma-digital")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def demo_vendors(db):
    return [VendorFactory(slug=slug) for slug in DEMO_VENDORS]


@pytest.fixture
def buyers(db):
    return [UserFactory(email=f"customer{i}@example.com") for i in (1, 2, 3)]


@pytest.fixture
def seeded(demo_vendors, buyers):
    seed_demo_products()
    seed_demo_orders(buyers=buyers)


def _snapshot():
    return [sorted(map(repr, model.objects.values())) for model in (Product, ProductImage, Order, OrderItem)]


def test_the_demo_catalogue_is_large_varied_and_mostly_on_sale(seeded):
    products = Product.objects.select_related("vendor", "category")

    assert products.count() == len(PRODUCTS) >= 60
    assert set(products.values_list("vendor__slug", flat=True)) == set(DEMO_VENDORS)
    statuses = Counter(products.values_list("moderation_status", flat=True))
    assert statuses["pending"] == 8 and statuses["rejected"] == 2
    assert all(p.rejection_reason for p in products.filter(moderation_status="rejected"))
    low = [p for p in products if p.stock <= p.low_stock_threshold]
    assert 4 <= len(low) <= 12 and sum(p.stock == 0 for p in products) >= 2
    assert sum(p.on_sale() for p in products) >= 5
    assert any(p.sale_price and not p.on_sale() for p in products)  # a sale that has not started yet
    assert all(p.price.currency.code == "GNF" and p.price.amount >= 10_000 for p in products)
    assert len({p.brand for p in products}) >= 20 and all(p.attributes or p.colour for p in products)


def test_every_demo_product_has_a_photo_and_a_thumbnail(seeded):
    images = ProductImage.objects.all()

    assert images.count() == Product.objects.count()
    for image in images:
        assert image.image.storage.exists(image.image.name) and image.thumbnail.storage.exists(image.thumbnail.name)


def test_a_year_of_past_orders_with_seasons_and_growth(seeded):
    orders = Order.objects.all()
    now = timezone.now()

    assert 600 <= orders.count() <= 1200
    assert set(orders.values_list("status", flat=True)) == {"completed", "delivered", "cancelled"}
    assert orders.filter(created_at__lt=now - timedelta(days=366)).count() == 0
    assert orders.filter(created_at__gt=now).count() == 0
    assert set(orders.values_list("buyer__email", flat=True)) == {
        "customer1@example.com", "customer2@example.com", "customer3@example.com"}
    # busier days (weekends, December, the days before Eid and Tabaski, later in the year) get more orders
    today = timezone.localdate()
    days = [today - timedelta(days=365 - i) for i in range(365)]
    weights = sorted(((order_day_weight(day, i), day) for i, day in enumerate(days)), key=lambda pair: pair[0])
    per_day = Counter(timezone.localtime(order.created_at).date() for order in orders)

    def mean(pairs):
        return sum(per_day[day] for _weight, day in pairs) / len(pairs)

    assert mean(weights[-90:]) > 2 * mean(weights[:90])
    assert sum(per_day[day] for day in days if day.month == 12) > 0


def test_the_demo_seasons(db):
    wednesday_in_november, wednesday_in_december = date(2026, 11, 11), date(2026, 12, 9)
    assert order_day_weight(wednesday_in_december, 200) > 1.5 * order_day_weight(wednesday_in_november, 200)
    assert order_day_weight(date(2026, 11, 14), 200) > 1.3 * order_day_weight(wednesday_in_november, 200)  # a Saturday
    a_week_before_tabaski = date(2026, 5, 20)
    assert order_day_weight(a_week_before_tabaski, 200) > 1.5 * order_day_weight(date(2026, 4, 22), 200)
    assert order_day_weight(wednesday_in_november, 364) > 2 * order_day_weight(wednesday_in_november, 0)  # growth


def test_past_orders_are_priced_from_their_products_and_have_a_timeline(seeded):
    for item in OrderItem.objects.select_related("product", "order")[:200]:
        assert item.unit_price == item.product.price and item.line_total == item.unit_price * item.quantity
        assert item.product.vendor_id == item.order.vendor_id
    order = Order.objects.filter(status="completed").annotate(steps=Count("timeline")).first()
    assert order.steps == 4 and order.total == order.subtotal + order.delivery_fee
    assert order.created_at == order.timeline.first().created_at == order.checkout.created_at
    cancelled = Order.objects.filter(status="cancelled").first()
    assert cancelled.cancel_reason and cancelled.payment_status == "on_delivery"
    assert OrderStatusChange.objects.filter(to_status="placed").count() == Order.objects.count()


def test_seeding_twice_changes_nothing_the_second_time(demo_vendors, buyers):
    assert seed_demo_products() == len(PRODUCTS)
    assert seed_demo_orders(buyers=buyers) > 0
    before = _snapshot()

    assert seed_demo_products() == 0
    assert seed_demo_orders(buyers=buyers) == 0
    assert _snapshot() == before


def test_no_past_orders_are_invented_for_vendors_that_already_sell(demo_vendors):
    from tests.factories import order_for

    seed_demo_products()
    order_for(demo_vendors[0])

    assert seed_demo_orders(buyers=[UserFactory()]) == 0
    assert Order.objects.count() == 1


def test_seeding_without_the_demo_vendors_names_what_is_missing(db):
    VendorFactory(slug="kaloum-auto")

    with pytest.raises(LookupError, match="madina-market, ratoma-digital"):
        seed_demo_products()
    assert not Product.objects.exists()


def test_the_seed_demo_command_adds_products_and_past_orders_of_the_demo_customers(db, settings):
    settings.DEBUG = True

    call_command("seed_demo", stdout=StringIO())

    assert Product.objects.visible().count() == len(PRODUCTS) - 10
    assert Product.objects.exclude(moderation_status="pending").filter(moderated_by__email="manager@comptoir.local"
                                                                      ).count() == len(PRODUCTS) - 8
    assert set(Order.objects.values_list("buyer__email", flat=True)) == {
        "customer1@comptoir.local", "customer2@comptoir.local", "customer3@comptoir.local"}
