"""The shop's product list: what buyers see, search, filters, sort, pagination, htmx fragment, cost."""

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
from apps.vendors.models import Vendor
from tests.factories import ProductFactory, ProductImageFactory, ServiceCategoryFactory, UserFactory, VendorFactory
from tests.shop.pages import HTMX, card, category_nav, field_error, listed, text

LIST_URL = "/shop/"

HIDDEN = {
    "pending": {"moderation_status": Product.Moderation.PENDING},
    "rejected": {"moderation_status": Product.Moderation.REJECTED},
    "inactive": {"is_active": False},
    "suspended vendor": {"vendor__status": Vendor.Status.SUSPENDED},
}


def _category(slug: str) -> ServiceCategory:
    return ServiceCategory.objects.get(slug=slug)


def _aged(*products):
    """Creation dates one hour apart, oldest first, so "newest first" has a defined order."""
    for age, product in enumerate(reversed(products)):
        Product.objects.filter(pk=product.pk).update(created_at=timezone.now() - timedelta(hours=age))


# --- what is listed


def test_only_visible_products_are_listed_and_counted(client, db):
    ProductFactory(name="Visible radio", category=_category("electronics"))
    for state, fields in HIDDEN.items():
        ProductFactory(name=f"Hidden {state}", category=_category("electronics"), brand=f"Brand {state}", **fields)

    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert listed(response) == ["Visible radio"]
    assert "1 product" in text(response)
    # neither the category counts nor the brand choices give the hidden ones away
    assert "Electronics 1" in category_nav(response)
    assert "Brand " not in response.content.decode()


def test_newest_products_come_first_by_default(client, db):
    old, middle, new = ProductFactory(name="Old"), ProductFactory(name="Middle"), ProductFactory(name="New")
    _aged(old, middle, new)

    assert listed(client.get(LIST_URL)) == ["New", "Middle", "Old"]


def test_search_looks_in_name_brand_and_description_whatever_the_case(client, db):
    ProductFactory(name="Galaxy A15", brand="Samsung")
    ProductFactory(name="Spark 20", brand="Tecno", description="A big SAMSUNG-like screen")
    ProductFactory(name="Samsung charger", brand="Oraimo")
    ProductFactory(name="Kettle", brand="Philips")

    response = client.get(LIST_URL, {"q": "samsung"})

    assert sorted(listed(response)) == ["Galaxy A15", "Samsung charger", "Spark 20"]


def test_search_needs_every_word_and_puts_name_matches_first(client, db):
    in_description = ProductFactory(name="Power bank", description="Charges a phone in an hour")
    in_name = ProductFactory(name="Phone charger")
    ProductFactory(name="Phone case")  # has "phone", not "charge"
    _aged(in_name, in_description)  # the description match is newer, yet the name match comes first

    response = client.get(LIST_URL, {"q": "phone charge"})

    assert listed(response) == ["Phone charger", "Power bank"]


def test_category_filter_includes_subcategories(client, db):
    electronics = _category("electronics")
    phones = ServiceCategoryFactory(name="Phones", slug="phones", parent=electronics)
    ProductFactory(name="Radio", category=electronics)
    ProductFactory(name="Nokia 105", category=phones)
    ProductFactory(name="Ring", category=_category("jewelry"))

    response = client.get(LIST_URL, {"category": "electronics"})

    assert sorted(listed(response)) == ["Nokia 105", "Radio"]
    assert sorted(listed(client.get(LIST_URL, {"category": "phones"}))) == ["Nokia 105"]


def test_category_navigation_shows_the_tree_with_counts(client, db):
    electronics = _category("electronics")
    phones = ServiceCategoryFactory(name="Phones", slug="phones", parent=electronics)
    ProductFactory(category=electronics)
    ProductFactory.create_batch(2, category=phones)
    ProductFactory(category=_category("jewelry"))

    everything = client.get(LIST_URL)
    in_electronics = client.get(LIST_URL, {"category": "electronics"})

    # categories without products are left out; a parent counts its children's products
    assert category_nav(everything) == "Categories All products 4 Electronics 3 Jewelry 1"
    # the chosen branch opens on its subcategories, and is marked as the current page
    assert category_nav(in_electronics) == "Categories All products 4 Electronics 3 Phones 2 Jewelry 1"
    assert 'href="?category=electronics" aria-current="page"' in in_electronics.content.decode()
    assert "<title>Electronics · Shop · Comptoir</title>" in in_electronics.content.decode()


