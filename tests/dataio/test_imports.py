"""Imports through the admin's pages: preview with counts or errors (row, column, reason), then confirm."""

import re

import pytest
import tablib
from djmoney.money import Money

from apps.accounts.models import User
from apps.catalog.models import Product, Service, ServiceCategory, ServiceTier
from apps.catalog.resources import ServiceCategoryResource, ServiceResource, ServiceTierResource
from apps.core.scoping import VendorScope
from apps.dataio.resources import import_errors
from apps.dataio.samples import PRODUCT_COLUMNS, product_rows, to_csv, to_xlsx
from apps.promotions.models import PromoCode
from tests.dataio.uploads import XLSX, confirm, products_with_two_bad_rows, upload
from tests.factories import ProductFactory, PromoCodeFactory, ServiceCategoryFactory, ServiceFactory, UserFactory

PRODUCTS = "/admin/catalog/product/"


@pytest.fixture
def home(db):
    return ServiceCategoryFactory(slug="home", name="Home")


def _error_table(response) -> list[tuple[str, str, str]]:
    body = response.content.decode()
    cells = re.findall(r'data-column="row">([^<]*)</td>\s*<td[^>]*data-column="column">([^<]*)</td>\s*'
                       r'<td[^>]*data-column="reason">([^<]*)</td>', body)
    return [(row.strip(), column.strip(), reason.strip()) for row, column, reason in cells]


def test_preview_names_both_bad_rows_and_their_columns_and_writes_nothing(client, seller_a, vendor_a, home):
    # given a seller's 200-row file with two bad rows
    _rows, data = products_with_two_bad_rows(vendor_a, home)
    client.force_login(seller_a)

    # when they upload it
    response = upload(client, PRODUCTS, data)

    # then the page names both rows (numbered as in the spreadsheet: the header is row 1) and columns
    assert response.status_code == 200
    errors = _error_table(response)
    assert [(row, column) for row, column, _reason in errors] == [("52", "price"), ("152", "name")]
    assert "Enter a price as a number" in errors[0][2] and "cannot be blank" in errors[1][2]
    assert not response.context.get("confirm_form")  # nothing to confirm
    assert not Product.objects.exists()


def test_fixed_file_imports_200_pending_products_each_with_its_history(client, seller_a, vendor_a, home):
    data = to_csv(product_rows(200, vendor=vendor_a.slug, category=home.slug))
    client.force_login(seller_a)

    preview = upload(client, PRODUCTS, data)
    assert preview.context["import_totals"] == {"new": 200, "update": 0, "skip": 0}
    assert not Product.objects.exists()  # the preview is a dry run
    response = confirm(client, PRODUCTS, preview)

    assert response.status_code == 302
    products = Product.objects.filter(vendor=vendor_a)
    assert products.count() == 200
    assert set(products.values_list("moderation_status", flat=True)) == {Product.Moderation.PENDING}
    history = Product.history.filter(vendor_id=vendor_a.pk)
    assert history.count() == 200 and history.values("id").distinct().count() == 200
    assert set(history.values_list("history_user_id", "history_change_reason")) == {
        (seller_a.pk, "Imported from products.csv")}


def test_the_same_file_twice_creates_no_duplicates(client, seller_a, vendor_a, home):
    data = to_csv(product_rows(30, vendor=vendor_a.slug, category=home.slug))
    client.force_login(seller_a)
    confirm(client, PRODUCTS, upload(client, PRODUCTS, data))

    preview = upload(client, PRODUCTS, data)
    confirm(client, PRODUCTS, preview)

    assert preview.context["import_totals"] == {"new": 0, "update": 0, "skip": 30}
    assert Product.objects.count() == 30 and Product.history.count() == 30


def test_xlsx_import(client, seller_a, vendor_a, home):
    data = to_xlsx(product_rows(12, vendor=vendor_a.slug, category=home.slug))
    client.force_login(seller_a)

    preview = upload(client, PRODUCTS, data, name="products.xlsx", file_format=XLSX)
    confirm(client, PRODUCTS, preview)

    assert preview.context["import_totals"]["new"] == 12
    product = Product.objects.get(slug="item-3")
    assert (product.vendor, product.price, product.stock) == (vendor_a, Money(1075, "GNF"), 3)


