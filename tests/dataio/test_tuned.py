"""The tuned import (bulk writes, cached lookups, no diff) does exactly what the library's default path does.

Each case imports the same file twice over the same data, once each way (rolled back in between),
and compares the counts, the errors, every row of the table and every history row.
"""

import pytest
import tablib
from django.db import transaction
from djmoney.money import Money

from apps.accounts.models import User
from apps.accounts.resources import CustomerResource
from apps.catalog.models import Service, ServiceCategory, ServiceTier
from apps.catalog.resources import ProductResource, ServiceCategoryResource, ServiceResource, ServiceTierResource
from apps.core.scoping import VendorScope
from apps.dataio.resources import import_errors, tuned
from apps.dataio.samples import PRODUCT_COLUMNS, product_rows
from apps.promotions.models import PromoCode
from apps.promotions.resources import PromoCodeResource
from tests.factories import (
    ProductFactory,
    PromoCodeFactory,
    ServiceCategoryFactory,
    ServiceFactory,
    ServiceTierFactory,
    UserFactory,
)

# Differ between two runs by nature: database ids, clocks, random unusable passwords.
VOLATILE = {"id", "created_at", "updated_at", "history_id", "history_date", "password", "date_joined", "last_login",
            "history_relation_id"}


def _table(model):
    rows = [{key: value for key, value in row.items() if key not in VOLATILE} for row in model.objects.values()]
    # a category's parent by slug: its id depends on the run (PostgreSQL sequences are not rolled back)
    slugs = dict(ServiceCategory.objects.values_list("pk", "slug"))
    for row in rows:
        if "parent_id" in row:
            row["parent_id"] = slugs.get(row["parent_id"])
    return sorted(rows, key=repr)


def _outcome(resource_class, dataset, user):
    resource = resource_class(vendor_scope=VendorScope.for_user(user))
    result = resource.import_data(dataset, dry_run=False, user=user, file_name="catalogue.csv")
    model = resource_class._meta.model
    return {"totals": dict(result.totals), "errors": import_errors(result, resource), "rows": _table(model),
            "history": _table(model.history.model)}


def both_ways(resource_class, headers, rows, user):
    outcomes = []
    for resource in (resource_class, tuned(resource_class)):
        with transaction.atomic():
            outcomes.append(_outcome(resource, tablib.Dataset(*rows, headers=headers), user))
            transaction.set_rollback(True)
    return outcomes


@pytest.fixture
def home(db):
    return ServiceCategoryFactory(slug="home", name="Home")


def test_tuned_resource_really_is_tuned():
    meta = tuned(ProductResource)._meta
    assert (meta.use_bulk, meta.skip_diff, meta.batch_size) == (True, True, 1000)
    # categories keep save(): their history also records the eligible providers (many-to-many)
    assert tuned(ServiceCategoryResource)._meta.use_bulk is False


@pytest.mark.parametrize("who", ["seller", "staff"])
def test_products_new_updated_unchanged_and_sent_back_to_review(who, seller_a, vendor_a, manager, home):
    # given approved products, some of which the file changes
    for n in range(1, 6):
        ProductFactory(vendor=vendor_a, category=home, slug=f"item-{n}", name=f"Product item {n}",
                       description=f"Sample product number {n}.", brand="Sahel", colour="red", stock=n % 40,
                       price=Money(1000 + n * 25, "GNF"), moderation_status="approved")
    rows = product_rows(12, vendor=vendor_a.slug, category="home")
    rows[0][7] = "99000"  # item-1: new price -> back to review
    rows[1][9] = "17"  # item-2: new stock -> stays approved
    user = seller_a if who == "seller" else manager

    default, fast = both_ways(ProductResource, PRODUCT_COLUMNS, rows, user)

    assert default == fast
    # item-5 has the same values as in the file (brand Sahel, colour red): unchanged, skipped
    assert [default["totals"][kind] for kind in ("new", "update", "skip")] == [7, 4, 1] and not default["errors"]
    statuses = {row["slug"]: row["moderation_status"] for row in default["rows"]}
    assert (statuses["item-1"], statuses["item-2"], statuses["item-12"]) == ("pending", "approved", "pending")
    assert {row["history_user_id"] for row in default["history"] if row["history_type"] != "+" or
            row["slug"] == "item-12"} == {user.pk}


def test_unchanged_rows_are_skipped_both_ways(seller_a, vendor_a, home):
    rows = product_rows(4, vendor=vendor_a.slug, category="home")
    resource = ProductResource(vendor_scope=VendorScope.for_user(seller_a))
    resource.import_data(tablib.Dataset(*rows, headers=PRODUCT_COLUMNS), dry_run=False, user=seller_a)

    default, fast = both_ways(ProductResource, PRODUCT_COLUMNS, rows, seller_a)

    assert default == fast
    assert (default["totals"]["skip"], len(default["history"])) == (4, 4)


