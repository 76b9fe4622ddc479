"""The product page: pictures, price, stock, details, seller, reviews, add to cart; 404 when not for sale."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from djmoney.money import Money

from apps.catalog.models import Product, ServiceCategory
from apps.reviews.models import Review
from tests.factories import ProductFactory, ProductImageFactory, ServiceCategoryFactory, UserFactory, order_for
from tests.shop.pages import text
from tests.shop.test_catalogue import HIDDEN


def _review(product, *, rating=4, text="", full_name="Mariam Sylla", **fields) -> Review:
    buyer = UserFactory(full_name=full_name)
    order = order_for(product.vendor, buyer=buyer, status="delivered", lines=[(product, 1)])
    return Review.objects.create(product=product, buyer=buyer, order_item=order.items.get(), rating=rating,
                                 text=text, **fields)


@pytest.fixture
def phone(db):
    electronics = ServiceCategory.objects.get(slug="electronics")
    return ProductFactory(
        name="Tecno Spark 20", slug="tecno-spark-20", brand="Tecno", colour="Gravity Black",
        category=ServiceCategoryFactory(name="Phones", slug="phones", parent=electronics),
        description="A big screen.\n\nTwo days of battery.", attributes={"storage": "128 GB", "sim": "Dual"},
        price=Money(1_450_000, "GNF"), stock=12, vendor__name="Madina Market", vendor__slug="madina-market",
        rating_average=Decimal("4.50"), rating_count=2)


def test_the_page_shows_the_product_its_seller_and_details(client, phone):
    response = client.get("/shop/tecno-spark-20/")

    assert response.status_code == 200
    page = text(response)
    assert "Shop Electronics Phones Tecno Spark 20" in page  # breadcrumbs through the category tree
    assert "Tecno Spark 20 Sold by Madina Market" in page
    assert 'Sold by <a href="/shop/stores/madina-market/">Madina Market</a>' in response.content.decode()
    assert "4.5 (2 ratings)" in page
    assert "1,450,000 GNF In stock" in page
    assert "Brand Tecno Colour Gravity Black Category Phones" in page
    assert "Details Sim Dual Storage 128 GB" in page  # by name: PostgreSQL keeps no key order
    assert "<p>A big screen.</p>\n\n<p>Two days of battery.</p>" in response.content.decode()


def test_the_first_picture_is_large_and_the_others_are_thumbnails_linking_to_the_full_picture(client, phone):
    first = ProductImageFactory(product=phone, sort_order=0, alt_text="Front")
    second = ProductImageFactory(product=phone, sort_order=1, alt_text="Back")
    third = ProductImageFactory(product=phone, sort_order=2, alt_text="")

    html = client.get(phone.get_absolute_url()).content.decode()

    main = re.search(r'<a class="product-detail__main-image" href="([^"]+)">\s*<img src="([^"]+)" alt="([^"]*)"', html)
    assert main.groups() == (first.image.url, first.thumbnail.url, "Front")
    thumbs = re.findall(r'<li><a href="([^"]+)"><img src="([^"]+)" alt="([^"]*)" width="96" height="96" '
                        r'loading="lazy"', html)
    assert thumbs == [(second.image.url, second.thumbnail.url, "Back"),
                      (third.image.url, third.thumbnail.url, "Tecno Spark 20")]


def test_the_add_to_cart_form_allows_up_to_the_stock(client, phone):
    html = client.get(phone.get_absolute_url()).content.decode()

    cart_add = reverse("orders:cart-add", args=[phone.pk])
    form = re.search(rf'<form class="product-detail__buy" method="post" action="{cart_add}".*?</form>', html, re.S)
    assert form
    assert re.search(r'<input type="number" name="quantity" id="id_quantity" value="1" min="1" max="12"'
                     r' inputmode="numeric" required>', form.group(0))
    assert 'name="csrfmiddlewaretoken"' in form.group(0)
    assert "disabled" not in form.group(0)


def test_a_sold_out_product_cannot_be_added_to_the_cart(client, phone):
    Product.objects.filter(pk=phone.pk).update(stock=0)

    response = client.get(phone.get_absolute_url())

    form = re.search(r'<form class="product-detail__buy".*?</form>', response.content.decode(), re.S).group(0)
    assert "required disabled>" in form and 'type="submit" disabled>Add to cart' in form
    assert "Out of stock" in text(response)


def test_reviews_show_the_first_name_the_rating_and_the_sellers_reply(client, phone):
    _review(phone, rating=5, text="Great phone", full_name="Mariam Sylla", seller_reply="Thank you Mariam!",
            replied_at=timezone.now())
    _review(phone, rating=3, text="", full_name="")

    response = client.get(phone.get_absolute_url())

    page = text(response)
    html = response.content.decode()
    assert "Mariam" in page and "Sylla" not in page  # the first name only, and never the e-mail
    assert "A buyer" in page and "@example.com" not in html
    assert "Great phone Reply from Madina Market Thank you Mariam!" in page
    assert 'class="stars stars--10" role="img" aria-label="Rated 5 out of 5"' in html
    assert 'aria-label="Rated 3 out of 5"' in html


def test_reviews_come_ten_a_page_newest_first(client, phone):
    reviews = [_review(phone, text=f"Review number {index}") for index in range(12)]
    for age, review in enumerate(reversed(reviews)):
        Review.objects.filter(pk=review.pk).update(created_at=timezone.now() - timedelta(hours=age))

    first = text(client.get(phone.get_absolute_url()))
    second = client.get(phone.get_absolute_url(), {"reviews": "2"})

    assert "Review number 11" in first and "Review number 2 " in first and "Review number 1 " not in first
    assert "Review number 1 " in text(second) and "Review number 0" in text(second)
    assert "Review number 2 " not in text(second)
    assert 'href="?reviews=1#reviews"' in second.content.decode()


def test_a_product_without_reviews_says_so(client, phone):
    assert "No reviews yet." in text(client.get(phone.get_absolute_url()))


@pytest.mark.parametrize("state", list(HIDDEN))
def test_the_page_is_404_when_the_product_is_not_for_sale(client, db, state):
    product = ProductFactory(slug="hidden-product", **HIDDEN[state])

    assert client.get(product.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("path", ["/shop/no-such-product/", "/shop/tecno-spark-20x/", "/shop/%2e%2e/",
                                  "/shop/tecno-spark-20/extra/", "/shop/tecno spark/"])
def test_unknown_or_crafted_urls_are_404(client, phone, path):
    assert client.get(path).status_code == 404


def test_junk_review_page_numbers_never_fail(client, phone):
    for page in ("abc", "-1", "99999", "%00"):
        assert client.get(f"{phone.get_absolute_url()}?reviews={page}").status_code == 200


def test_the_page_costs_the_same_queries_with_one_picture_and_review_or_many(client, db):
    buyer = UserFactory()
    client.force_login(buyer)

    def queries_for(count: int) -> int:
        product = ProductFactory()
        for index in range(count):
            ProductImageFactory(product=product, sort_order=index)
            _review(product, text=f"Review {index}", seller_reply="Thanks")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(product.get_absolute_url()).status_code == 200
        return len(queries)

    assert queries_for(1) == queries_for(8)