def test_a_row_naming_another_vendors_product_is_an_error_of_that_row(client, seller_a, vendor_a, vendor_b, home):
    ProductFactory(vendor=vendor_b, slug="bravo-kettle", name="Bravo kettle")
    rows = product_rows(3, vendor=vendor_a.slug, category=home.slug)
    rows[1][0] = "bravo-kettle"
    client.force_login(seller_a)

    response = upload(client, PRODUCTS, to_csv(rows))

    assert _error_table(response) == [("3", "slug", "This identifier cannot be used: choose another one.")]
    assert Product.objects.get(slug="bravo-kettle").name == "Bravo kettle"
    assert Product.objects.count() == 1


def test_the_same_key_twice_in_one_file_is_an_error(client, seller_a, vendor_a, home):
    rows = product_rows(3, vendor=vendor_a.slug, category=home.slug)
    rows[2][0] = rows[0][0].upper()
    client.force_login(seller_a)

    errors = _error_table(upload(client, PRODUCTS, to_csv(rows)))

    assert errors == [("4", "slug", "Row 2 of this file has the same slug: each row must be a different record.")]


def test_a_missing_key_column_is_reported_for_the_whole_file(client, seller_a, vendor_a, home):
    rows = [row[1:] for row in product_rows(2, vendor=vendor_a.slug, category=home.slug)]
    client.force_login(seller_a)

    response = upload(client, PRODUCTS, to_csv(rows, PRODUCT_COLUMNS[1:]))

    assert response.status_code == 200
    assert _error_table(response)[0][:2] == ("whole file", "—")
    assert not Product.objects.exists()


def test_staff_import_for_several_vendors_and_an_unknown_vendor_names_the_column(client, manager, vendor_a, vendor_b,
                                                                                  home):
    rows = product_rows(3, vendor=vendor_a.slug, category=home.slug)
    rows[1][1] = vendor_b.slug
    client.force_login(manager)
    confirm(client, PRODUCTS, upload(client, PRODUCTS, to_csv(rows)))
    assert Product.objects.filter(vendor=vendor_b).count() == 1

    rows[2][1] = "no-such-store"
    errors = _error_table(upload(client, PRODUCTS, to_csv(rows)))
    assert errors == [("4", "vendor", "There is no vendor with the slug “no-such-store”.")]


def test_the_page_tells_large_files_go_to_the_background(client, seller_a, settings):
    settings.IMPORT_BACKGROUND_THRESHOLD = 1234
    client.force_login(seller_a)
    assert "more than 1234 rows" in client.get(f"{PRODUCTS}import/").content.decode()


# --- customers


def test_customers_import_creates_and_updates_customers_but_never_staff(client, administrator, manager):
    UserFactory(email="awa@example.com", full_name="Awa", phone="")
    data = to_csv([["awa@example.com", "Awa Camara", "+224 620 00 00 01", "1"],
                   ["Binta.Diallo@Example.com", "Binta Diallo", "+224 620 00 00 02", "1"]],
                  ["email", "full_name", "phone", "is_active"])
    client.force_login(administrator)

    preview = upload(client, "/admin/accounts/user/", data, name="customers.csv")
    confirm(client, "/admin/accounts/user/", preview)

    assert preview.context["import_totals"] == {"new": 1, "update": 1, "skip": 0}
    assert User.objects.get(email="awa@example.com").phone == "+224 620 00 00 01"
    binta = User.objects.get(email="binta.diallo@example.com")
    assert binta.full_name == "Binta Diallo" and not binta.has_usable_password() and not binta.is_staff
    assert binta.history.get().history_user == administrator

    staff_row = to_csv([[manager.email, "Renamed", "", "1"]], ["email", "full_name", "phone", "is_active"])
    errors = _error_table(upload(client, "/admin/accounts/user/", staff_row, name="customers.csv"))
    assert [(row, column) for row, column, _reason in errors] == [("2", "email")]
    assert User.objects.get(pk=manager.pk).full_name != "Renamed"


def test_customers_import_is_for_those_who_may_add_people(client, manager):
    client.force_login(manager)
    assert client.get("/admin/accounts/user/import/").status_code == 403


# --- promo codes

