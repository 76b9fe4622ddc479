"""Customer catalogue pages: the grouped, filtered list (page and htmx fragment) and the service detail."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from djmoney.money import Money

from apps.catalog.models import Service, ServiceCategory
from apps.vendors.models import Vendor
from tests.factories import ServiceCategoryFactory, ServiceFactory, ServiceTierFactory, VendorFactory

LIST_URL = "/services/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def _text(response) -> str:
    """The page's visible text with whitespace collapsed (no-break spaces too), so assertions read like the screen."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def _category(slug: str) -> ServiceCategory:
    return ServiceCategory.objects.get(slug=slug)


def _listed(response) -> list[str]:
    """Names of the services on the page, in order."""
    return re.findall(r'<h3 class="service-card__name"><a href="[^"]+">([^<]+)</a>', response.content.decode())


def _field_error(response, field: str) -> str:
    match = re.search(rf'<ul class="errorlist" id="id_{field}_error"[^>]*>(.*?)</ul>', response.content.decode(), re.S)
    assert match, f"no error list for {field}"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


# --- list: grouping, visibility, search and filters


def test_list_groups_services_under_their_category_in_reference_order(client, db):
    # given services in three categories, created out of order
    ServiceFactory(name="Shop website", category=_category("web-development"))
    ServiceFactory(name="Oil change", category=_category("automobile"))
    ServiceFactory(name="Room for a night", category=_category("hotel"))
    ServiceFactory(name="Car inspection", category=_category("automobile"))

    # when
    response = client.get(LIST_URL)

    # then the headings follow the categories' ordering, each followed by its services by name
    assert response.status_code == 200
    text = _text(response)
    assert re.search(r"Automobile Car inspection .* Oil change .* Hotel Room for a night .* "
                     r"Web development Shop website", text)
    assert "4 services" in text


def test_list_shows_only_services_on_sale(client, db):
    ServiceFactory(name="Open service")
    ServiceFactory(name="Withdrawn service", is_active=False)
    ServiceFactory(name="Suspended vendor service", vendor__status=Vendor.Status.SUSPENDED)

    response = client.get(LIST_URL)

    assert _listed(response) == ["Open service"]


def test_search_matches_name_or_short_description_whatever_the_case(client, db):
    ServiceFactory(name="Screen replacement", short_description="Cracked glass fixed")
    ServiceFactory(name="Battery swap", short_description="A new SCREEN protector is included")
    ServiceFactory(name="Logo design", short_description="Two proposals")

    response = client.get(LIST_URL, {"q": "screen"})

    assert sorted(_listed(response)) == ["Battery swap", "Screen replacement"]


def test_category_filter_includes_the_categorys_subcategories(client, db):
    automobile = _category("automobile")
    ServiceFactory(name="Car import", category=automobile)
    ServiceFactory(name="Tyre fitting", category=ServiceCategoryFactory(name="Tyres", parent=automobile))
    ServiceFactory(name="Hotel room", category=_category("hotel"))

    response = client.get(LIST_URL, {"category": "automobile"})

    assert sorted(_listed(response)) == ["Car import", "Tyre fitting"]


def test_price_range_includes_its_bounds_and_accepts_spaced_thousands(client, db):
    for amount in (149_999, 150_000, 300_000, 1_000_000, 1_000_001):
        ServiceFactory(name=f"At {amount}", base_price=Money(amount, "GNF"))

    response = client.get(LIST_URL, {"min_price": "150 000", "max_price": "1000000"})

    assert sorted(_listed(response)) == ["At 1000000", "At 150000", "At 300000"]


def test_a_price_range_leaves_out_services_priced_in_another_currency(client, db):
    # without exchange rates a EUR price cannot be compared with a GNF bound
    ServiceFactory(name="Priced in GNF", base_price=Money(200_000, "GNF"))
    ServiceFactory(name="Priced in EUR", base_price=Money(20, "EUR"))

    assert sorted(_listed(client.get(LIST_URL))) == ["Priced in EUR", "Priced in GNF"]
    assert _listed(client.get(LIST_URL, {"min_price": "0"})) == ["Priced in GNF"]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"min_price": "abc"}, "min_price", "Enter a price as a number, for example 150000."),
        ({"max_price": "12,5,0"}, "max_price", "Enter a price as a number, for example 150000."),
        ({"min_price": "-1"}, "min_price", "A price cannot be negative."),
        ({"max_price": "1" * 20}, "max_price", "This price is too large."),
        ({"min_price": "NaN"}, "min_price", "Enter a price as a number, for example 150000."),
        ({"min_price": "500000", "max_price": "100000"}, "max_price",
         "The maximum price must be at least the minimum price."),
        ({"category": "no-such-category"}, "category", "Choose a category from the list."),
        ({"q": "x" * 101}, "q", "Ensure this value has at most 100 characters (it has 101)."),
    ],
)
def test_bad_filter_values_get_a_message_next_to_their_field(client, db, query, field, message):
    ServiceFactory(name="Still listed")

    response = client.get(LIST_URL, query)

    assert response.status_code == 200
    assert _field_error(response, field) == message
    assert re.search(rf'id="id_{field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="id_{field}"',
                     response.content.decode())
    # the other fields' message slots stay empty
    others = {"q", "category", "min_price", "max_price"} - {field}
    assert all(_field_error(response, other) == "" for other in others)


