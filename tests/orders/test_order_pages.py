import pytest
from django.urls import reverse
from djmoney.money import Money

from apps.orders.models import Order
from tests.factories import ProductFactory, UserFactory, order_for

Status = Order.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer(db):
    return UserFactory(email="fatou@example.com", full_name="Fatou Camara")


@pytest.fixture
def other_buyer(db):
    return UserFactory(email="ibrahima@example.com", full_name="Ibrahima Bah")


def _text(response) -> str:
    return response.content.decode().replace("\xa0", " ")  # prices never wrap: no-break spaces


def _url(name, order):
    return reverse(f"orders:{name}", kwargs={"reference": order.reference})


def test_pages_ask_to_sign_in(client, vendor_a, buyer):
    order = order_for(vendor_a, buyer=buyer)
    for response in (client.get(reverse("orders:order-list")), client.get(_url("order-detail", order)),
                     client.get(_url("order-invoice", order)), client.post(_url("order-cancel", order))):
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Order.objects.get(pk=order.pk).status == Status.PLACED


def test_list_shows_my_orders_with_status_and_total_and_not_someone_elses(client, vendor_a, vendor_b, buyer,
                                                                          other_buyer):
    mine = order_for(vendor_a, buyer=buyer, status=Status.OUT_FOR_DELIVERY, total=Money(185000, "GNF"))
    theirs = order_for(vendor_b, buyer=other_buyer)
    client.force_login(buyer)
    body = _text(client.get(reverse("orders:order-list")))
    assert mine.reference in body and "Out for delivery" in body and "185,000 GNF" in body
    assert vendor_a.name in body
    assert theirs.reference not in body and vendor_b.name not in body


def test_list_is_paginated_and_serves_its_fragment_to_htmx(client, vendor_a, buyer):
    product = ProductFactory(vendor=vendor_a)
    orders = [order_for(vendor_a, buyer=buyer, lines=[(product, 1)]) for _ in range(21)]
    client.force_login(buyer)
    first = _text(client.get(reverse("orders:order-list")))
    assert first.count('class="card order-card"') == 20 and "Page 1 of 2" in first
    fragment = client.get(reverse("orders:order-list") + "?page=2", headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and fragment.count('class="card order-card"') == 1
    assert orders[0].reference in fragment  # oldest last
    assert client.get(reverse("orders:order-list") + "?page=junk").status_code == 200


def test_empty_list_invites_to_shop(client, buyer):
    client.force_login(buyer)
    assert "You have no order yet." in _text(client.get(reverse("orders:order-list")))


def test_detail_shows_lines_totals_delivery_payment_and_timeline(client, vendor_a, buyer):
    # given a home-delivered order with a promo, points and a delivery commission
    product = ProductFactory(vendor=vendor_a, name="Bazin fabric, 5 m", price=Money(90000, "GNF"))
    order = order_for(vendor_a, buyer=buyer, lines=[(product, 2)], discount=Money(18000, "GNF"), points_redeemed=500,
                      points_discount=Money(500, "GNF"), delivery_fee=Money(15000, "GNF"))
    client.force_login(buyer)
    body = _text(client.get(_url("order-detail", order)))
    assert "Bazin fabric, 5 m" in body and "90,000 GNF each" in body and "180,000 GNF" in body
    assert "Promo discount" in body and "18,000 GNF" in body
    assert "Loyalty discount (500 points)" in body and "Delivery commission" in body and "15,000 GNF" in body
    assert "176,500 GNF" in body  # 180,000 - 18,000 - 500 + 15,000
    assert "Rue KA-020, near the Kaloum market" in body and "Cash on delivery" in body
    assert "Placed" in body and 'class="timeline"' in body
    assert _url("order-invoice", order) in body
    assert _url("order-cancel", order) in body and "Yes, cancel the order" in body


def test_pickup_order_shows_where_to_collect_it(client, vendor_a, buyer):
    vendor_a.address, vendor_a.contact_phone = "Marché Madina, stand 12", "+224 621 00 00 00"
    vendor_a.save()
    order = order_for(vendor_a, buyer=buyer, delivery_mode=Order.DeliveryMode.PICKUP, status=Status.READY)
    client.force_login(buyer)
    body = _text(client.get(_url("order-detail", order)))
    assert "Collect at" in body and "Marché Madina, stand 12" in body and "collect it at the store" in body


def test_no_cancel_button_once_confirmed_and_review_links_once_delivered(client, vendor_a, buyer):
    confirmed = order_for(vendor_a, buyer=buyer, status=Status.CONFIRMED)
    delivered = order_for(vendor_a, buyer=buyer, status=Status.DELIVERED)
    client.force_login(buyer)
    body = client.get(_url("order-detail", confirmed)).content.decode()
    assert _url("order-cancel", confirmed) not in body and "Review this product" not in body
    body = client.get(_url("order-detail", delivered)).content.decode()
    line = delivered.items.get()
    assert reverse("reviews:create", kwargs={"product_id": line.product_id}) in body


def test_another_buyers_order_does_not_exist_for_me(client, vendor_a, buyer, other_buyer):
    theirs = order_for(vendor_a, buyer=other_buyer)
    client.force_login(buyer)
    for response in (client.get(_url("order-detail", theirs)), client.get(_url("order-invoice", theirs)),
                     client.post(_url("order-cancel", theirs))):
        assert response.status_code == 404 and theirs.reference not in response.content.decode()
    assert Order.objects.get(pk=theirs.pk).status == Status.PLACED
    assert client.get("/account/orders/NOT-A-REF%00/").status_code == 404


def test_buyer_cancels_a_placed_order(client, vendor_a, buyer):
    order = order_for(vendor_a, buyer=buyer)
    client.force_login(buyer)
    response = client.post(_url("order-cancel", order), {"reason": "Ordered twice by mistake"}, follow=True)
    body = response.content.decode()
    assert response.redirect_chain[-1][0] == _url("order-detail", order)
    assert f"Order {order.reference} is cancelled." in body and "Ordered twice by mistake" in body
    assert "Cash on delivery · Nothing to pay" in body
    order.refresh_from_db()
    assert order.status == Status.CANCELLED and order.cancel_reason == "Ordered twice by mistake"


def test_cancelling_after_confirmation_explains_why_not(client, vendor_a, buyer):
    order = order_for(vendor_a, buyer=buyer, status=Status.CONFIRMED)
    client.force_login(buyer)
    body = client.post(_url("order-cancel", order), {"reason": ""}, follow=True).content.decode()
    assert "can no longer be cancelled here" in body and f"Contact {vendor_a.name}" in body
    assert Order.objects.get(pk=order.pk).status == Status.CONFIRMED


def test_a_too_long_reason_is_answered_next_to_the_field_and_nothing_changes(client, vendor_a, buyer):
    order = order_for(vendor_a, buyer=buyer)
    client.force_login(buyer)
    response = client.post(_url("order-cancel", order), {"reason": "x" * 501})
    body = response.content.decode()
    assert response.status_code == 400 and 'id="error-reason"' in body
    assert "at most 500 characters" in body and "<details class=\"order-cancel__confirm\" open>" in body
    assert Order.objects.get(pk=order.pk).status == Status.PLACED


def test_cancel_only_answers_post(client, vendor_a, buyer):
    order = order_for(vendor_a, buyer=buyer)
    client.force_login(buyer)
    assert client.get(_url("order-cancel", order)).status_code == 405
    assert Order.objects.get(pk=order.pk).status == Status.PLACED
