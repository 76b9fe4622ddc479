"""The checkout page: sign-in first, delivery, payment, promo and points, errors next to their fields."""

import pytest
from djmoney.money import Money

from apps.catalog.models import Product
from apps.geo.models import Address, Prefecture, Region
from apps.loyalty.services import loyalty_earn
from apps.orders.models import CartItem, Checkout, Order
from apps.promotions.models import PromoRedemption
from tests.factories import ProductFactory, PromoCodeFactory, UserFactory, address_for, cart_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer(client):
    user = UserFactory(email="mariam@example.com", full_name="Mariam Sylla", phone="+224 620 11 22 33")
    client.force_login(user)
    return user


@pytest.fixture
def kettle(vendor_a):
    return ProductFactory(vendor=vendor_a, name="Blue kettle", price=Money(20000, "GNF"), stock=5)


@pytest.fixture
def scarf(vendor_b):
    return ProductFactory(vendor=vendor_b, name="Red scarf", price=Money(40000, "GNF"), stock=5)


def form_data(buyer, **overrides):
    """What the page posts for the buyer's cart as shown: home delivery to their first address, cash."""
    items = [str(pk) for pk in CartItem.objects.filter(cart__user=buyer).values_list("pk", flat=True)]
    address = buyer.addresses.first()
    return {"items": items, "delivery_mode": "home", "address": str(address.pk) if address else "new",
            "payment_method": "cash_on_delivery", "commission_payer": "customer", "promo_code": "", "points": "",
            "action": "place", **overrides}


def new_address(**overrides):
    prefecture = Prefecture.objects.get(code="gn-conakry-conakry")
    return {"address-full_name": "Awa Camara", "address-phone": "+224 621 00 00 00",
            "address-region": str(prefecture.region_id), "address-prefecture": str(prefecture.pk),
            "address-street": "Route du Niger", "address-landmark": "", **overrides}


def test_guests_are_sent_to_sign_in_and_come_back(client):
    response = client.get("/checkout/")
    assert response.status_code == 302 and response.url == "/accounts/login/?next=/checkout/"


def test_an_empty_cart_goes_back_to_the_cart(client, buyer):
    response = client.get("/checkout/")
    assert response.status_code == 302 and response.url == "/cart/"


def test_the_page_shows_a_summary_per_seller_and_every_choice(client, buyer, kettle, scarf):
    cart_with(buyer, (kettle, 2), (scarf, 1))
    address_for(buyer)
    loyalty_earn(user=buyer, amount_paid=Money(5000, "GNF"), reference="ORD-EARLIER")

    body = client.get("/checkout/").content.decode()

    assert "Alpha Store" in body and "Bravo Boutique" in body and "80,000" in body
    assert "Cash on delivery" in body and 'value="sandbox"' in body
    assert "Pickup at the store" in body and "A new address" in body and "Rue KA-020" in body
    assert "Who pays the delivery commission?" in body
    assert "You have 500 points, worth 500" in body
    assert "Your cart becomes 2 orders, one per seller" in body