def test_an_invalid_field_is_left_out_and_the_other_filters_still_apply(client, db):
    ServiceFactory(name="Screen repair", base_price=Money(300_000, "GNF"))
    ServiceFactory(name="Screen printing", base_price=Money(900_000, "GNF"))
    ServiceFactory(name="Logo design", base_price=Money(300_000, "GNF"))

    response = client.get(LIST_URL, {"q": "screen", "min_price": "lots", "max_price": "500000"})

    assert _listed(response) == ["Screen repair"]
    assert _field_error(response, "min_price") == "Enter a price as a number, for example 150000."


@pytest.mark.parametrize(
    "query",
    [
        "min_price=abc&max_price=def", "min_price=1e999", "max_price=Infinity", "min_price=%00", "page=abc",
        "page=-1", "page=99999", "category=../../etc", "category=", "q=%F0%9F%98%80", "q=%27%22%3C%3E",
        "min_price=&max_price=", "min_price=1&min_price=2", "unknown=1",
    ],
)
def test_junk_in_the_query_string_never_fails(client, db, query):
    ServiceFactory(name="Still here")

    response = client.get(f"{LIST_URL}?{query}")
    fragment = client.get(f"{LIST_URL}?{query}", **HTMX)

    assert response.status_code == fragment.status_code == 200


def test_pagination_shows_twelve_per_page_and_keeps_the_filters(client, db):
    ServiceFactory.create_batch(14, short_description="Delivery in Conakry")
    ServiceFactory(name="Not matching", short_description="Something else")

    first = client.get(LIST_URL, {"q": "conakry"})
    second = client.get(LIST_URL, {"q": "conakry", "page": "2"})

    assert len(_listed(first)) == 12 and len(_listed(second)) == 2
    assert "Page 1 of 2" in _text(first)
    assert 'href="?q=conakry&amp;page=2"' in first.content.decode()
    assert 'href="?q=conakry&amp;page=1"' in second.content.decode()
    assert not set(_listed(first)) & set(_listed(second))


def test_nothing_found_explains_and_offers_to_clear_the_filters(client, db):
    ServiceFactory(name="Oil change")

    response = client.get(LIST_URL, {"q": "submarine"})

    assert "No service matches your search." in _text(response)
    assert f'<a href="{LIST_URL}">Clear the filters</a>' in response.content.decode()
    assert "0 services" in _text(response)


def test_a_card_shows_vendor_price_and_the_buy_and_details_links(client, db):
    service = ServiceFactory(name="Full car service", short_description="Oil, filters and checks",
                             vendor__name="Kaloum Auto Services", base_price=Money(350_000, "GNF"))

    response = client.get(LIST_URL)

    text = _text(response)
    assert "Full car service by Kaloum Auto Services Oil, filters and checks from 350,000 GNF" in text
    html = response.content.decode()
    assert f'href="{reverse("servicedesk:purchase", kwargs={"slug": service.slug})}"' in html
    assert f'href="{reverse("catalog:service-detail", args=[service.slug])}"' in html
    # every card has a Buy and a Details link: their accessible names say which service
    assert 'aria-label="Buy Full car service">Buy</a>' in html
    assert 'aria-label="Details of Full car service">Details</a>' in html


# --- list: the htmx fragment


