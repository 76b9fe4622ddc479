"""The seller's delivery choice in the admin (order page actions), and the delivery admin pages by role."""

import pytest
from djmoney.money import Money

from apps.delivery.models import Delivery
from apps.geo.models import Neighbourhood
from apps.orders.models import Order
from tests.factories import CourierFactory, DeliveryFactory, UserFactory, home_order_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def store(vendor_a):
    vendor_a.pickup_neighbourhood = Neighbourhood.objects.get(code="gn-conakry-kaloum-almamya")
    vendor_a.save()
    return vendor_a


def _page(order, action="change"):
    return f"/admin/orders/order/{order.pk}/{action}/"


def _actions(client, order):
    body = client.get(_page(order)).content.decode()
    return {name for name in ("choose_delivery", "withdraw_delivery", "dispatch")
            if f'href="/admin/orders/order/{order.pk}/{name}/"' in body}


def test_the_delivery_action_is_offered_for_confirmed_or_ready_home_orders_only(client, seller_a, store):
    client.force_login(seller_a)
    assert "choose_delivery" in _actions(client, home_order_for(store, status="confirmed"))
    assert "choose_delivery" in _actions(client, home_order_for(store, status="ready"))
    assert "choose_delivery" not in _actions(client, home_order_for(store, status="placed"))
    assert "choose_delivery" not in _actions(client, home_order_for(store, status="ready", delivery_mode="pickup"))


def test_the_form_explains_the_commission_and_who_pays(client, seller_a, store):
    cash = home_order_for(store)
    online = home_order_for(store, payment_method="sandbox", payment_status="paid")
    client.force_login(seller_a)
    cash_page = client.get(_page(cash, "choose_delivery")).content.decode()
    assert " km from your pickup point to the buyer" in cash_page and "The buyer pays" in cash_page
    assert "paid online, so your store pays" in client.get(_page(online, "choose_delivery")).content.decode()


def test_without_a_pickup_location_the_form_says_what_to_fix(client, seller_a, vendor_a):
    order = home_order_for(vendor_a)
    client.force_login(seller_a)
    assert "no pickup location yet" in client.get(_page(order, "choose_delivery")).content.decode()
    response = client.post(_page(order, "choose_delivery"), {"mode": "marketplace"}, follow=True)
    assert "no pickup location yet" in response.content.decode()
    assert not Delivery.objects.exists()


def test_the_seller_publishes_to_the_marketplace_with_a_bonus(client, seller_a, store):
    order = home_order_for(store)
    client.force_login(seller_a)
    response = client.post(_page(order, "choose_delivery"), {"mode": "marketplace", "bonus": "1000"}, follow=True)
    assert response.redirect_chain[-1][0] == _page(order)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.bonus) == ("open", Money(1000, "GNF"))
    body = response.content.decode()
    assert "Open to couriers" in body and "Kaloum → Ratoma" in body  # the read-only delivery block on the order
    assert _actions(client, order) == {"choose_delivery", "withdraw_delivery", "dispatch"}


