from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.catalog.models import LowStockAlert
from apps.catalog.stock_alerts import low_stock_alerts_send, products_low_on_stock
from apps.catalog.tasks import send_low_stock_alerts
from apps.notifications.models import EmailLog
from apps.vendors.models import Vendor
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db
DAY = date(2026, 3, 2)


def low_stock_mails():
    return EmailLog.objects.filter(kind="catalog.low_stock")


# --- selector
def test_selector_lists_active_products_at_or_below_threshold_lowest_stock_first(vendor_a):
    # given
    at_threshold = ProductFactory(vendor=vendor_a, name="Beans", stock=5, low_stock_threshold=5)
    ProductFactory(vendor=vendor_a, name="Above", stock=6, low_stock_threshold=5)
    empty = ProductFactory(vendor=vendor_a, name="Rice", stock=0, low_stock_threshold=2)
    pending = ProductFactory(vendor=vendor_a, name="Apples", stock=5, low_stock_threshold=5, moderation_status="pending")
    ProductFactory(vendor=vendor_a, name="Switched off", stock=0, low_stock_threshold=5, is_active=False)
    # when / then
    assert list(products_low_on_stock()) == [empty, pending, at_threshold]


def test_selector_filters_by_vendor_in_a_constant_number_of_queries(vendor_a, vendor_b):
    ProductFactory(vendor=vendor_a, stock=1)
    theirs = ProductFactory(vendor=vendor_b, stock=1)
    assert list(products_low_on_stock(vendor_ids=[vendor_b.pk])) == [theirs]

    def names():
        with CaptureQueriesContext(connection) as queries:
            [product.vendor.name for product in products_low_on_stock()]
        return len(queries)

    few = names()
    ProductFactory.create_batch(5, vendor=vendor_b, stock=0)
    assert names() == few == 1


# --- alerts
def test_alert_lists_the_vendors_low_products_in_one_email_per_address(vendor_a, seller_a):
    # given
    ProductFactory(vendor=vendor_a, name="Beans", stock=2, low_stock_threshold=5)
    ProductFactory(vendor=vendor_a, name="Rice", stock=0, low_stock_threshold=5)
    ProductFactory(vendor=vendor_a, name="Plenty", stock=50, low_stock_threshold=5)
    # when
    alerted = low_stock_alerts_send(day=DAY)
    # then
    assert alerted == 2
    assert sorted(low_stock_mails().values_list("to", flat=True)) == sorted([vendor_a.contact_email, seller_a.email])
    body = low_stock_mails().first().body_text
    assert "Beans: 2 left (threshold 5)" in body and "Rice: 0 left" in body and "Plenty" not in body
    assert LowStockAlert.objects.filter(day=DAY).count() == 2


def test_running_twice_the_same_day_sends_one_email_and_no_duplicate_rows(vendor_a, mailoutbox,
                                                                           django_capture_on_commit_callbacks):
    vendor_a.contact_email = "shop@alpha.example"
    vendor_a.save()
    ProductFactory(vendor=vendor_a, stock=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_low_stock_alerts() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert send_low_stock_alerts() == 0
    assert LowStockAlert.objects.count() == 1
    assert [mail.to for mail in mailoutbox] == [["shop@alpha.example"]]


def test_a_product_running_low_later_the_same_day_gets_its_own_email(vendor_a):
    ProductFactory(vendor=vendor_a, name="Beans", stock=1)
    low_stock_alerts_send(day=DAY)
    ProductFactory(vendor=vendor_a, name="Rice", stock=1)

    assert low_stock_alerts_send(day=DAY) == 1

    latest = low_stock_mails().filter(to=vendor_a.contact_email).order_by("pk").last()
    assert "Rice" in latest.body_text and "Beans" not in latest.body_text


def test_the_next_day_alerts_again(vendor_a):
    ProductFactory(vendor=vendor_a, stock=1)
    assert low_stock_alerts_send(day=DAY) == 1
    assert low_stock_alerts_send(day=DAY + timedelta(days=1)) == 1
    assert LowStockAlert.objects.count() == 2
    assert low_stock_mails().filter(to=vendor_a.contact_email).count() == 2


def test_threshold_boundary(vendor_a):
    at = ProductFactory(vendor=vendor_a, stock=5, low_stock_threshold=5)
    ProductFactory(vendor=vendor_a, stock=6, low_stock_threshold=5)
    assert low_stock_alerts_send(day=DAY) == 1
    assert list(LowStockAlert.objects.values_list("product", flat=True)) == [at.pk]


def test_inactive_products_and_suspended_vendors_are_not_alerted(vendor_a, vendor_b):
    ProductFactory(vendor=vendor_a, stock=0, is_active=False)
    ProductFactory(vendor=vendor_b, stock=0)
    Vendor.objects.filter(pk=vendor_b.pk).update(status=Vendor.Status.SUSPENDED)
    assert low_stock_alerts_send(day=DAY) == 0
    assert not low_stock_mails().exists()


def test_each_vendor_hears_only_about_its_own_products(vendor_a, vendor_b):
    ProductFactory(vendor=vendor_a, name="Alpha beans", stock=0)
    ProductFactory(vendor=vendor_b, name="Bravo rice", stock=0)
    assert low_stock_alerts_send(day=DAY) == 2
    body_a = low_stock_mails().get(to=vendor_a.contact_email).body_text
    assert "Alpha beans" in body_a and "Bravo rice" not in body_a


# --- seller dashboard
def test_seller_dashboard_lists_only_their_low_stock_products(client, vendor_a, vendor_b, seller_a):
    # given
    mine = ProductFactory(vendor=vendor_a, name="Alpha beans", stock=1, low_stock_threshold=3)
    ProductFactory(vendor=vendor_b, name="Bravo rice", stock=0)
    client.force_login(seller_a)
    # when
    page = client.get(reverse("admin:index")).content.decode()
    # then
    assert "Stock at or below threshold" in page
    assert "Alpha beans" in page and reverse("admin:catalog_product_change", args=[mine.pk]) in page
    assert "Bravo rice" not in page


def test_seller_dashboard_empty_state(client, vendor_a, seller_a):
    ProductFactory(vendor=vendor_a, stock=50)
    client.force_login(seller_a)
    assert "No product is running low." in client.get(reverse("admin:index")).content.decode()


def test_platform_dashboard_has_no_low_stock_table(client, administrator, vendor_a):
    ProductFactory(vendor=vendor_a, name="Alpha beans", stock=0)
    client.force_login(administrator)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Stock at or below threshold" not in page and "Alpha beans" not in page


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_alert_each_product_once(run_concurrently, vendor_a):
    ProductFactory.create_batch(3, vendor=vendor_a, stock=0)

    outcomes = run_concurrently(lambda _i: low_stock_alerts_send(day=DAY), 5)

    assert sorted(outcomes) == [0, 0, 0, 0, 3]
    assert LowStockAlert.objects.count() == 3
    assert low_stock_mails().count() == 1  # vendor_a has a contact e-mail and no members


def test_seller_dashboard_shows_the_lowest_products_and_counts_the_rest(client, vendor_a, seller_a):
    ProductFactory(vendor=vendor_a, name="Last of all", stock=4)
    ProductFactory.create_batch(20, vendor=vendor_a, stock=0)
    client.force_login(seller_a)
    page = client.get(reverse("admin:index")).content.decode()
    assert "The 20 lowest of 21 products are shown." in page and "Last of all" not in page