def test_brand_and_colour_filters_offer_what_is_on_sale(client, db):
    ProductFactory(name="Black Tecno", brand="Tecno", colour="Black")
    ProductFactory(name="Blue Tecno", brand="Tecno", colour="Blue")
    ProductFactory(name="Black Itel", brand="itel", colour="black")

    response = client.get(LIST_URL, {"brand": "Tecno", "colour": "Black"})

    assert listed(response) == ["Black Tecno"]
    html = response.content.decode()
    brands = re.findall(r'<option value="([^"]*)"', re.search(r'name="brand".*?</select>', html, re.S).group(0))
    colours = re.findall(r'<option value="([^"]*)"', re.search(r'name="colour".*?</select>', html, re.S).group(0))
    assert brands == ["", "itel", "Tecno"]
    assert colours == ["", "Black", "Blue"]  # "black" and "Black" are one colour
    assert sorted(listed(client.get(LIST_URL, {"colour": "Black"}))) == ["Black Itel", "Black Tecno"]
    # a filter in use opens the folded "More filters"
    assert '<details class="shop-filters__more" open>' in html


def test_in_stock_only_leaves_out_sold_out_products(client, db):
    ProductFactory(name="Available", stock=3)
    ProductFactory(name="Sold out", stock=0)

    assert sorted(listed(client.get(LIST_URL))) == ["Available", "Sold out"]
    assert listed(client.get(LIST_URL, {"in_stock": "on"})) == ["Available"]


def test_price_range_uses_the_price_paid_today_and_includes_its_bounds(client, db):
    for amount in (99_999, 100_000, 150_000, 200_000, 200_001):
        ProductFactory(name=f"At {amount}", price=Money(amount, "GNF"))
    # 250,000 on sale at 120,000 now: in the range; on sale next week only: out of it
    ProductFactory(name="On sale", price=Money(250_000, "GNF"), sale_price=Money(120_000, "GNF"),
                   sale_ends_at=timezone.now() + timedelta(days=1))
    ProductFactory(name="Sale next week", price=Money(250_000, "GNF"), sale_price=Money(120_000, "GNF"),
                   sale_starts_at=timezone.now() + timedelta(days=7))

    response = client.get(LIST_URL, {"min_price": "100 000", "max_price": "200000"})

    assert sorted(listed(response)) == ["At 100000", "At 150000", "At 200000", "On sale"]


def test_sorting_by_price_uses_the_price_paid_today(client, db):
    ProductFactory(name="Cheap", price=Money(50_000, "GNF"))
    ProductFactory(name="Dear", price=Money(900_000, "GNF"))
    ProductFactory(name="Dear but on sale", price=Money(800_000, "GNF"), sale_price=Money(10_000, "GNF"))

    assert listed(client.get(LIST_URL, {"sort": "price"})) == ["Dear but on sale", "Cheap", "Dear"]
    assert listed(client.get(LIST_URL, {"sort": "-price"})) == ["Dear", "Cheap", "Dear but on sale"]


def test_best_rated_first_and_unrated_last(client, db):
    ProductFactory(name="Unrated")
    ProductFactory(name="Good", rating_average=Decimal("4.20"), rating_count=10)
    ProductFactory(name="Great", rating_average=Decimal("4.80"), rating_count=3)
    ProductFactory(name="Good and popular", rating_average=Decimal("4.20"), rating_count=50)

    response = client.get(LIST_URL, {"sort": "rating"})

    assert listed(response) == ["Great", "Good and popular", "Good", "Unrated"]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"min_price": "abc"}, "min_price", "Enter a price as a number, for example 150000."),
        ({"max_price": "-5"}, "max_price", "A price cannot be negative."),
        ({"max_price": "9" * 20}, "max_price", "This price is too large."),
        ({"min_price": "500000", "max_price": "100000"}, "max_price",
         "The maximum price must be at least the minimum price."),
        ({"category": "no-such-category"}, "category", "Choose a category from the list."),
        ({"brand": "Nobrand"}, "brand", "Choose a brand from the list."),
        ({"colour": "Plaid"}, "colour", "Choose a colour from the list."),
        ({"sort": "cheapest"}, "sort", "Choose a sort order from the list."),
        ({"q": "x" * 101}, "q", "Ensure this value has at most 100 characters (it has 101)."),
    ],
)
def test_bad_filter_values_get_a_message_next_to_their_field(client, db, query, field, message):
    ProductFactory(name="Still listed", brand="Tecno", colour="Black", price=Money(600_000, "GNF"))

    response = client.get(LIST_URL, query)

    assert response.status_code == 200
    assert field_error(response, field) == message
    assert listed(response) == ["Still listed"]  # the invalid filter is left out, the list still shows
    others = {"q", "category", "brand", "colour", "min_price", "max_price", "sort", "in_stock"} - {field}
    assert all(field_error(response, other) == "" for other in others)


