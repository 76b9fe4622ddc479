"""The analysts' report catalogue: CSV figures on known data, filters, permissions, safety and query counts."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from djmoney.money import Money

from apps.accounts.roles import Role
from apps.analytics.registry import REPORTS
from tests.analytics.builders import courier_earning, days_ago, known_sales, paid_request, sale, set_rates
from tests.factories import CommissionFactory, ProductFactory, UserFactory, VendorFactory, return_for

ALL_REPORTS = sorted(REPORTS)


def download(client, slug, **params) -> list[dict]:
    response = client.get(reverse("analytics:report-csv", args=[slug]), params)
    assert response.status_code == 200, response.content.decode()[-2000:]
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith(f'attachment; filename="{slug}_')
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def by(rows, column) -> dict[str, dict]:
    return {row[column]: row for row in rows}


@pytest.fixture
def known(vendor_a, vendor_b):
    return known_sales(vendor_a, vendor_b)


# --- every report, downloaded by an analyst, on known data


@pytest.mark.parametrize("slug", ALL_REPORTS)
def test_analyst_opens_and_downloads_every_report(client, analyst, known, slug):
    client.force_login(analyst)

    page = client.get(reverse("analytics:report-detail", args=[slug]))
    rows = download(client, slug)

    assert page.status_code == 200
    assert str(REPORTS[slug].title) in page.text
    assert reverse("analytics:report-csv", args=[slug]) in page.text
    assert rows, "every report has rows on the known data"
    assert list(rows[0]) == [str(column.label) for column in REPORTS[slug].columns]


def test_sales_over_time_add_up_shop_and_services_in_the_base_currency(client, analyst, known):
    client.force_login(analyst)

    days = download(client, "sales-by-day")
    weeks = download(client, "sales-by-week")
    months = download(client, "sales-by-month")

    # 100,000 GNF delivered + EUR 10 (= 100,000 GNF) + a 150,000 GNF request; cancelled, refunded and old left out
    assert len(days) == 30 and days[-1]["Day"] == timezone.localdate().isoformat()
    by_day = by(days, "Day")
    two_days_ago = by_day[days_ago(2).date().isoformat()]
    assert (two_days_ago["Shop orders"], two_days_ago["Shop sales"]) == ("1", "100000.00")
    assert (two_days_ago["Service requests"], two_days_ago["Service sales"]) == ("1", "150000.00")
    assert by_day[days_ago(3).date().isoformat()]["Shop sales"] == "100000.00"  # the EUR order, converted
    for rows in (days, weeks, months):
        assert sum(float(row["Total sales"]) for row in rows) == 350000
    assert all(row["Week starting"] and timezone.datetime.fromisoformat(row["Week starting"]).weekday() == 0
               for row in weeks)


def test_sales_by_vendor_category_and_product(client, analyst, known):
    client.force_login(analyst)

    vendors = download(client, "sales-by-vendor")
    categories = by(download(client, "sales-by-category"), "Category")
    products = download(client, "sales-by-product")
    top = download(client, "top-products")

    assert vendors == [{"Vendor": "Alpha Store", "Shop orders": "2", "Shop sales": "200000.00",
                        "Service requests": "1", "Service sales": "150000.00", "Total sales": "350000.00"}]
    assert categories["Food"]["Units sold"] == "3" and categories["Food"]["Product sales"] == "150000.00"
    assert "Food › Grains" not in categories  # Bravo's rice was cancelled or sold before the period
    assert products == top == [{"Product": "Alpha beans", "Vendor": "Alpha Store", "Units sold": "3", "Orders": "2",
                                "Sales": "150000.00"}]


def test_orders_by_status_and_payment_method(client, analyst, known):
    client.force_login(analyst)

    statuses = by(download(client, "orders-by-status"), "Status")
    methods = by(download(client, "orders-by-payment-method"), "Payment method")

    assert statuses["Placed"] == {"Status": "Placed", "Orders": "1", "Value": "100000.00"}
    assert statuses["Delivered"]["Orders"] == statuses["Cancelled"]["Orders"] == "1"
    assert statuses["Cancelled"]["Value"] == "20000.00"
    assert statuses["Ready"]["Orders"] == "0"
    assert methods["Cash on delivery"] == {"Payment method": "Cash on delivery", "Orders": "2", "Value": "120000.00",
                                           "Paid": "1", "Paid value": "100000.00"}
    assert methods["Sandbox (test payments)"]["Paid value"] == "100000.00"


def test_service_requests_by_status_with_times(client, analyst, known):
    client.force_login(analyst)

    rows = by(download(client, "service-requests-by-status"), "Status")

    assert rows["Completed"] == {"Status": "Completed", "Requests": "1", "Value": "150000.00",
                                 "Average hours to assign": "2.0", "Average hours to complete": "10.0"}
    assert rows["Refunded"]["Requests"] == "1" and rows["Refunded"]["Average hours to assign"] == ""


def test_affiliate_courier_and_returns_reports(client, analyst, known):
    client.force_login(analyst)

    assert download(client, "affiliate-commissions") == [{
        "Affiliate": "AMINATA", "E-mail": known["commission"].affiliate.user.email, "Referred purchases": "1",
        "Purchase value": "150000.00", "Commission owed": "15000.00", "Of which approved": "0.00",
        "Reversed": "7000.00"}]
    assert download(client, "courier-earnings") == [{
        "Courier": "Ibrahima Courier", "E-mail": "ibrahima@example.com", "Deliveries": "1", "Commissions": "5000.00",
        "Reversals": "-1000.00", "Net earnings": "4000.00"}]
    assert download(client, "returns-by-vendor") == [{
        "Vendor": "Alpha Store", "Delivered orders": "1", "Returned orders": "1", "Returns rate": "100.0"}]


def test_rejected_returns_do_not_count(client, analyst, vendor_a):
    product = ProductFactory(vendor=vendor_a, name="Alpha lamp")
    for status in ("rejected", "refunded"):
        order = sale(vendor_a, product, status="delivered", payment_status="paid")
        return_for(vendor_a, order=order, status=status)
    sale(vendor_a, product, status="delivered")
    client.force_login(analyst)

    assert download(client, "returns-by-vendor") == [{
        "Vendor": "Alpha Store", "Delivered orders": "3", "Returned orders": "1", "Returns rate": "33.3"}]


# --- filters


def test_vendor_filter_narrows_every_source(client, analyst, known, vendor_a, vendor_b):
    client.force_login(analyst)
    (vendor_b_request,) = [row for row in download(client, "service-requests-by-status", vendor=vendor_b.pk)
                           if row["Requests"] != "0"]

    assert download(client, "sales-by-vendor", vendor=vendor_b.pk) == []
    assert vendor_b_request["Status"] == "Refunded"
    assert download(client, "affiliate-commissions", vendor=vendor_b.pk) == []
    assert download(client, "courier-earnings", vendor=vendor_b.pk) == []
    assert [row["Affiliate"] for row in download(client, "affiliate-commissions", vendor=vendor_a.pk)] == ["AMINATA"]


def test_date_range_chooses_the_period(client, analyst, known):
    client.force_login(analyst)
    first, last = days_ago(45).date(), days_ago(31).date()

    rows = download(client, "sales-by-vendor", date_from=first.isoformat(), date_to=last.isoformat())

    assert rows == [{"Vendor": "Bravo Boutique", "Shop orders": "1", "Shop sales": "60000.00",
                     "Service requests": "0", "Service sales": "0.00", "Total sales": "60000.00"}]
    assert len(download(client, "sales-by-day", date_from=first.isoformat(), date_to=last.isoformat())) == 15


@pytest.mark.parametrize(("params", "field", "message"), [
    ({"date_from": "2025-03-10", "date_to": "2025-03-01"}, "date_to", "The end date must not be before the start date."),
    ({"date_from": "2025-13-45"}, "date_from", "Enter a valid date."),
    ({"date_from": "2020-01-01", "date_to": "2025-01-01"}, "date_from", "Choose a range of at most 1098 days."),
    ({"vendor": "999999"}, "vendor", "Select a valid choice."),
])
def test_bad_filters_are_explained_and_no_file_is_sent(client, analyst, params, field, message):
    client.force_login(analyst)

    page = client.get(reverse("analytics:report-detail", args=["sales-by-day"]), params)
    download_attempt = client.get(reverse("analytics:report-csv", args=["sales-by-day"]), params)

    assert page.status_code == 200
    assert message in page.context["form"].errors[field][0]
    assert f'id="id_{field}_errors"' in page.text and 'role="alert"' in page.text
    assert f'aria-describedby="id_{field}_errors"' in page.text
    assert page.context.get("table") is None
    assert download_attempt.status_code == 400
    assert "attachment" not in download_attempt.get("Content-Disposition", "")
    assert message in download_attempt.text


def test_unknown_report_is_not_found(client, analyst):
    client.force_login(analyst)
    assert client.get("/admin/reports/no-such-report/").status_code == 404
    assert client.get("/admin/reports/no-such-report/csv/").status_code == 404


def test_a_long_report_is_paginated_on_screen_but_whole_in_csv(client, analyst, db):
    client.force_login(analyst)
    params = {"date_from": days_ago(119).date().isoformat(), "date_to": timezone.localdate().isoformat()}

    first = client.get(reverse("analytics:report-detail", args=["sales-by-day"]), params)
    second = client.get(reverse("analytics:report-detail", args=["sales-by-day"]), {**params, "page": 2})
    past_the_end = client.get(reverse("analytics:report-detail", args=["sales-by-day"]), {**params, "page": 99})

    assert len(first.context["table"]["rows"]) == 50 and "Page 1 of 3 (120 rows)" in first.text
    assert second.context["page"].number == 2 and "page=3" in second.text
    assert past_the_end.context["page"].number == 3  # the last page, not an error
    assert len(download(client, "sales-by-day", **params)) == 120


# --- money in the base currency


def test_a_missing_exchange_rate_is_said_not_guessed(client, analyst, vendor_a):
    set_rates(GNF=8000)
    sale(vendor_a, ProductFactory(vendor=vendor_a), total=Money(10, "EUR"))
    client.force_login(analyst)

    page = client.get(reverse("analytics:report-detail", args=["sales-by-vendor"]))
    download_attempt = client.get(reverse("analytics:report-csv", args=["sales-by-vendor"]))

    message = "Amounts in EUR cannot be shown in GNF: no exchange rate for EUR."
    assert page.status_code == 200 and message in page.text and page.context.get("table") is None
    assert download_attempt.status_code == 400 and message in download_attempt.text


def test_a_changed_rate_counts_at_once(client, analyst, vendor_a, django_capture_on_commit_callbacks):
    set_rates(GNF=8000, EUR="0.8")
    sale(vendor_a, ProductFactory(vendor=vendor_a), total=Money(10, "EUR"))
    client.force_login(analyst)
    assert download(client, "sales-by-vendor")[0]["Total sales"] == "100000.00"

    with django_capture_on_commit_callbacks(execute=True):  # djmoney had cached the old rate
        set_rates(EUR="0.5")

    assert download(client, "sales-by-vendor")[0]["Total sales"] == "160000.00"


# --- CSV safety


def test_csv_neutralises_formula_cells(client, analyst, db):
    vendor = VendorFactory(name="=HYPERLINK(\"http://evil.example\")")
    sale(vendor, ProductFactory(vendor=vendor, name="+cmd|' /C calc'!A0"))
    client.force_login(analyst)

    vendors = download(client, "sales-by-vendor")
    products = download(client, "sales-by-product")

    assert vendors[0]["Vendor"] == "'=HYPERLINK(\"http://evil.example\")"
    assert products[0]["Product"] == "'+cmd|' /C calc'!A0"
    assert products[0]["Sales"] == "50000.00"  # numbers stay numbers


# --- who may see reports


@pytest.mark.parametrize("role", [Role.ANALYST, Role.MANAGER, Role.ADMINISTRATOR])
def test_platform_roles_open_the_catalogue(client, db, role):
    client.force_login(UserFactory(roles=[role]))

    response = client.get(reverse("analytics:report-list"))

    assert response.status_code == 200
    for report in REPORTS.values():
        assert reverse("analytics:report-detail", args=[report.slug]) in response.text


@pytest.mark.parametrize("slug", ALL_REPORTS)
def test_sellers_get_403_on_every_report_and_csv(client, seller_a, vendor_a, vendor_b, slug):
    client.force_login(seller_a)

    assert client.get(reverse("analytics:report-detail", args=[slug])).status_code == 403
    assert client.get(reverse("analytics:report-csv", args=[slug]), {"vendor": vendor_a.pk}).status_code == 403


@pytest.mark.parametrize("role", [Role.SELLER, Role.SUPPORT, Role.COURIER, None])
def test_other_people_cannot_open_the_catalogue(client, db, role):
    client.force_login(UserFactory(roles=[role] if role else []))

    response = client.get(reverse("analytics:report-list"))

    # back-office people are refused; people outside the back office are sent to the admin sign-in
    expected = 403 if role in (Role.SELLER, Role.SUPPORT) else 302
    assert response.status_code == expected


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(reverse("analytics:report-csv", args=["sales-by-day"]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


# --- a constant number of queries


def _more_sales(vendor_count=4, per_vendor=6):
    """Data of the same shape as known_sales (the same currencies), many times over."""
    for index in range(vendor_count):
        vendor = VendorFactory()
        product = ProductFactory(vendor=vendor)
        courier = UserFactory(roles=["Courier"])
        for day in range(per_vendor):
            order = sale(vendor, product, 2, days=day + 1, status="delivered", payment_status="paid")
            sale(vendor, product, days=day + 1, total=Money(5 + index, "EUR"), payment_method="sandbox")
            return_for(vendor, order=order)
            courier_earning(courier, order, 2000 + day)
            request = paid_request(vendor, days=day + 1, status="completed")
            type(request).objects.filter(pk=request.pk).update(assigned_at=request.created_at + timedelta(hours=1))
            CommissionFactory(reference=request.reference)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("slug", ALL_REPORTS)
def test_report_queries_do_not_grow_with_data(client, analyst, known, slug):
    client.force_login(analyst)
    page, csv_url = (reverse("analytics:report-detail", args=[slug]), reverse("analytics:report-csv", args=[slug]))
    client.get(page)  # warms the per-process caches (content types, exchange rates) for both measures

    small = (_queries(client, page), _queries(client, csv_url))
    _more_sales()
    large = (_queries(client, page), _queries(client, csv_url))

    assert large == small


# --- the sidebar


def _sidebar_links(client, user) -> set[str]:
    import re

    client.force_login(user)
    return set(re.findall(r'href="([^"?#]+)', client.get("/admin/").text))


def test_reports_and_rates_are_in_the_sidebar_for_analysts_only(client, analyst, seller_a):
    catalogue, rates = reverse("analytics:report-list"), reverse("admin:exchange_rate_changelist")

    assert {catalogue, rates} <= _sidebar_links(client, analyst)
    assert not {catalogue, rates} & _sidebar_links(client, seller_a)