def test_errors_are_the_same_and_nothing_is_written(seller_a, vendor_a, vendor_b, home):
    ProductFactory(vendor=vendor_b, slug="bravo-kettle")
    rows = product_rows(6, vendor=vendor_a.slug, category="home")
    rows[1][7] = "cheap"
    rows[2][2] = "no-such-category"
    rows[3][0] = "bravo-kettle"  # another vendor's product
    rows[4][0] = rows[5][0]  # the same slug twice

    default, fast = both_ways(ProductResource, PRODUCT_COLUMNS, rows, seller_a)

    assert default == fast
    assert [(error.row, error.column) for error in default["errors"]] == [
        (3, "price"), (4, "category"), (5, "slug"), (7, "slug")]
    assert [row["slug"] for row in default["rows"]] == ["bravo-kettle"]


def test_services_and_tiers(seller_a, vendor_a, home):
    service = ServiceFactory(vendor=vendor_a, category=home, slug="wash", name="Car wash")
    ServiceTierFactory(service=service, name="Basic", price=Money(1000, "GNF"))
    service_rows = [["wash", vendor_a.slug, "home", "Car wash", "Shiny", "", "2000", "GNF", "1", "60"],
                    ["paint", vendor_a.slug, "home", "Painting", "Walls", "", "90 000", "GNF", "1", ""]]
    headers = ["slug", "vendor", "category", "name", "short_description", "description", "base_price",
               "base_price_currency", "is_active", "duration_minutes"]
    default, fast = both_ways(ServiceResource, headers, service_rows, seller_a)
    assert default == fast and (default["totals"]["new"], default["totals"]["update"]) == (1, 1)

    tier_rows = [["wash", "Basic", "1000", "GNF", "0"], ["wash", "Premium", "5000", "GNF", "1"],
                 ["wash", "Gold", "x", "GNF", "2"]]
    default, fast = both_ways(ServiceTierResource, ["service", "name", "price", "price_currency", "sort_order"],
                              tier_rows, seller_a)
    assert default == fast
    assert [(error.row, error.column) for error in default["errors"]] == [(4, "price")]
    assert ServiceTier.objects.count() == 1 and Service.objects.count() == 1


def test_categories_with_a_parent_named_earlier_in_the_file(manager, home):
    before = ServiceCategory.objects.count()  # the reference categories are there too
    rows = [["kitchen", "Kitchen", "home", "", "1"], ["pots", "Pots", "kitchen", "", "2"], ["home", "Home", "", "", "0"]]
    default, fast = both_ways(ServiceCategoryResource, ["slug", "name", "parent", "icon", "ordering"], rows, manager)
    assert default == fast
    assert (default["totals"]["new"], default["totals"]["skip"], default["errors"]) == (2, 1, [])
    assert ServiceCategory.objects.count() == before


def test_customers(administrator):
    UserFactory(email="awa@example.com", full_name="Awa")
    rows = [["awa@example.com", "Awa Camara", "+224 620 00 00 01", "1"], ["New@Example.com", "Binta", "", ""],
            [administrator.email, "Root", "", "1"], ["not-an-address", "X", "", ""]]
    default, fast = both_ways(CustomerResource, ["email", "full_name", "phone", "is_active"], rows, administrator)
    assert default == fast
    assert [(error.row, error.column) for error in default["errors"]] == [(4, "email"), (5, "email")]
    assert User.objects.filter(email="new@example.com").count() == 0  # all or nothing


def test_promo_codes(seller_a, vendor_a, home):
    PromoCodeFactory(vendor=vendor_a, code="RAMADAN-10", percent_off="10.00")
    headers = ["code", "vendor", "kind", "percent_off", "amount_off", "amount_off_currency", "category", "valid_from",
               "max_uses", "is_active"]
    rows = [["ramadan-10", "", "percent", "15", "", "", "", "2030-01-01 00:00:00", "100", "1"],
            ["tabaski", "", "fixed", "", "5000", "GNF", "home", "2030-01-01 00:00:00", "", "1"]]
    default, fast = both_ways(PromoCodeResource, headers, rows, seller_a)
    assert default == fast
    assert (default["totals"]["new"], default["totals"]["update"], default["errors"]) == (1, 1, [])
    assert {row["code"]: row["vendor_id"] for row in default["rows"]} == {"RAMADAN-10": vendor_a.pk,
                                                                          "TABASKI": vendor_a.pk}
    assert PromoCode.objects.get().percent_off == 10  # rolled back after each way