def test_an_invalid_field_is_left_out_and_the_other_filters_still_apply(client, db):
    ProductFactory(name="Cheap Tecno", brand="Tecno", price=Money(100_000, "GNF"))
    ProductFactory(name="Dear Tecno", brand="Tecno", price=Money(900_000, "GNF"))
    ProductFactory(name="Cheap Itel", brand="Itel", price=Money(100_000, "GNF"))

    response = client.get(LIST_URL, {"brand": "Tecno", "min_price": "lots", "max_price": "500000"})

    assert listed(response) == ["Cheap Tecno"]
    assert field_error(response, "min_price") == "Enter a price as a number, for example 150000."


@pytest.mark.parametrize(
    "query",
    [
        "min_price=abc&max_price=def", "min_price=1e999", "max_price=Infinity", "min_price=%00", "page=abc",
        "page=-1", "page=99999", "category=../../etc", "category=", "q=%F0%9F%98%80", "q=%27%22%3C%3E",
        "sort=price;drop", "brand=%00", "in_stock=maybe", "in_stock=on&in_stock=", "colour[]=x", "unknown=1",
        "q=%25", "q=_",
    ],
)
def test_junk_in_the_query_string_never_fails(client, db, query):
    ProductFactory(name="Still here")

    page = client.get(f"{LIST_URL}?{query}")
    fragment = client.get(f"{LIST_URL}?{query}", **HTMX)

    assert page.status_code == fragment.status_code == 200


def test_pagination_shows_24_per_page_and_keeps_the_filters(client, db):
    ProductFactory.create_batch(26, brand="Tecno")
    ProductFactory(name="Other brand", brand="Itel")

    first = client.get(LIST_URL, {"brand": "Tecno"})
    second = client.get(LIST_URL, {"brand": "Tecno", "page": "2"})

    assert len(listed(first)) == 24 and len(listed(second)) == 2
    assert "26 products" in text(first) and "Page 1 of 2" in text(first)
    assert 'href="?brand=Tecno&amp;page=2"' in first.content.decode()
    assert not set(listed(first)) & set(listed(second))


def test_nothing_found_explains_and_offers_to_clear_the_filters(client, db):
    ProductFactory(name="Kettle")

    response = client.get(LIST_URL, {"q": "submarine"})

    assert "No product matches your search." in text(response)
    assert f'<a href="{LIST_URL}">Clear the filters</a>' in response.content.decode()
    assert "0 products" in text(response)


def test_an_empty_shop_says_so(client, db):
    assert "No product on sale here yet." in text(client.get(LIST_URL))


# --- the product card


def test_a_card_shows_picture_store_rating_price_and_the_add_to_cart_form(client, db):
    product = ProductFactory(name="Nokia 105", vendor__name="Madina Market", vendor__slug="madina-market",
                             price=Money(195_000, "GNF"), rating_average=Decimal("4.25"), rating_count=12)
    image = ProductImageFactory(product=product, sort_order=0)
    ProductImageFactory(product=product, sort_order=1)

    html = card(client.get(LIST_URL), "Nokia 105")

    # the first picture's thumbnail, lazily loaded, with its size set so the page does not jump
    assert f'<img src="{image.thumbnail.url}" alt="" width="400" height="400" loading="lazy"' in html
    assert f'href="{product.get_absolute_url()}"' in html
    assert 'by <a href="/shop/stores/madina-market/">Madina Market</a>' in html
    assert 'class="stars stars--9" role="img" aria-label="Rated 4.3 out of 5"' in html
    assert "(12 ratings)" in html
    assert re.search(r'<strong class="price">195,000.GNF</strong>', html)
    assert "<del" not in html
    cart_add = reverse("orders:cart-add", args=[product.pk])
    assert f'method="post" action="{cart_add}" hx-post="{cart_add}"' in html
    assert 'name="csrfmiddlewaretoken"' in html and '<input type="hidden" name="quantity" value="1">' in html


def test_a_card_without_picture_shows_the_initial(client, db):
    ProductFactory(name="kettle")

    assert '<span class="product-card__no-image">k</span>' in card(client.get(LIST_URL), "kettle")


@pytest.mark.parametrize(
    ("window", "on_sale"),
    [
        ({}, True),
        ({"sale_starts_at": -1, "sale_ends_at": 1}, True),
        ({"sale_starts_at": 1}, False),  # not started yet
        ({"sale_ends_at": -1}, False),  # over
    ],
    ids=["no-window", "inside", "before", "after"],
)
def test_the_sale_price_shows_with_the_regular_price_struck_through_only_inside_its_window(client, db, window,
                                                                                           on_sale):
    now = timezone.now()
    dates = {field: now + timedelta(days=days) for field, days in window.items()}
    product = ProductFactory(name="Blender", price=Money(560_000, "GNF"), sale_price=Money(480_000, "GNF"), **dates)

    for response in (client.get(LIST_URL), client.get(product.get_absolute_url())):
        html = response.content.decode()
        if on_sale:
            assert re.search(r'<strong class="price price--sale">.*480,000.GNF</strong> '
                             r'<del class="price__regular">.*560,000.GNF</del>', html)
        else:
            assert "<del" not in html and "480,000" not in html
            assert re.search(r'<strong class="price">560,000.GNF</strong>', html)


