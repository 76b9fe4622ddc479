"""An analyst in Chromium: the report catalogue, a chart drawn by unfold's Chart.js, a filter and a CSV download."""

from playwright.sync_api import Page, expect

from apps.accounts.roles import Role
from tests.analytics.builders import known_sales
from tests.factories import PASSWORD, UserFactory, VendorFactory


def test_analyst_reads_a_report_filters_it_and_downloads_the_csv(page: Page, live_server):
    # given known sales (live_server flushed the database, so they are made here) and an analyst
    alpha, bravo = VendorFactory(name="Alpha Store"), VendorFactory(name="Bravo Boutique")
    known_sales(alpha, bravo)
    analyst = UserFactory(email="analyst.browser@example.com", roles=[Role.ANALYST])

    # when the analyst signs in and opens a report from the catalogue
    page.goto("/admin/reports/")
    page.locator("input[name=login]").fill(analyst.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:has([name=login]) button[type=submit]").first.click()
    page.get_by_role("link", name="Sales by vendor").click()

    # then the table shows the figures in GNF and Chart.js (served by us, not a CDN) drew the chart
    expect(page.locator("table")).to_contain_text("Alpha Store")
    expect(page.locator("table")).to_contain_text("350,000")
    page.wait_for_function("() => window.Chart && Chart.getChart(document.querySelector('canvas.chart'))")

    # when they choose a vendor and show the report again
    page.get_by_label("Vendor", exact=True).select_option(label="Bravo Boutique")
    page.get_by_role("button", name="Show").click()

    # then the table is empty for that vendor, and the CSV follows the same filters
    expect(page.locator("table")).not_to_contain_text("Alpha Store")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    content = open(download.value.path(), encoding="utf-8").read()
    assert content.splitlines() == ["Vendor,Shop orders,Shop sales,Service requests,Service sales,Total sales"]
    assert download.value.suggested_filename.startswith("sales-by-vendor_")
