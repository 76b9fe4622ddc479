from datetime import timedelta

import pytest
from django.contrib import admin
from django.utils import timezone
from django.db import connection
from django.test.utils import CaptureQueriesContext
from djmoney.money import Money

from apps.orders.models import Checkout, Order, OrderItem
from tests.factories import ProductFactory, UserFactory, order_for

Status = Order.Status
pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/orders/order/"


def _page(order):
    return f"/admin/orders/order/{order.pk}"


def test_seller_lists_only_their_vendors_orders_with_status_lines_total_and_method(client, seller_a, vendor_a,
                                                                                     vendor_b):
    product = ProductFactory(vendor=vendor_a)
    mine = order_for(vendor_a, buyer=UserFactory(full_name="Mariama Sow"), lines=[(product, 1), (ProductFactory(
        vendor=vendor_a), 2)], total=Money(150000, "GNF"))
    theirs = order_for(vendor_b)
    client.force_login(seller_a)
    body = client.get(CHANGELIST).content.decode()
    assert mine.reference in body and "Mariama Sow" in body and "Placed" in body and "Cash on delivery" in body
    assert "Home delivery" in body
    assert theirs.reference not in body


# unfold's date range filter compares a DateTimeField with naive midnights; the range itself is right
@pytest.mark.filterwarnings("ignore:DateTimeField Order.created_at received a naive datetime")
def test_changelist_filters_and_search(client, seller_a, vendor_a):
    cash = order_for(vendor_a, buyer=UserFactory(email="kadiatou@example.com"))
    online = order_for(vendor_a, payment_method="sandbox", payment_status=Order.PaymentStatus.PAID,
                       status=Status.CONFIRMED, delivery_mode=Order.DeliveryMode.PICKUP)
    client.force_login(seller_a)

    def listed(query):
        response = client.get(CHANGELIST + query)
        assert response.status_code == 200
        return {order.pk for order in response.context["cl"].result_list}

    assert listed("?payment_method=sandbox") == {online.pk}
    assert listed("?payment_method=cash_on_delivery") == {cash.pk}
    assert listed("?status__exact=confirmed") == {online.pk}
    assert listed("?delivery_mode__exact=pickup") == {online.pk}
    assert listed("?payment_status__exact=paid") == {online.pk}
    assert listed("?q=kadiatou") == {cash.pk}
    assert listed(f"?q={online.reference}") == {online.pk}
    assert listed("?created_at_from=2000-01-01&created_at_to=2001-01-01") == set()
    today = timezone.localdate()
    assert listed(f"?created_at_from={today:%Y-%m-%d}&created_at_to={today + timedelta(days=1):%Y-%m-%d}") == {
        cash.pk, online.pk}


def test_changelist_costs_the_same_queries_at_10_and_100_rows(client, monkeypatch, seller_a, vendor_a):
    # given more than 100 orders, each with two lines and its own buyer
    products = [ProductFactory(vendor=vendor_a), ProductFactory(vendor=vendor_a)]
    for _ in range(105):
        order_for(vendor_a, lines=[(products[0], 1), (products[1], 3)])
    client.force_login(seller_a)
    client.get(CHANGELIST)  # process-wide caches (content types) filled once

    def queries(per_page):
        monkeypatch.setattr(admin.site._registry[Order], "list_per_page", per_page)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(CHANGELIST)
        assert len(response.context["cl"].result_list) == per_page
        return len(captured)

    assert queries(10) == queries(100)
    # and no COUNT over the whole table on the way
    with CaptureQueriesContext(connection) as captured:
        client.get(CHANGELIST)
    assert not [q["sql"] for q in captured if "COUNT(" in q["sql"].upper() and '"orders_order"' in q["sql"]
                and "orders_orderitem" not in q["sql"]]


def test_detail_shows_lines_timeline_address_and_totals(client, seller_a, vendor_a):
    product = ProductFactory(vendor=vendor_a, name="Shea butter 500 g", price=Money(35000, "GNF"))
    order = order_for(vendor_a, lines=[(product, 3)], delivery_fee=Money(10000, "GNF"))
    client.force_login(seller_a)
    body = client.get(f"{_page(order)}/change/").content.decode()
    assert "Shea butter 500 g" in body and "105,000" in body and "115,000" in body
    assert "Timeline" in body and "Rue KA-020, near the Kaloum market" in body and "Cash on delivery" in body


