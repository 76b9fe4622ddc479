"""Favorites: the toggle (htmx and plain form), its rules, the favorites page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.catalog.models import Product
from apps.orders.favorites import FavoriteError, favorite_add, favorite_remove, favorite_toggle
from apps.orders.models import Favorite
from apps.vendors.models import Vendor
from tests.factories import ProductFactory, ProductImageFactory, UserFactory
from tests.shop.pages import HTMX, card, listed, text
from tests.shop.test_catalogue import HIDDEN

FAVORITES_URL = "/account/favorites/"


def _toggle_url(product) -> str:
    return reverse("orders:favorite-toggle", args=[product.pk])


@pytest.fixture
def buyer(db):
    return UserFactory(email="buyer@example.com")


@pytest.fixture
def radio(db):
    return ProductFactory(name="Radio")


# --- services


def test_toggle_adds_then_removes(buyer, radio):
    assert favorite_toggle(user=buyer, product_id=radio.pk) is True
    assert Favorite.objects.filter(user=buyer, product=radio).exists()

    assert favorite_toggle(user=buyer, product_id=radio.pk) is False
    assert not Favorite.objects.exists()


def test_adding_or_removing_twice_is_the_same_as_once(buyer, radio):
    favorite_add(user=buyer, product_id=radio.pk)
    favorite_add(user=buyer, product_id=radio.pk)
    assert Favorite.objects.filter(user=buyer, product=radio).count() == 1

    favorite_remove(user=buyer, product_id=radio.pk)
    favorite_remove(user=buyer, product_id=radio.pk)
    assert not Favorite.objects.exists()


@pytest.mark.parametrize("state", list(HIDDEN))
def test_only_products_for_sale_can_become_favorites(buyer, state):
    product = ProductFactory(**HIDDEN[state])

    with pytest.raises(FavoriteError, match="This product is no longer available."):
        favorite_toggle(user=buyer, product_id=product.pk)
    with pytest.raises(FavoriteError):
        favorite_add(user=buyer, product_id=product.pk + 1000)  # no such product
    assert not Favorite.objects.exists()


def test_a_favorite_that_is_no_longer_for_sale_can_still_be_removed(buyer, radio):
    favorite_add(user=buyer, product_id=radio.pk)
    Product.objects.filter(pk=radio.pk).update(is_active=False)

    assert favorite_toggle(user=buyer, product_id=radio.pk) is False
    assert not Favorite.objects.exists()


# --- the toggle endpoint


def test_signing_in_is_needed(client, radio):
    plain = client.post(_toggle_url(radio), {"favorite": "1", "next": "/shop/"})
    htmx = client.post(_toggle_url(radio), {"favorite": "1", "next": "/shop/"}, **HTMX)
    page = client.get(FAVORITES_URL)

    assert plain.status_code == 302 and plain["Location"] == "/accounts/login/?next=/shop/"
    assert htmx["HX-Redirect"] == "/accounts/login/?next=/shop/"  # the whole page goes to the sign-in form
    assert page.status_code == 302 and page["Location"].startswith("/accounts/login/")
    assert not Favorite.objects.exists()


def test_the_toggle_only_answers_post(client, buyer, radio):
    client.force_login(buyer)

    assert client.get(_toggle_url(radio)).status_code == 405


def test_htmx_gets_the_button_back_showing_the_new_state(client, buyer, radio):
    client.force_login(buyer)

    response = client.post(_toggle_url(radio), {"favorite": "1", "next": "/shop/?q=radio"}, **HTMX)

    html = response.content.decode()
    assert html.strip().startswith('<form class="favorite-toggle"') and "<html" not in html
    assert 'aria-pressed="true"' in html
    assert '<input type="hidden" name="favorite" value="0">' in html  # the next tap removes it
    assert '<input type="hidden" name="next" value="/shop/?q=radio">' in html
    assert Favorite.objects.filter(user=buyer, product=radio).exists()


def test_a_repeated_tap_asks_for_the_same_state_and_does_not_undo_itself(client, buyer, radio):
    client.force_login(buyer)

    for _ in range(2):
        client.post(_toggle_url(radio), {"favorite": "1"}, **HTMX)
    assert Favorite.objects.filter(user=buyer, product=radio).count() == 1

    for _ in range(2):
        response = client.post(_toggle_url(radio), {"favorite": "0"}, **HTMX)
    assert not Favorite.objects.exists()
    assert 'aria-pressed="false"' in response.content.decode()


def test_without_a_state_the_endpoint_toggles(client, buyer, radio):
    client.force_login(buyer)

    client.post(_toggle_url(radio), {"favorite": "junk"})
    assert Favorite.objects.count() == 1
    client.post(_toggle_url(radio))
    assert Favorite.objects.count() == 0


def test_a_plain_post_goes_back_to_the_page_with_a_message(client, buyer, radio):
    client.force_login(buyer)

    response = client.post(_toggle_url(radio), {"favorite": "1", "next": "/shop/?q=radio"}, follow=True)

    assert response.redirect_chain == [("/shop/?q=radio", 302)]
    assert "Radio is in your favorites." in text(response)


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "",
                                      "/\\evil.example/"])
def test_next_never_leads_to_another_site(client, buyer, radio, next_url):
    client.force_login(buyer)

    response = client.post(_toggle_url(radio), {"favorite": "1", "next": next_url})

    assert response["Location"] == FAVORITES_URL


def test_a_product_no_longer_for_sale_is_refused_with_a_message(client, buyer):
    # a favorite the buyer kept (hidden ones never kept are "not found": tests/security/test_hidden_products.py)
    pending = ProductFactory(name="Pending", moderation_status=Product.Moderation.PENDING)
    Favorite.objects.create(user=buyer, product=pending)
    client.force_login(buyer)

    htmx = client.post(_toggle_url(pending), {"favorite": "1", "next": "/shop/"}, **HTMX)
    plain = client.post(_toggle_url(pending), {"favorite": "1", "next": "/shop/"}, follow=True)

    assert 'role="alert">This product is no longer available.</p>' in htmx.content.decode()
    assert 'aria-pressed="false"' in htmx.content.decode()
    assert "This product is no longer available." in text(plain)
    assert Favorite.objects.count() == 1


def test_an_unknown_product_is_404(client, buyer):
    client.force_login(buyer)

    assert client.post("/favorites/999999/toggle/", {"favorite": "1"}).status_code == 404
    assert not Favorite.objects.exists()


# --- the favorites page


def test_the_page_lists_the_buyers_favorites_newest_first_and_flags_those_gone(client, buyer, radio):
    kettle = ProductFactory(name="Kettle")
    ProductImageFactory(product=kettle)
    gone = ProductFactory(name="Gone lamp", vendor__name="Closed shop")
    for product in (radio, gone, kettle):
        favorite_add(user=buyer, product_id=product.pk)
    Vendor.objects.filter(pk=gone.vendor_id).update(status=Vendor.Status.SUSPENDED)
    favorite_add(user=UserFactory(), product_id=ProductFactory(name="Someone else's").pk)
    client.force_login(buyer)

    response = client.get(FAVORITES_URL)

    assert listed(response) == ["Kettle", "Radio"]  # the cards one can still buy
    assert "Someone else" not in text(response)
    gone_card = re.search(r'<li class="card product-card product-card--gone">.*?</li>', response.content.decode(),
                          re.S).group(0)
    assert "Gone lamp" in gone_card and "No longer available" in gone_card
    assert f'action="{_toggle_url(gone)}"' in gone_card  # it can still be removed
    assert 'aria-pressed="true"' in card(response, "Kettle") and "<img src=" in card(response, "Kettle")
    names = re.findall(r'<h3 class="product-card__name">(?:<a [^>]+>)?([^<]+)', response.content.decode())
    assert names == ["Kettle", "Gone lamp", "Radio"]


def test_an_empty_favorites_page_explains_how_to_add_some(client, buyer):
    client.force_login(buyer)

    assert "You have no favorites yet." in text(client.get(FAVORITES_URL))


def test_the_favorites_page_costs_the_same_queries_for_2_and_20_favorites(client, buyer):
    client.force_login(buyer)

    def queries_for(count: int) -> int:
        Favorite.objects.all().delete()
        for _ in range(count):
            product = ProductFactory()
            ProductImageFactory(product=product)
            favorite_add(user=buyer, product_id=product.pk)
        with CaptureQueriesContext(connection) as queries:
            assert len(listed(client.get(FAVORITES_URL))) == count
        return len(queries)

    assert queries_for(2) == queries_for(20)


# --- concurrency


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_double_tap_at_the_same_moment_makes_one_favorite(run_concurrently):
    buyer = UserFactory()
    radio = ProductFactory()

    outcomes = run_concurrently(lambda _i: favorite_add(user=buyer, product_id=radio.pk), 8)

    assert [outcome for outcome in outcomes if isinstance(outcome, Exception)] == []
    assert Favorite.objects.filter(user=buyer, product=radio).count() == 1
