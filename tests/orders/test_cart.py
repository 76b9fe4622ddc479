"""The cart: guests and members, what may go in, stock caps, and the merge at sign-in."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from djmoney.money import Money

from apps.orders.cart import CartError, cart_add, cart_merge, cart_summary
from apps.orders.context_processors import cart_count
from apps.orders.models import Cart, CartItem
from tests.factories import PASSWORD, ProductFactory, UserFactory, cart_with

pytestmark = pytest.mark.django_db


def add(client, product, quantity=1, **extra):
    return client.post(f"/cart/add/{product.pk}/", {"quantity": quantity, **extra})


@pytest.fixture
def kettle(vendor_a):
    return ProductFactory(vendor=vendor_a, name="Blue kettle", price=Money(50000, "GNF"), stock=5)


def test_a_guest_cart_lives_with_the_session(client, kettle):
    response = add(client, kettle, 2)

    assert response.status_code == 302
    cart = Cart.objects.get()
    assert cart.user is None and cart.session_key
    assert list(cart.items.values_list("product__name", "quantity")) == [("Blue kettle", 2)]
    body = client.get("/cart/").content.decode()
    assert "Blue kettle" in body and "100,000" in body


def test_adding_again_adds_up_and_is_capped_at_the_stock(client, kettle):
    add(client, kettle, 3)
    add(client, kettle, 4)

    assert CartItem.objects.get().quantity == 5
    page = client.get("/cart/").content.decode()
    assert "Only 5 &#x27;Blue kettle&#x27; left: your cart holds 5." in page


@pytest.mark.parametrize("change", [
    {"moderation_status": "pending"},
    {"moderation_status": "rejected"},
    {"is_active": False},
])
def test_a_crafted_add_of_a_product_buyers_cannot_see_is_refused_and_writes_nothing(client, kettle, change):
    for field, value in change.items():
        setattr(kettle, field, value)
    kettle.save()

    response = add(client, kettle)
    htmx = client.post(f"/cart/add/{kettle.pk}/", {"quantity": 1}, headers={"HX-Request": "true"})

    assert response.status_code == 302
    assert "This product is not for sale." in client.get(response["Location"]).content.decode()
    assert "This product is not for sale." in htmx.content.decode()
    assert not Cart.objects.exists() and not CartItem.objects.exists()


def test_a_suspended_sellers_product_cannot_be_added(client, kettle, vendor_a):
    vendor_a.status = "suspended"
    vendor_a.save()

    add(client, kettle)

    assert not CartItem.objects.exists()


@pytest.mark.parametrize("quantity", ["abc", "0", "-3", "1000000"])
def test_a_junk_quantity_is_refused(client, kettle, quantity):
    response = client.post(f"/cart/add/{kettle.pk}/", {"quantity": quantity}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert "cart-added--error" in response.content.decode()
    assert not CartItem.objects.exists()


def test_an_unknown_product_is_refused(client):
    response = client.post("/cart/add/999999/", {"quantity": 1}, headers={"HX-Request": "true"})
    assert "This product is not for sale." in response.content.decode()
    assert not Cart.objects.exists()


def test_the_htmx_answer_is_a_small_fragment_with_the_cart_count(client, kettle, vendor_b):
    add(client, ProductFactory(vendor=vendor_b), 2)

    response = client.post(f"/cart/add/{kettle.pk}/", {"quantity": 1}, headers={"HX-Request": "true"})

    body = response.content.decode()
    assert "Added" in body and "View cart (3)" in body and 'id="cart-count"' in body
    assert "<html" not in body and len(body) < 600


def test_the_redirect_back_never_leaves_the_site(client, kettle):
    assert add(client, kettle, next="/shop/").url == "/shop/"
    assert add(client, kettle, next="https://evil.example/").url == "/cart/"
    assert add(client, kettle, next="//evil.example/").url == "/cart/"


def test_totals_are_recomputed_from_current_prices(client, kettle):
    add(client, kettle, 2)
    kettle.sale_price = Money(40000, "GNF")
    kettle.sale_starts_at = timezone.now() - timedelta(hours=1)
    kettle.save()

    summary = cart_summary(Cart.objects.get())

    assert summary.total == Money(80000, "GNF")
    assert "80,000" in client.get("/cart/").content.decode()


def test_the_cart_page_groups_lines_by_seller_with_subtotals(client, kettle, vendor_b):
    add(client, kettle, 1)
    add(client, ProductFactory(vendor=vendor_b, name="Red scarf", price=Money(20000, "GNF")), 3)

    summary = cart_summary(Cart.objects.get())
    body = client.get("/cart/").content.decode()

    assert [(g.vendor.name, g.subtotal) for g in summary.groups] == [
        ("Alpha Store", Money(50000, "GNF")), ("Bravo Boutique", Money(60000, "GNF"))]
    assert summary.total == Money(110000, "GNF")
    assert body.index("Sold by Alpha Store") < body.index("Blue kettle") < body.index("Sold by Bravo Boutique")
    assert "110,000" in body


def test_lines_that_cannot_be_ordered_are_flagged_and_left_out_of_the_total(client, kettle, vendor_b):
    scarf = ProductFactory(vendor=vendor_b, name="Red scarf", stock=10)
    add(client, kettle, 4)
    add(client, scarf, 1)
    kettle.stock = 2
    kettle.save()
    scarf.is_active = False
    scarf.save()

    summary = cart_summary(Cart.objects.get())
    body = client.get("/cart/").content.decode()

    assert [line.problem for line in summary.lines] == [
        "Only 2 'Blue kettle' left.", "'Red scarf' is no longer available."]
    assert summary.orderable_lines == [] and summary.total == Money(0, "GNF")
    assert "Only 2 &#x27;Blue kettle&#x27; left." in body and "no longer available" in body
    assert "Take the 2 left" in body and "Go to checkout" not in body


def test_the_empty_cart_says_so(client):
    body = client.get("/cart/").content.decode()
    assert "Your cart is empty." in body and "/shop/" in body
    assert not Cart.objects.exists()  # looking creates nothing


def test_plus_and_minus_answer_htmx_with_the_cart_fragment(client, kettle):
    add(client, kettle, 2)
    item = CartItem.objects.get()

    response = client.post(f"/cart/items/{item.pk}/", {"quantity": 3}, headers={"HX-Request": "true"})

    body = response.content.decode()
    assert response.status_code == 200 and 'id="cart"' in body and "<html" not in body
    assert 'hx-swap-oob="true">3</span>' in body  # the header count follows
    item.refresh_from_db()
    assert item.quantity == 3


def test_a_plain_post_updates_and_comes_back_to_the_cart(client, kettle):
    add(client, kettle, 2)
    item = CartItem.objects.get()

    response = client.post(f"/cart/items/{item.pk}/", {"quantity": 9})

    assert response.status_code == 302 and response.url == "/cart/"
    item.refresh_from_db()
    assert item.quantity == 5  # capped at the stock
    assert "Only 5" in client.get("/cart/").content.decode()


def test_remove_takes_the_line_out(client, kettle):
    add(client, kettle, 2)
    item = CartItem.objects.get()

    client.post(f"/cart/items/{item.pk}/", {"quantity": 0}, headers={"HX-Request": "true"})

    assert not CartItem.objects.exists()


@pytest.mark.parametrize("quantity", ["", "abc", "-1", "1000000"])
def test_a_junk_quantity_update_changes_nothing(client, kettle, quantity):
    add(client, kettle, 2)
    item = CartItem.objects.get()

    response = client.post(f"/cart/items/{item.pk}/", {"quantity": quantity}, headers={"HX-Request": "true"})

    assert response.status_code == 200 and 'class="errorlist"' in response.content.decode()
    item.refresh_from_db()
    assert item.quantity == 2


def test_someone_elses_line_cannot_be_changed(client, kettle):
    other = cart_with(UserFactory(), (kettle, 1))
    theirs = other.items.get()
    add(client, kettle, 2)

    changed = client.post(f"/cart/items/{theirs.pk}/", {"quantity": 3}, headers={"HX-Request": "true"})
    client.post(f"/cart/items/{theirs.pk}/", {"quantity": 0}, headers={"HX-Request": "true"})

    assert "no longer in your cart" in changed.content.decode()
    assert CartItem.objects.filter(pk=theirs.pk, quantity=1).exists()


def test_signing_in_merges_the_guest_cart_capped_by_stock(client, kettle, vendor_b):
    # given a member whose cart already holds 4 kettles
    member = UserFactory(email="kadi@example.com")
    scarf = ProductFactory(vendor=vendor_b, name="Red scarf", stock=10)
    cart_with(member, (kettle, 4))
    # and a guest cart with 3 kettles and 2 scarves
    add(client, kettle, 3)
    add(client, scarf, 2)

    # when the guest goes to checkout and signs in
    login = client.get("/checkout/")
    assert login.status_code == 302 and login.url == "/accounts/login/?next=/checkout/"
    signed_in = client.post(login.url, {"login": "kadi@example.com", "password": PASSWORD})

    # then the lines add up, capped at the stock, in the member's one cart
    assert signed_in.status_code == 302 and signed_in.url == "/checkout/"
    assert Cart.objects.count() == 1
    assert dict(member.cart.items.values_list("product__name", "quantity")) == {"Blue kettle": 5, "Red scarf": 2}
    assert "Only 5 &#x27;Blue kettle&#x27; left" in client.get("/checkout/", follow=True).content.decode()


def test_merging_is_idempotent_and_caps_at_the_stock(kettle):
    member, guest = UserFactory(), Cart.objects.create(session_key="guest-token")
    user_cart = cart_with(member, (kettle, 1))
    CartItem.objects.create(cart=guest, product=kettle, quantity=7)

    notices = cart_merge(session_cart=guest, user_cart=user_cart)
    again = cart_merge(session_cart=guest, user_cart=user_cart)

    assert notices == ["Only 5 'Blue kettle' left: your cart holds 5."] and again == []
    assert list(user_cart.items.values_list("quantity", flat=True)) == [5]
    assert not Cart.objects.filter(session_key="guest-token").exists()


def test_a_guest_cart_becomes_the_members_cart_when_they_have_none(client, kettle):
    member = UserFactory(email="new@example.com")
    add(client, kettle, 2)

    client.post("/accounts/login/", {"login": "new@example.com", "password": PASSWORD})

    assert list(member.cart.items.values_list("quantity", flat=True)) == [2]
    assert Cart.objects.count() == 1


def test_cart_add_service_refuses_a_zero_quantity_and_an_out_of_stock_product(kettle):
    cart = Cart.objects.create(session_key="k")
    with pytest.raises(CartError, match="at least 1"):
        cart_add(cart=cart, product_id=kettle.pk, quantity=0)
    kettle.stock = 0
    kettle.save()
    with pytest.raises(CartError, match="out of stock"):
        cart_add(cart=cart, product_id=kettle.pk, quantity=1)
    assert not CartItem.objects.exists()


def test_the_cart_page_runs_the_same_queries_for_2_and_20_lines(client, vendor_a, vendor_b):
    member = UserFactory()
    client.force_login(member)
    cart_with(member, *[(ProductFactory(vendor=vendor_a), 1), (ProductFactory(vendor=vendor_b), 1)])

    with CaptureQueriesContext(connection) as two:
        assert client.get("/cart/").status_code == 200
    cart_with(member, *[(ProductFactory(vendor=vendor), 1) for vendor in [vendor_a, vendor_b] * 9])
    with CaptureQueriesContext(connection) as twenty:
        body = client.get("/cart/").content.decode()

    assert body.count('id="line-') == 20
    assert len(twenty) == len(two)


def test_the_header_count_is_one_query(kettle, django_assert_num_queries):
    member = UserFactory()
    cart_with(member, (kettle, 3))
    request = RequestFactory().get("/")
    request.user = member

    context = cart_count(request)
    with django_assert_num_queries(1):
        assert str(context["cart_count"]) == "3"