@pytest.mark.parametrize(
    ("stock", "state"),
    [(40, "In stock"), (6, "In stock"), (5, "Only 5 left"), (1, "Only 1 left"), (0, "Out of stock")],
)
def test_the_card_tells_the_stock_state(client, db, stock, state):
    ProductFactory(name="Radio", stock=stock, low_stock_threshold=5)

    html = card(client.get(LIST_URL), "Radio")

    assert re.search(rf'<p class="stock stock--\w+">{state}</p>', html)
    assert (" disabled>Add to cart" in html) is (stock == 0)


def test_the_favorite_button_is_for_signed_in_buyers_and_shows_their_choice(client, db):
    from apps.orders.models import Favorite

    buyer = UserFactory()
    liked = ProductFactory(name="Liked")
    ProductFactory(name="Other")
    Favorite.objects.create(user=buyer, product=liked)

    assert "favorite-toggle" not in client.get(LIST_URL).content.decode()

    client.force_login(buyer)
    response = client.get(LIST_URL, {"q": ""})
    toggle = reverse("orders:favorite-toggle", args=[liked.pk])
    assert f'action="{toggle}"' in card(response, "Liked")
    assert 'aria-pressed="true"' in card(response, "Liked")
    assert 'aria-pressed="false"' in card(response, "Other")
    assert f'<input type="hidden" name="next" value="{LIST_URL}?q=">' in card(response, "Other")


# --- htmx


def test_an_htmx_request_gets_the_results_fragment_only(client, db):
    ProductFactory(name="Radio", brand="Tecno")

    response = client.get(LIST_URL, {"min_price": "abc"}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'class="shop-filters"' not in html and "shop-categories" not in html
    assert listed(response) == ["Radio"]
    # the count and the messages outside the results are refreshed out of band
    assert re.search(r'id="product-count"[^>]*hx-swap-oob="true">1 product<', html)
    assert re.search(r'id="id_min_price_error" hx-swap-oob="true"><li>Enter a price', html)
    assert 'id="id_brand_error" hx-swap-oob="true"></ul>' in html
    assert "HX-Request" in response["Vary"]


def test_the_full_page_has_the_htmx_wiring_and_works_without_it(client, db):
    html = client.get(LIST_URL).content.decode()

    assert "<html" in html and "hx-swap-oob" not in html
    form = re.search(r'<form class="shop-filters"[^>]*>', html).group(0)
    assert 'method="get"' in form and f'action="{LIST_URL}"' in form  # plain GET without JavaScript
    assert f'hx-get="{LIST_URL}"' in form and 'hx-target="#product-results"' in form and 'hx-push-url="true"' in form
    # "input" fires for checkbox ticks too; no event filter, which htmx would evaluate (the CSP forbids eval)
    assert 'hx-trigger="submit, input delay:300ms"' in form
    assert 'id="product-results"' in html and 'type="submit"' in html


def test_an_htmx_history_restore_gets_the_full_page(client, db):
    response = client.get(LIST_URL, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")

    assert "<html" in response.content.decode()


def test_the_fragment_of_a_search_is_a_small_part_of_the_page(client, db):
    # given 30 products and a search for one model
    categories = list(ServiceCategory.objects.all())
    for index in range(29):
        ProductFactory(category=categories[index % len(categories)], brand=f"Brand {index % 7}",
                       colour=("Black", "White", "Blue")[index % 3])
    ProductFactory(name="Nokia 105", brand="Nokia", category=_category("electronics"))
    query = {"q": "nokia 105"}

    page = client.get(LIST_URL, query)
    fragment = client.get(LIST_URL, query, **HTMX)

    assert listed(fragment) == listed(page) == ["Nokia 105"]
    assert len(fragment.content) <= 0.3 * len(page.content)


# --- a constant number of queries


def _list_queries(client, count: int) -> int:
    vendors = VendorFactory.create_batch(3)
    categories = list(ServiceCategory.objects.all())
    for index in range(count):
        product = ProductFactory(vendor=vendors[index % 3], category=categories[index % len(categories)],
                                 brand=f"Brand {index}", colour=f"Colour {index}")
        ProductImageFactory(product=product)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST_URL, {"q": "product", "min_price": "0", "sort": "price"})
    assert len(listed(response)) == min(count, 24)
    return len(queries)


@pytest.mark.parametrize("signed_in", [False, True], ids=["guest", "signed-in"])
def test_the_list_costs_the_same_queries_for_3_and_30_products(client, db, signed_in):
    if signed_in:
        client.force_login(UserFactory())
    few = _list_queries(client, 3)
    Product.objects.all().delete()

    many = _list_queries(client, 30)

    assert few == many
