"""A seller imports a product file through the admin: errors first, then the fixed file, in a real browser.

Elements are found by form field names, form actions and data attributes, never by CSS classes.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from apps.catalog.models import Product
from apps.dataio.samples import product_rows, to_csv
from tests.browser.test_journeys import log_in, submit
from tests.dataio.uploads import products_with_two_bad_rows
from tests.factories import PASSWORD, MembershipFactory, ServiceCategoryFactory

pytestmark = pytest.mark.browser


def _upload(page: Page, data: bytes) -> None:
    page.locator("select[name=format]").select_option(label="csv")
    page.locator("input[name=import_file]").set_input_files(
        files=[{"name": "products.csv", "mimeType": "text/csv", "buffer": data}])
    submit(page, "import_file")


def test_seller_imports_200_products_after_fixing_two_bad_rows(page: Page, live_server):
    # given a seller and a category (the live server starts from an empty database)
    seller = MembershipFactory(vendor__name="Madina Market", vendor__slug="madina-market",
                               user__email="owner.madina@example.com")
    category = ServiceCategoryFactory(slug="home", name="Home")
    rows, bad_file = products_with_two_bad_rows(seller.vendor, category)

    # when they open the product import page and sign in
    page.goto("/admin/catalog/product/import/")
    log_in(page, seller.user.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/admin/catalog/product/import/$"))

    # and upload a 200-row file with two bad rows
    _upload(page, bad_file)

    # then the preview names both rows (as numbered in the spreadsheet) and their columns, and nothing is written
    errors = page.locator("table.import-errors tbody tr")
    expect(errors).to_have_count(2)
    expect(errors.nth(0).locator("[data-column=row]")).to_have_text("52")
    expect(errors.nth(0).locator("[data-column=column]")).to_have_text("price")
    expect(errors.nth(1).locator("[data-column=row]")).to_have_text("152")
    expect(errors.nth(1).locator("[data-column=column]")).to_have_text("name")
    expect(page.locator("form[action$='/process_import/']")).to_have_count(0)
    assert not Product.objects.exists()

    # when they fix the two rows and upload the file again
    fixed = product_rows(200, vendor=seller.vendor.slug, category=category.slug)
    _upload(page, to_csv(fixed))

    # then the preview counts 200 new products, and confirming imports them
    expect(page.locator("[data-total=new]").first).to_have_text("200")
    assert not Product.objects.exists()
    page.locator("form[action$='/process_import/'] [type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/catalog/product/$"))
    expect(page.get_by_text(re.compile(r"Import finished: 200 new"))).to_be_visible()

    # and each of the 200 products waits for a moderator, with its history entry
    products = Product.objects.filter(vendor=seller.vendor)
    assert products.count() == 200
    assert set(products.values_list("moderation_status", flat=True)) == {"pending"}
    history = Product.history.filter(vendor_id=seller.vendor.pk)
    assert history.count() == 200
    assert set(history.values_list("history_user_id", flat=True)) == {seller.user.pk}