PROMO_COLUMNS = ["code", "vendor", "kind", "percent_off", "amount_off", "amount_off_currency", "valid_from",
                 "max_uses", "is_active"]


def test_seller_imports_promo_codes_for_their_own_store_with_the_forms_checks(client, seller_a, vendor_a, vendor_b):
    rows = [["ramadan-10", vendor_b.slug, "percent", "10", "", "", "2030-01-01 00:00:00", "100", "1"],
            ["TABASKI", "", "fixed", "", "5000", "GNF", "2030-01-01 00:00:00", "", "1"]]
    client.force_login(seller_a)

    confirm(client, "/admin/promotions/promocode/", upload(client, "/admin/promotions/promocode/",
                                                           to_csv(rows, PROMO_COLUMNS), name="codes.csv"))

    codes = {promo.code: promo for promo in PromoCode.objects.all()}
    assert set(codes) == {"RAMADAN-10", "TABASKI"}
    assert {promo.vendor for promo in codes.values()} == {vendor_a}
    assert codes["TABASKI"].amount_off == Money(5000, "GNF") and codes["TABASKI"].percent_off is None


def test_promo_code_rows_break_the_same_rules_as_the_form(client, seller_a, vendor_a, vendor_b):
    PromoCodeFactory(vendor=vendor_b, code="BRAVO-5")
    rows = [["x!", "", "percent", "10", "", "", "2030-01-01 00:00:00", "", "1"],
            ["NOPERCENT", "", "percent", "", "", "", "2030-01-01 00:00:00", "", "1"],
            ["bravo-5", "", "percent", "20", "", "", "2030-01-01 00:00:00", "", "1"]]
    client.force_login(seller_a)

    errors = _error_table(upload(client, "/admin/promotions/promocode/", to_csv(rows, PROMO_COLUMNS),
                                 name="codes.csv"))

    assert errors == [
        ("2", "code", "Use 3 to 40 letters, digits, dashes or underscores, e.g. RAMADAN-10."),
        ("3", "percent_off", "Give the percentage taken off, from 0 to 100."),
        ("4", "code", "This identifier cannot be used: choose another one.")]
    assert PromoCode.objects.count() == 1


# --- services, tiers, categories


def _import(resource_class, user, headers, rows):
    resource = resource_class(vendor_scope=VendorScope.for_user(user))
    result = resource.import_data(tablib.Dataset(*rows, headers=headers), dry_run=False, user=user)
    return import_errors(result, resource)


def test_services_and_their_tiers_by_natural_key(seller_a, vendor_a, vendor_b, home):
    service_headers = ["slug", "vendor", "category", "name", "short_description", "base_price", "base_price_currency"]
    assert _import(ServiceResource, seller_a, service_headers,
                   [["wash", "", "home", "Car wash", "Shiny", "150 000", "GNF"]]) == []
    tier_headers = ["service", "name", "price", "price_currency", "sort_order"]
    rows = [["wash", "Basic", "100000", "GNF", "0"], ["wash", "Premium", "250000", "GNF", "1"]]
    assert _import(ServiceTierResource, seller_a, tier_headers, rows) == []
    assert _import(ServiceTierResource, seller_a, tier_headers, rows) == []  # again: no duplicate

    service = Service.objects.get(slug="wash")
    assert service.vendor == vendor_a and service.base_price == Money(150000, "GNF")
    assert list(service.tiers.values_list("name", flat=True)) == ["Basic", "Premium"]

    ServiceFactory(vendor=vendor_b, slug="bravo-repair")
    errors = _import(ServiceTierResource, seller_a, tier_headers, [["bravo-repair", "Basic", "1000", "GNF", "0"],
                                                                   ["nothing", "Basic", "1000", "GNF", "0"]])
    assert [(error.row, error.column, error.reason) for error in errors] == [
        (2, "service", "You can only import rows for your own vendor."),
        (3, "service", "There is no service with the slug “nothing”.")]
    assert ServiceTier.objects.count() == 2


def test_categories_import_with_parents(manager, home):
    errors = _import(ServiceCategoryResource, manager, ["slug", "name", "parent", "ordering"],
                     [["kitchen", "Kitchen", "home", "1"], ["pots", "Pots", "kitchen", "2"]])
    assert errors == []
    assert ServiceCategory.objects.get(slug="pots").parent.parent == home
