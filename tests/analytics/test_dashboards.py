"""Dashboards: platform figures with trends, the seller's own store, the service desk; constant queries; cache."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from djmoney.money import Money

from apps.accounts.roles import Role
from apps.analytics.selectors.base import Period, Trend
from apps.analytics.selectors.dashboards import platform_figures, service_desk_figures
from apps.servicedesk.models import ServiceRequest, StatusChange
from tests.analytics.builders import dated, days_ago, paid_request, sale, set_rates
from tests.factories import (
    MembershipFactory,
    ProductFactory,
    UserFactory,
    VendorFactory,
    return_for,
    review_for,
    service_request_for,
)

ADMIN_INDEX = "/admin/"


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


# --- trends


@pytest.mark.parametrize(("current", "previous", "change", "direction"), [
    (150, 100, Decimal("50.0"), "up"),
    (Decimal("50"), Decimal("200"), Decimal("-75.0"), "down"),
    (7, 7, Decimal("0.0"), "flat"),
    (5, 0, None, "up"),  # nothing to compare with: no percentage, still a rise
    (None, Decimal("10"), None, "flat"),
    (1, 3, Decimal("-66.7"), "down"),
])
def test_trend_compares_with_the_previous_period(current, previous, change, direction):
    trend = Trend(current, previous)
    assert (trend.change_percent, trend.direction) == (change, direction)


def test_previous_period_has_the_same_length_just_before():
    period = Period.last_days(30)
    previous = period.previous()
    assert previous.days == 30 and previous.last == period.first - timedelta(days=1)
    assert previous.end == period.start


@pytest.fixture
def two_periods(vendor_a, vendor_b):
    """This period: 300,000 GNF in two orders (one EUR 20 = 200,000 GNF), one of two deliveries returned.
    The period before: one 100,000 GNF delivered order, not returned."""
    set_rates(GNF=8000, EUR="0.8")
    product = ProductFactory(vendor=vendor_a, price=Money(100000, "GNF"), name="Alpha kettle")
    returned = sale(vendor_a, product, days=3, status="delivered")
    return_for(vendor_a, order=returned)
    sale(vendor_a, product, days=5, status="delivered", total=Money(20, "EUR"))
    old = sale(vendor_b, ProductFactory(vendor=vendor_b, price=Money(100000, "GNF")), days=35, status="delivered")
    dated(old.buyer, days_ago(35), field="date_joined")
    sale(vendor_b, product, days=4, status="cancelled")  # not sold
    paid_request(vendor_a, days=2, status="cancelled")  # not sold either


def test_platform_figures_and_their_trends(two_periods):
    figures = platform_figures(Period.last_days(30))

    assert figures["gmv"] == Trend(Decimal("300000.00"), Decimal("100000.00"))
    assert figures["gmv"].change_percent == Decimal("200.0")
    assert figures["orders"] == Trend(2, 1)
    assert figures["average_order_value"] == Trend(Decimal("150000.00"), Decimal("100000.00"))
    assert figures["average_order_value"].change_percent == Decimal("50.0")
    assert figures["return_rate"] == Trend(Decimal("50.0"), Decimal("0.0"))
    # the buyers of this period's three orders and the request's customer joined now; one buyer 35 days ago
    assert figures["new_customers"].previous == 1
    assert dict(figures["requests_by_status"])["cancelled"] == Trend(1, 0)


@pytest.mark.parametrize("role", [Role.ANALYST, Role.MANAGER, Role.ADMINISTRATOR])
def test_platform_dashboard_shows_figures_with_trends(client, two_periods, role):
    client.force_login(UserFactory(roles=[role], is_superuser=role == Role.ADMINISTRATOR))

    text = _text(client.get(ADMIN_INDEX))

    assert "GMV 300,000 GNF trending_up +200.0 % vs previous 30 days (100,000 GNF)" in text
    assert "Average order value 150,000 GNF trending_up +50.0 %" in text
    # a rising return rate is bad news: it is coloured as such
    assert "Return rate 50.0 % trending_up — vs previous 30 days (0.0 %)" in text


def test_platform_return_rate_rise_is_shown_as_bad_news(client, analyst, two_periods):
    client.force_login(analyst)
    cards = {card["label"]: card for card in client.get(ADMIN_INDEX).context["platform"]["cards"]}
    assert cards["Return rate"]["tone"] == "bad"
    assert cards["GMV"]["tone"] == "good"


def test_platform_dashboard_draws_the_daily_sales_chart(client, analyst, two_periods):
    client.force_login(analyst)
    response = client.get(ADMIN_INDEX)
    assert 'data-type="line"' in response.text
    assert response.context["platform"]["sales_chart"].count("200000.0") == 1


def test_a_missing_rate_is_explained_on_the_dashboard(client, analyst, vendor_a):
    sale(vendor_a, ProductFactory(vendor=vendor_a), total=Money(5, "USD"))
    client.force_login(analyst)

    response = client.get(ADMIN_INDEX)

    assert response.status_code == 200
    assert "Amounts in USD cannot be shown in GNF" in _text(response)


# --- the seller dashboard


@pytest.fixture
def store_a(vendor_a, vendor_b):
    """Alpha sells 6 products in different quantities; Bravo sells its own."""
    set_rates(GNF=8000)
    products = [ProductFactory(vendor=vendor_a, name=f"Alpha item {units}", price=Money(1000, "GNF"))
                for units in range(1, 7)]
    for units, product in enumerate(products, start=1):
        sale(vendor_a, product, units, days=2)
    sale(vendor_a, products[0], 1, days=40)  # the period before
    sale(vendor_b, ProductFactory(vendor=vendor_b, name="Bravo secret"), 50)
    review_for(vendor_a, rating=4)
    review_for(vendor_a, rating=5)
    review_for(vendor_b, rating=1)
    return products


def test_seller_dashboard_shows_their_store_only(client, seller_a, store_a):
    client.force_login(seller_a)

    response = client.get(ADMIN_INDEX)
    text = _text(response)

    seller = response.context["seller"]
    assert "platform" not in response.context and "service_desk" not in response.context
    # the six sales (21 units of 1,000 GNF) plus the two reviewed orders (50,000 GNF each)
    assert "Sales 121,000 GNF trending_up" in text
    assert [row[1] for row in seller["top_products"]["rows"]] == ["6", "5", "4", "3", "2"]
    assert "Alpha item 6" in text and "Alpha item 1 " not in text
    assert "Bravo secret" not in text
    assert "4.5 / 5" in text and "from 2 reviews" in text
    # the fresh orders wait for the seller, each status linking to the filtered order list
    placed = seller["orders_to_handle"][0]
    assert placed["label"] == "Placed" and placed["total"] == "7"
    assert f'{reverse("admin:orders_order_changelist")}?status__exact=placed' in response.text
    # no forecast has run yet: the forecast card says so
    assert seller["forecasts"] == [None] and "No forecast yet" in text


def test_seller_without_sales_gets_empty_states(client, seller_a):
    client.force_login(seller_a)
    text = _text(client.get(ADMIN_INDEX))
    assert "No product sold in this period." in text and "No review yet." in text
    assert "No product is running low." in text


# --- the service desk


@pytest.fixture
def desk(vendor_a, support):
    """Support has two open requests (one started 3 h after assignment); a colleague one; one is unassigned."""
    colleague = UserFactory(full_name="Aïcha Colleague", roles=[Role.SUPPORT])
    started = service_request_for(vendor_a, status="in_progress", provider=support, assigned_at=days_ago(2))
    StatusChange.objects.create(request=started, from_status="team_assigned", to_status="in_progress",
                                created_at=started.assigned_at + timedelta(hours=3))
    service_request_for(vendor_a, status="team_assigned", provider=support, assigned_at=days_ago(1))
    service_request_for(vendor_a, status="team_assigned", provider=colleague, assigned_at=days_ago(1))
    service_request_for(vendor_a, status="pending_contact")
    service_request_for(vendor_a, status="completed", provider=colleague)  # closed: not counted
    return colleague


def test_service_desk_figures(desk, support):
    figures = service_desk_figures(Period.last_days(30))

    rows = {row["provider__email"]: row for row in figures["providers"]}
    assert figures["open_total"] == 4 and figures["unassigned"] == 1
    assert (rows[support.email]["open"], rows[support.email]["in_progress"]) == (2, 1)
    assert rows[support.email]["response_hours"] == Decimal("3.0")
    assert rows[desk.email]["response_hours"] is None
    assert figures["response_hours"] == Decimal("3.0")


def test_manager_sees_the_whole_service_desk(client, manager, desk, support):
    client.force_login(manager)

    text = _text(client.get(ADMIN_INDEX))

    assert "Service desk" in text and "Open requests 4" in text and "Not assigned yet 1" in text
    assert "Sékou Support 2 1 1 3.0 h" in text
    assert "Aïcha Colleague 1 1 0 —" in text


def test_support_staff_see_their_own_requests_only(client, support, desk):
    client.force_login(support)

    response = client.get(ADMIN_INDEX)
    text = _text(response)

    assert "Your service requests" in text and "Open requests 2" in text
    assert "Aïcha Colleague" not in text and "Not assigned yet" not in text
    assert "platform" not in response.context  # no platform figures for support staff


# --- constant queries and cache


def _grow(vendor, seller_provider):
    """More of everything each dashboard reads."""
    for index in range(8):
        product = ProductFactory(vendor=vendor, stock=index % 3, name=f"Grown {index}")
        order = sale(vendor, product, 2, days=index + 1, status="delivered", total=Money(3, "EUR"))
        return_for(vendor, order=order)
        review_for(vendor, rating=1 + index % 5)
        sale(vendor, product, days=index + 31)
        request = service_request_for(vendor, status="in_progress", provider=seller_provider,
                                      assigned_at=days_ago(index + 1))
        StatusChange.objects.create(request=request, to_status="in_progress",
                                    created_at=request.assigned_at + timedelta(hours=index))
        service_request_for(vendor, status="team_assigned", provider=UserFactory(roles=[Role.SUPPORT]),
                            assigned_at=days_ago(1))
        UserFactory()


def _index_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(ADMIN_INDEX)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("who", ["administrator", "analyst", "manager", "support", "seller_a"])
def test_dashboard_queries_do_not_grow_with_data(client, request, vendor_a, support, who):
    set_rates(GNF=8000, EUR="0.8")
    user = request.getfixturevalue(who)
    sale(vendor_a, ProductFactory(vendor=vendor_a, stock=1), total=Money(3, "EUR"))
    client.force_login(user)
    client.get(ADMIN_INDEX)  # warms the per-process caches (content types, exchange rates)

    small = _index_queries(client)
    _grow(vendor_a, support)
    large = _index_queries(client)

    assert large == small


def test_dashboard_figures_are_cached_briefly(client, settings, analyst, seller_a, seller_b, vendor_a, vendor_b):
    settings.DASHBOARD_CACHE_SECONDS = 60
    set_rates(GNF=8000)
    product = ProductFactory(vendor=vendor_a, price=Money(1000, "GNF"))
    sale(vendor_a, product)
    client.force_login(analyst)
    assert "GMV 1,000 GNF" in _text(client.get(ADMIN_INDEX))
    client.force_login(seller_a)
    assert "Sales 1,000 GNF" in _text(client.get(ADMIN_INDEX))

    sale(vendor_a, product)

    client.force_login(analyst)
    assert "GMV 1,000 GNF" in _text(client.get(ADMIN_INDEX))  # still the cached figure
    client.force_login(seller_b)
    assert "Sales 0 GNF" in _text(client.get(ADMIN_INDEX))  # another store has its own figures
    settings.DASHBOARD_CACHE_SECONDS = 0
    client.force_login(analyst)
    assert "GMV 2,000 GNF" in _text(client.get(ADMIN_INDEX))


def test_a_vendor_member_of_two_stores_sees_both(client, vendor_a, vendor_b, seller_a):
    set_rates(GNF=8000)
    MembershipFactory(vendor=vendor_b, user=seller_a, role="staff")
    sale(vendor_a, ProductFactory(vendor=vendor_a, price=Money(1000, "GNF")))
    sale(vendor_b, ProductFactory(vendor=vendor_b, price=Money(2000, "GNF")))
    VendorFactory()  # a store they do not work for
    client.force_login(seller_a)
    assert "Sales 3,000 GNF" in _text(client.get(ADMIN_INDEX))


def test_request_status_counts_use_the_platform_period(db, vendor_a):
    set_rates(GNF=8000)
    for days in (1, 29, 30, 59, 60, 75):  # days 0-29 are this period, 30-59 the one before
        paid_request(vendor_a, days=days, status="pending_contact")
    figures = platform_figures(Period.last_days(30))
    assert dict(figures["requests_by_status"])[ServiceRequest.Status.PENDING_CONTACT] == Trend(2, 2)
