"""A store's page: who it is, how its products are rated, its products with the shop's filters."""

from decimal import Decimal

import pytest
from djmoney.money import Money

from apps.vendors.models import Vendor
from tests.factories import ProductFactory, VendorFactory
from tests.shop.pages import HTMX, category_nav, listed, text
from tests.shop.test_catalogue import HIDDEN


@pytest.fixture
def store(db):
    return VendorFactory(name="Madina Market", slug="madina-market", description="Electronics from Madina.",
                         contact_email="hello@madina.example", contact_phone="+224 620 00 00 02",
                         address="Marché de Madina, Conakry")


def test_the_store_page_shows_the_store_and_only_its_visible_products(client, store):
    ProductFactory(name="Radio", vendor=store)
    ProductFactory(name="Kettle", vendor=store)
    ProductFactory(name="Elsewhere", vendor=VendorFactory())
    for state, fields in HIDDEN.items():
        if state != "suspended vendor":
            ProductFactory(name=f"Hidden {state}", vendor=store, **fields)

    response = client.get("/shop/stores/madina-market/")

    assert response.status_code == 200
    page = text(response)
    assert "Shop Madina Market Madina Market" in page
    assert "Electronics from Madina. Phone +224 620 00 00 02 E-mail hello@madina.example" in page
    assert "Address Marché de Madina, Conakry" in page
    assert 'href="tel:+224620000002"' in response.content.decode()
    assert sorted(listed(response)) == ["Kettle", "Radio"]
    assert "Products from Madina Market" in page and "2 products" in page


def test_the_store_rating_is_the_average_over_its_products_weighted_by_their_ratings(client, store):
    ProductFactory(vendor=store, rating_average=Decimal("5.00"), rating_count=3)
    ProductFactory(vendor=store, rating_average=Decimal("3.00"), rating_count=1)
    ProductFactory(vendor=store)  # not rated yet: does not count
    ProductFactory(vendor=store, rating_average=Decimal("1.00"), rating_count=50, is_active=False)  # not for sale

    response = client.get("/shop/stores/madina-market/")

    # (5 x 3 + 3 x 1) / 4 = 4.5
    assert "4.5 (4 ratings over its products)" in text(response)
    assert 'aria-label="Rated 4.5 out of 5"' in response.content.decode()


def test_a_store_without_ratings_says_so(client, store):
    ProductFactory(vendor=store)

    assert "No ratings yet" in text(client.get("/shop/stores/madina-market/"))


def test_the_stores_filters_and_categories_cover_its_own_products_only(client, store):
    ProductFactory(name="Tecno phone", vendor=store, brand="Tecno", price=Money(900_000, "GNF"))
    ProductFactory(name="Itel phone", vendor=store, brand="Itel", price=Money(300_000, "GNF"))
    ProductFactory(name="Other store's phone", brand="Samsung")

    response = client.get("/shop/stores/madina-market/", {"max_price": "500000"})
    html = response.content.decode()

    assert listed(response) == ["Itel phone"]
    assert '<option value="Tecno">' in html and "Samsung" not in html
    assert category_nav(response).startswith("Categories All products 2 ")
    form = '<form class="shop-filters" method="get" action="/shop/stores/madina-market/"'
    assert form in html and 'hx-get="/shop/stores/madina-market/"' in html


def test_an_htmx_request_on_the_store_page_gets_the_results_fragment_only(client, store):
    ProductFactory(name="Radio", vendor=store)

    response = client.get("/shop/stores/madina-market/", {"q": "radio"}, **HTMX)

    html = response.content.decode()
    assert listed(response) == ["Radio"]
    assert "<html" not in html and "store-header" not in html


def test_a_suspended_store_is_404(client, store):
    ProductFactory(vendor=store)
    Vendor.objects.filter(pk=store.pk).update(status=Vendor.Status.SUSPENDED)

    assert client.get("/shop/stores/madina-market/").status_code == 404
    assert client.get("/shop/stores/madina-market/", **HTMX).status_code == 404


@pytest.mark.parametrize("path", ["/shop/stores/no-such-store/", "/shop/stores/", "/shop/stores/madina market/"])
def test_unknown_stores_are_404(client, store, path):
    assert client.get(path).status_code == 404