def test_placing_with_cash_on_delivery_shows_the_orders(client, buyer, kettle, scarf,
                                                         django_capture_on_commit_callbacks):
    cart_with(buyer, (kettle, 2), (scarf, 1))
    address_for(buyer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/checkout/", form_data(buyer))

    checkout = Checkout.objects.get()
    assert response.status_code == 302 and response.url == f"/checkout/{checkout.reference}/done/"
    done = client.get(response.url).content.decode()
    for order in checkout.orders.all():
        assert order.reference in done and f"/account/orders/{order.reference}/" in done
    assert "Thank you, your order is placed" in done and "2 orders, one per seller" in done


def test_the_done_page_is_only_the_buyers(client, buyer, kettle):
    cart_with(buyer, (kettle, 1))
    address_for(buyer)
    client.post("/checkout/", form_data(buyer))
    checkout = Checkout.objects.get()

    client.force_login(UserFactory())
    assert client.get(f"/checkout/{checkout.reference}/done/").status_code == 404


def test_a_new_address_is_validated_field_by_field_and_nothing_is_written(client, buyer, kettle):
    cart_with(buyer, (kettle, 1))
    boke = Region.objects.get(code="gn-boke")

    response = client.post("/checkout/", form_data(buyer, **new_address(**{
        "address-phone": "call me", "address-region": str(boke.pk), "address-street": ""})))

    body = response.content.decode()
    assert response.status_code == 200
    assert "at least 7 digits" in body and "This prefecture is not in the chosen region." in body
    assert "This field is required." in body and "Complete the new address below." in body
    assert not Address.objects.exists() and not Checkout.objects.exists()


def test_a_new_address_is_saved_with_the_order(client, buyer, kettle):
    cart_with(buyer, (kettle, 1))

    client.post("/checkout/", form_data(buyer, **new_address()))

    address = Address.objects.get(user=buyer)
    assert Order.objects.get().address == address and address.full_name == "Awa Camara"


def test_pickup_needs_no_address(client, buyer, kettle):
    cart_with(buyer, (kettle, 1))

    response = client.post("/checkout/", form_data(buyer, delivery_mode="pickup", address="new"))

    assert response.status_code == 302
    assert Order.objects.get().delivery_mode == "pickup" and not Address.objects.exists()


@pytest.mark.parametrize("field, value, message", [
    ("delivery_mode", "drone", "Select a valid choice"),
    ("payment_method", "cheque", "Select a valid choice"),
    ("points", "lots", "Enter a whole number."),
    ("points", "-5", "greater than or equal to 0"),
    ("address", "999999", "Select a valid choice"),
])
def test_junk_answers_get_a_message_and_write_nothing(client, buyer, kettle, field, value, message):
    cart_with(buyer, (kettle, 1))
    address_for(buyer)

    response = client.post("/checkout/", form_data(buyer, **{field: value}))

    assert response.status_code == 200 and message in response.content.decode()
    assert not Checkout.objects.exists()


def test_a_line_sold_out_meanwhile_is_named_and_nothing_is_written(client, buyer, kettle, scarf):
    cart_with(buyer, (kettle, 3), (scarf, 1))
    address_for(buyer)
    data = form_data(buyer)
    Product.objects.filter(pk=kettle.pk).update(stock=2)

    response = client.post("/checkout/", data)

    body = response.content.decode()
    assert response.status_code == 200 and "Your cart has changed since this page was shown" in body
    assert not Checkout.objects.exists() and Product.objects.get(pk=kettle.pk).stock == 2


def test_apply_shows_the_promo_discount_without_placing(client, buyer, kettle, scarf):
    cart_with(buyer, (kettle, 3), (scarf, 1))
    PromoCodeFactory(code="WELCOME10", percent_off="10.00")

    response = client.post("/checkout/", form_data(buyer, promo_code="welcome10", action="apply"),
                           headers={"HX-Request": "true"})

    body = response.content.decode()
    assert 'id="checkout-discounts"' in body and 'hx-swap-oob="true"' in body and "<html" not in body
    assert "WELCOME10: −10,000" in body and "90,000" in body
    assert not Checkout.objects.exists() and not PromoRedemption.objects.exists()


def test_apply_without_javascript_shows_the_whole_page_without_delivery_errors(client, buyer, kettle):
    cart_with(buyer, (kettle, 1))
    PromoCodeFactory(code="WELCOME10", percent_off="10.00")

    response = client.post("/checkout/", form_data(buyer, promo_code="WELCOME10", action="apply", address="new"))

    body = response.content.decode()
    assert "<html" in body and "WELCOME10: −2,000" in body
    assert "errorlist" not in body and not Checkout.objects.exists()


def test_a_bad_promo_code_is_explained_next_to_its_field(client, buyer, kettle):
    cart_with(buyer, (kettle, 1))
    address_for(buyer)

    applied = client.post("/checkout/", form_data(buyer, promo_code="NOPE", action="apply"),
                          headers={"HX-Request": "true"})
    placed = client.post("/checkout/", form_data(buyer, promo_code="NOPE"))

    for response in (applied, placed):
        body = response.content.decode()
        assert "does not exist or is no longer active" in body.split('id="error-promo_code"')[1][:300]
    assert not Checkout.objects.exists()


def test_points_are_checked_against_the_balance(client, buyer, kettle):
    cart_with(buyer, (kettle, 1))
    address_for(buyer)
    loyalty_earn(user=buyer, amount_paid=Money(1000, "GNF"), reference="ORD-EARLIER")

    too_many = client.post("/checkout/", form_data(buyer, points="101"))
    applied = client.post("/checkout/", form_data(buyer, points="100", action="apply"),
                          headers={"HX-Request": "true"})

    assert "You have 100 points." in too_many.content.decode().split('id="error-points"')[1][:200]
    assert "100 points" in applied.content.decode() and "19,900" in applied.content.decode()
    assert not Checkout.objects.exists()


def test_choosing_a_region_narrows_the_prefectures(client, buyer):
    boke = Region.objects.get(code="gn-boke")

    response = client.get("/checkout/", {"address-region": boke.pk},
                          headers={"HX-Request": "true", "HX-Trigger-Name": "address-region"})

    body = response.content.decode()
    assert body.startswith("<select") and 'id="id_address-prefecture"' in body
    assert "Boffa" in body and "Kankan" not in body


def test_without_a_region_the_prefectures_are_grouped_by_region(client, buyer, kettle):
    cart_with(buyer, (kettle, 1))
    body = client.get("/checkout/").content.decode()
    assert '<optgroup label="Boké">' in body and '<optgroup label="Conakry">' in body