def test_an_htmx_request_gets_the_results_fragment_only(client, db):
    ServiceFactory(name="Oil change", category=_category("automobile"))

    response = client.get(LIST_URL, {"min_price": "abc"}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "<form" not in html and "<symbol" not in html
    assert _listed(response) == ["Oil change"]
    # the messages outside the results are refreshed out of band
    assert re.search(r'id="service-count"[^>]*hx-swap-oob="true"', html)
    assert re.search(r'id="id_min_price_error" hx-swap-oob="true"><li>Enter a price', html)
    assert "HX-Request" in response["Vary"]


def test_the_full_page_has_the_htmx_wiring_and_works_without_it(client, db):
    response = client.get(LIST_URL)

    html = response.content.decode()
    assert "<html" in html
    form = re.search(r"<form[^>]*>", html).group(0)
    assert 'method="get"' in form and f'action="{LIST_URL}"' in form  # plain GET without JavaScript
    assert f'hx-get="{LIST_URL}"' in form and 'hx-target="#service-results"' in form
    assert 'hx-push-url="true"' in form and 'hx-trigger="submit, input changed delay:300ms"' in form
    assert 'id="service-results"' in html and 'type="submit"' in html
    assert "hx-swap-oob" not in html


def test_an_htmx_history_restore_gets_the_full_page(client, db):
    response = client.get(LIST_URL, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")

    assert "<html" in response.content.decode()


def test_the_fragment_is_a_small_part_of_the_page(client, db):
    # given a catalogue of 30 services and a search that finds one
    categories = list(ServiceCategory.objects.all())
    for index in range(29):
        ServiceFactory(category=categories[index % len(categories)], name=f"Service {index}")
    ServiceFactory(name="Smartphone screen replacement", category=_category("electronics"))
    query = {"q": "smartphone"}

    # when
    page = client.get(LIST_URL, query)
    fragment = client.get(LIST_URL, query, **HTMX)

    # then the fragment carries the one result and little else
    assert _listed(fragment) == _listed(page) == ["Smartphone screen replacement"]
    assert len(fragment.content) <= 0.3 * len(page.content)


# --- list: constant number of queries


def _list_queries(client, count: int) -> int:
    vendors = VendorFactory.create_batch(3)
    categories = list(ServiceCategory.objects.all())
    for index in range(count):
        ServiceFactory(vendor=vendors[index % 3], category=categories[index % len(categories)])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST_URL, {"q": "service", "min_price": "0"})
    assert len(_listed(response)) == min(count, 12)
    return len(queries)


def test_the_list_costs_the_same_queries_for_3_and_30_services(client, db):
    few = _list_queries(client, 3)
    Service.objects.all().delete()

    many = _list_queries(client, 30)

    assert few == many


# --- detail


def test_detail_shows_the_service_and_its_tiers_in_order(client, db):
    service = ServiceFactory(name="Business website", short_description="A fast website",
                             description="First paragraph.\n\nSecond paragraph.", features=["Works on any phone"],
                             duration_minutes=90, category=_category("web-development"),
                             vendor__name="Ratoma Digital Studio")
    premium = ServiceTierFactory(service=service, name="Premium", price=Money(5_000_000, "GNF"), sort_order=2,
                                 features=["Online shop"])
    basic = ServiceTierFactory(service=service, name="Basic", price=Money(2_500_000, "GNF"), sort_order=0,
                               features=["One page"])
    # same sort order: the cheaper one first
    standard = ServiceTierFactory(service=service, name="Standard", price=Money(4_000_000, "GNF"), sort_order=1)
    plus = ServiceTierFactory(service=service, name="Standard plus", price=Money(4_500_000, "GNF"), sort_order=1)

    response = client.get(service.get_absolute_url())

    assert response.status_code == 200
    text = _text(response)
    assert "Web development Business website A fast website Vendor Ratoma Digital Studio Duration 1 h 30 min" in text
    assert "<p>First paragraph.</p>" in response.content.decode()
    assert "What is included Works on any phone" in text
    assert "Basic 2,500,000 GNF One page Choose" in text
    assert "Premium 5,000,000 GNF Online shop Choose" in text
    assert 'aria-label="Choose Standard plus">Choose</a>' in response.content.decode()
    html = response.content.decode()
    assert re.findall(r'<h3 class="tier-card__name">([^<]+)</h3>', html) == [
        "Basic", "Standard", "Standard plus", "Premium"]
    purchase = reverse("servicedesk:purchase", kwargs={"slug": service.slug})
    links = re.findall(rf'href="{purchase}\?tier=(\d+)"', html)
    assert links == [str(tier.pk) for tier in (basic, standard, plus, premium)]


def test_detail_without_tiers_has_one_buy_button(client, db):
    service = ServiceFactory(name="Computer diagnostic", base_price=Money(200_000, "GNF"))

    response = client.get(service.get_absolute_url())

    html = response.content.decode()
    purchase = reverse("servicedesk:purchase", kwargs={"slug": service.slug})
    assert html.count(f'href="{purchase}') == 1
    assert "?tier=" not in html
    assert "200,000 GNF Buy" in _text(response)


@pytest.mark.parametrize(
    "make",
    [
        lambda: ServiceFactory(is_active=False),
        lambda: ServiceFactory(vendor__status=Vendor.Status.SUSPENDED),
    ],
    ids=["inactive", "suspended-vendor"],
)
def test_detail_is_404_when_the_service_is_not_on_sale(client, db, make):
    service = make()

    assert client.get(service.get_absolute_url()).status_code == 404


def test_detail_is_404_for_an_unknown_slug(client, db):
    assert client.get("/services/no-such-service/").status_code == 404


def test_detail_costs_the_same_queries_with_one_or_three_tiers(client, db):
    def queries_for(tier_count):
        service = ServiceFactory()
        ServiceTierFactory.create_batch(tier_count, service=service)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(service.get_absolute_url()).status_code == 200
        return len(queries)

    assert queries_for(1) == queries_for(3)
