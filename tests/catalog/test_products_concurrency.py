"""Moderation and bulk price changes racing on PostgreSQL with real threads."""

from decimal import Decimal

import pytest
from djmoney.money import Money

from apps.accounts.roles import Role
from apps.catalog import products
from apps.catalog.models import Product
from apps.notifications.models import EmailLog
from tests.factories import ProductFactory, UserFactory, VendorFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_five_moderators_approving_at_once_make_one_approval_and_one_email(run_concurrently):
    product = ProductFactory(vendor=VendorFactory(), moderation_status="pending")
    moderators = [UserFactory(roles=[Role.SUPPORT]) for _ in range(5)]

    outcomes = run_concurrently(
        lambda i: products.product_approve(product_id=product.pk, moderator=moderators[i]).moderation_status, 5)

    assert outcomes.count("approved") == 1, outcomes
    refused = [outcome for outcome in outcomes if outcome != "approved"]
    assert all(isinstance(error, products.ProductError) and "already approved" in str(error) for error in refused)
    assert EmailLog.objects.filter(kind="catalog.moderation").count() == 1  # the vendor's contact address


def test_two_price_changes_at_once_both_apply(run_concurrently):
    vendor = VendorFactory()
    seller = UserFactory()
    items = [ProductFactory(vendor=vendor, price=Money(100_000, "GNF")) for _ in range(3)]
    ids = [item.pk for item in items]

    outcomes = run_concurrently(lambda i: len(products.product_change_price_percent(
        product_ids=ids if i else ids[::-1], percent=Decimal("10"), actor=seller)), 2)

    assert outcomes == [3, 3]
    # each change read the other's result: no lost update
    assert set(Product.objects.values_list("price", flat=True)) == {Decimal("121000.00")}