def test_detail_offers_only_the_moves_open_from_the_current_status(client, seller_a, vendor_a):
    placed = order_for(vendor_a)
    ready = order_for(vendor_a, status=Status.READY)
    pickup_ready = order_for(vendor_a, status=Status.READY, delivery_mode=Order.DeliveryMode.PICKUP)
    client.force_login(seller_a)

    def actions(order):
        body = client.get(f"{_page(order)}/change/").content.decode()
        names = ("confirm", "mark_ready", "dispatch", "mark_delivered", "complete", "cancel", "invoice")
        return {name for name in names if f'href="{_page(order)}/{name}/"' in body}

    assert actions(placed) == {"confirm", "cancel", "invoice"}
    assert actions(ready) == {"dispatch", "cancel", "invoice"}
    assert actions(pickup_ready) == {"mark_delivered", "cancel", "invoice"}


def test_seller_confirms_then_marks_ready_through_the_action_pages(client, seller_a, vendor_a):
    order = order_for(vendor_a)
    client.force_login(seller_a)
    assert client.get(f"{_page(order)}/confirm/").status_code == 200
    response = client.post(f"{_page(order)}/confirm/", {"note": "We have it in stock"}, follow=True)
    assert f"{order.reference}: Confirm." in response.content.decode()
    client.post(f"{_page(order)}/mark_ready/", {"note": ""})
    order.refresh_from_db()
    assert order.status == Status.READY
    assert [(c.to_status, c.actor, c.note) for c in order.timeline.all()][1:] == [
        (Status.CONFIRMED, seller_a, "We have it in stock"), (Status.READY, seller_a, "")]


def test_a_move_no_longer_open_is_reported_not_raised(client, seller_a, vendor_a):
    order = order_for(vendor_a, status=Status.DELIVERED)
    client.force_login(seller_a)
    response = client.post(f"{_page(order)}/dispatch/", {"note": ""}, follow=True)
    body = response.content.decode()
    assert response.status_code == 200 and "is delivered and cannot become out for delivery" in body
    assert Order.objects.get(pk=order.pk).status == Status.DELIVERED


def test_cancel_asks_for_a_reason_then_cancels(client, seller_a, vendor_a):
    order = order_for(vendor_a, status=Status.CONFIRMED)
    client.force_login(seller_a)
    response = client.post(f"{_page(order)}/cancel/", {"note": ""})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert Order.objects.get(pk=order.pk).status == Status.CONFIRMED
    client.post(f"{_page(order)}/cancel/", {"note": "Supplier could not deliver"})
    order.refresh_from_db()
    assert order.status == Status.CANCELLED and order.cancel_reason == "Supplier could not deliver"


def test_seller_cannot_act_on_or_download_another_sellers_order(client, seller_a, vendor_b):
    theirs = order_for(vendor_b)
    client.force_login(seller_a)
    for action in ("confirm", "cancel", "invoice"):
        assert client.get(f"{_page(theirs)}/{action}/").status_code in (403, 404)
        assert client.post(f"{_page(theirs)}/{action}/", {"note": "mine now"}).status_code in (403, 404)
    assert Order.objects.get(pk=theirs.pk).status == Status.PLACED


def test_bulk_confirm_moves_the_placed_ones_and_reports_the_others(client, seller_a, vendor_a):
    first, second = order_for(vendor_a), order_for(vendor_a)
    done = order_for(vendor_a, status=Status.COMPLETED)
    client.force_login(seller_a)
    selected = [first.pk, second.pk, done.pk]
    response = client.post(CHANGELIST, {"action": "confirm_selected", "_selected_action": selected, "index": "0"},
                           follow=True)
    body = response.content.decode()
    assert f"{first.reference} updated." in body and "is completed and cannot become confirmed" in body
    assert set(Order.objects.filter(status=Status.CONFIRMED).values_list("pk", flat=True)) == {first.pk, second.pk}
    client.post(CHANGELIST, {"action": "ready_selected", "_selected_action": [first.pk], "index": "0"})
    assert Order.objects.get(pk=first.pk).status == Status.READY


def test_nothing_is_added_edited_deleted_or_imported_by_hand(client, seller_a, vendor_a, administrator):
    order = order_for(vendor_a)
    for user in (seller_a, administrator):
        client.force_login(user)
        assert client.get("/admin/orders/order/add/").status_code == 403
        assert client.get(f"{_page(order)}/delete/").status_code == 403
        assert client.get("/admin/orders/order/import/").status_code == 403
        client.post(f"{_page(order)}/change/", {"status": "completed", "total_0": "1", "total_1": "GNF"})
    order.refresh_from_db()
    assert order.status == Status.PLACED and Checkout.objects.count() == 1 and OrderItem.objects.count() == 1
