"""Product import/export: money as amount + currency columns, and imported content always waits for review."""

import tablib
from djmoney.money import Money

from apps.catalog.models import Product
from apps.catalog.resources import ProductResource
from apps.core.scoping import VendorScope
from tests.factories import ProductFactory, ServiceCategoryFactory

HEADERS = ["slug", "vendor", "category", "name", "description", "price", "price_currency", "stock",
           "moderation_status"]


def _import(user, rows):
    resource = ProductResource(vendor_scope=VendorScope.for_user(user))
    return resource.import_data(tablib.Dataset(*rows, headers=HEADERS), dry_run=False)


def test_export_has_amount_and_currency_columns_and_the_moderation_state(vendor_a):
    ProductFactory(vendor=vendor_a, slug="kettle", price=Money(195_000, "GNF"), moderation_status="rejected",
                   rejection_reason="Blurry photo")

    row = ProductResource().export().dict[0]

    assert (row["slug"], row["vendor"], row["price"], row["price_currency"]) == ("kettle", "alpha-store",
                                                                                 "195000.00", "GNF")
    assert (row["moderation_status"], row["rejection_reason"]) == ("rejected", "Blurry photo")


def test_imported_products_wait_for_review_whatever_the_file_says(seller_a, vendor_a, vendor_b):
    category = ServiceCategoryFactory(slug="home")

    result = _import(seller_a, [("kettle", vendor_b.slug, "home", "Kettle", "1.7 L", "195000", "GNF", "8",
                                 "approved")])

    assert not result.has_errors() and not result.has_validation_errors()
    product = Product.objects.get(slug="kettle")
    assert product.vendor == vendor_a  # a seller's rows are always their own vendor's
    assert (product.category, product.price, product.stock) == (category, Money(195_000, "GNF"), 8)
    assert product.moderation_status == Product.Moderation.PENDING


def test_reimporting_a_new_price_sends_the_product_back_to_review_but_stock_does_not(seller_a, vendor_a):
    category = ServiceCategoryFactory(slug="home")
    priced = ProductFactory(vendor=vendor_a, category=category, slug="blender", name="Blender", description="")
    stocked = ProductFactory(vendor=vendor_a, category=category, slug="iron", name="Iron", description="")

    result = _import(seller_a, [
        ("blender", vendor_a.slug, "home", "Blender", "", "55000", "GNF", "10", "approved"),
        ("iron", vendor_a.slug, "home", "Iron", "", "50000", "GNF", "3", "approved"),
    ])

    assert not result.has_errors() and not result.has_validation_errors()
    priced.refresh_from_db()
    stocked.refresh_from_db()
    assert (priced.price, priced.moderation_status) == (Money(55_000, "GNF"), Product.Moderation.PENDING)
    assert (stocked.stock, stocked.moderation_status) == (3, Product.Moderation.APPROVED)


def test_one_bad_row_imports_nothing_and_names_the_row(seller_a, vendor_a):
    ServiceCategoryFactory(slug="home")

    result = _import(seller_a, [
        ("fan", vendor_a.slug, "home", "Fan", "", "780 000", "GNF", "5", ""),
        ("lamp", vendor_a.slug, "home", "Lamp", "", "cheap", "GNF", "5", ""),
        ("mat", vendor_a.slug, "home", "", "", "1000", "GNF", "-2", ""),
    ])

    assert not result.has_errors()
    assert [row.number for row in result.invalid_rows] == [2, 3]
    assert result.invalid_rows[0].error_dict == {"price": ["Enter a price as a number, for example 150000."]}
    assert set(result.invalid_rows[1].error_dict) == {"name", "stock"}
    assert not Product.objects.exists()