@pytest.mark.parametrize(("data", "message"), [
    ({"mode": "courier"}, "Choose the courier who delivers this order."),
    ({"mode": "marketplace", "bonus": "-5"}, "A bonus cannot be negative."),
    ({"mode": "teleport"}, "Select a valid choice."),
])
def test_bad_choices_are_explained_next_to_the_field(client, seller_a, store, data, message):
    order = home_order_for(store)
    client.force_login(seller_a)
    response = client.post(_page(order, "choose_delivery"), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Delivery.objects.exists()


def test_the_seller_picks_a_courier_among_couriers(client, seller_a, store):
    courier = CourierFactory(user__full_name="Ousmane Keita").user
    order = home_order_for(store)
    client.force_login(seller_a)
    page = client.get(_page(order, "choose_delivery")).content.decode()
    assert "Ousmane Keita · Motorbike · Available" in page and f'<option value="{seller_a.pk}"' not in page
    response = client.post(_page(order, "choose_delivery"), {"mode": "courier", "courier": courier.pk}, follow=True)
    assert Delivery.objects.get().deliverer == courier
    assert courier.courier_profile.phone in response.content.decode()  # the seller can call the courier


def test_the_seller_delivers_personally(client, seller_a, store):
    order = home_order_for(store)
    client.force_login(seller_a)
    client.post(_page(order, "choose_delivery"), {"mode": "personal", "bonus": "500"})
    delivery = Delivery.objects.get()
    assert (delivery.mode, delivery.deliverer, delivery.bonus.amount, delivery.commission.amount) == (
        "personal", seller_a, 0, 0)


def test_a_published_job_is_withdrawn(client, seller_a, store):
    order = home_order_for(store)
    client.force_login(seller_a)
    client.post(_page(order, "choose_delivery"), {"mode": "marketplace"})
    unticked = client.post(_page(order, "withdraw_delivery"), {"confirm": ""})
    assert "Tick the box to withdraw the delivery." in unticked.content.decode()
    assert Delivery.objects.get().status == "open"
    response = client.post(_page(order, "withdraw_delivery"), {"confirm": "on"}, follow=True)
    assert "Withdraw the delivery." in response.content.decode()
    assert Delivery.objects.get().status == "cancelled"
    assert Order.objects.get().total == order.subtotal


def test_out_for_delivery_with_an_untaken_job_is_refused_with_a_message(client, seller_a, store):
    order = home_order_for(store)
    client.force_login(seller_a)
    client.post(_page(order, "choose_delivery"), {"mode": "marketplace"})
    response = client.post(_page(order, "dispatch"), {"note": ""}, follow=True)
    assert "No courier has accepted this job yet" in response.content.decode()
    assert Order.objects.get().status == "ready"


def test_another_sellers_order_cannot_be_published(client, seller_a, vendor_b):
    theirs = home_order_for(vendor_b)
    client.force_login(seller_a)
    for action in ("choose_delivery", "withdraw_delivery"):
        assert client.get(_page(theirs, action)).status_code in (403, 404)
        assert client.post(_page(theirs, action), {"mode": "personal"}).status_code in (403, 404)
    assert not Delivery.objects.exists()


# --- the delivery admin pages


def test_sellers_view_their_deliveries_but_change_nothing(client, seller_a, vendor_a):
    delivery = DeliveryFactory(vendor=vendor_a)
    client.force_login(seller_a)
    assert delivery.order.reference in client.get("/admin/delivery/delivery/").content.decode()
    assert client.get(f"/admin/delivery/delivery/{delivery.pk}/change/").status_code == 200
    assert client.post(f"/admin/delivery/delivery/{delivery.pk}/change/", {"status": "cancelled"}).status_code == 403
    assert client.get("/admin/delivery/delivery/add/").status_code == 403
    assert client.get("/admin/delivery/delivery/import/").status_code == 403
    for model in ("courierprofile", "courierearning", "courierrating"):
        assert client.get(f"/admin/delivery/{model}/").status_code == 403
    assert Delivery.objects.get().status == "open"


def test_managers_see_couriers_earnings_and_ratings_and_the_sidebar_lists_them(client, manager):
    CourierFactory(user__full_name="Ousmane Keita", phone="+224 621 99 99 99")
    client.force_login(manager)
    assert "+224 621 99 99 99" in client.get("/admin/delivery/courierprofile/").content.decode()
    for model in ("delivery", "courierearning", "courierrating"):
        assert client.get(f"/admin/delivery/{model}/").status_code == 200
    body = client.get("/admin/").content.decode()
    for link in ("/admin/delivery/delivery/", "/admin/delivery/courierprofile/", "/admin/delivery/courierearning/",
                 "/admin/delivery/courierrating/"):
        assert f'href="{link}"' in body


def test_the_seller_sidebar_has_deliveries_only(client, seller_a):
    client.force_login(seller_a)
    body = client.get("/admin/").content.decode()
    assert 'href="/admin/delivery/delivery/"' in body and 'href="/admin/delivery/courierprofile/"' not in body


def test_couriers_have_no_back_office(client):
    courier = CourierFactory().user
    client.force_login(courier)
    assert not courier.is_staff
    assert client.get("/admin/delivery/delivery/").status_code == 302  # to the admin sign-in
    assert not UserFactory(roles=["Courier"]).get_all_permissions()


def test_the_form_opens_on_what_is_arranged_now(client, seller_a, store):
    order = home_order_for(store)
    client.force_login(seller_a)
    client.post(_page(order, "choose_delivery"), {"mode": "marketplace", "bonus": "750"})
    form = client.get(_page(order, "choose_delivery")).context["form"]
    assert (form["mode"].value(), form["bonus"].value()) == ("marketplace", Money(750, "GNF").amount)
