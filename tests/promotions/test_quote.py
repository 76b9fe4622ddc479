from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from djmoney.money import Money

from apps.promotions.models import PromoRedemption
from apps.promotions.services import PricedLine, PromoError, promo_quote, split_by_vendor
from tests.factories import PromoCodeFactory, ServiceCategoryFactory, UserFactory, VendorFactory

pytestmark = pytest.mark.django_db


def gnf(amount) -> Money:
    return Money(amount, "GNF")


@pytest.fixture
def buyer(db):
    return UserFactory()


@pytest.fixture
def phones(db):
    return ServiceCategoryFactory(name="Phones", slug="phones")


@pytest.fixture
def clothes(db):
    return ServiceCategoryFactory(name="Clothes", slug="clothes")


def quote(code, buyer, lines):
    return promo_quote(code=code, customer=buyer, lines=lines)


def refusal(code, buyer, lines) -> str:
    with pytest.raises(PromoError) as error:
        quote(code, buyer, lines)
    return str(error.value)


def test_percent_code_takes_its_share_of_the_cart_in_any_case(buyer, vendor_a, phones):
    PromoCodeFactory(code="RAMADAN-10", percent_off="10")
    result = quote("  ramadan-10 ", buyer, [PricedLine(vendor_a.pk, phones.pk, gnf(120000))])
    assert result.code == "RAMADAN-10"
    assert result.discount == gnf(12000)
    assert result.per_vendor == {vendor_a.pk: gnf(12000)}


def test_percent_rounds_to_the_currency_minor_unit(buyer, vendor_a, phones):
    PromoCodeFactory(code="ODD", percent_off="12.5")
    result = quote("ODD", buyer, [PricedLine(vendor_a.pk, phones.pk, gnf(999))])
    assert result.discount.amount == Decimal("125")  # 124.875 GNF, and GNF has no minor unit


def test_fixed_code_is_capped_at_the_eligible_total(buyer, vendor_a, phones):
    PromoCodeFactory(code="BIG", fixed=True, amount_off=gnf(50000))
    assert quote("BIG", buyer, [PricedLine(vendor_a.pk, phones.pk, gnf(30000))]).discount == gnf(30000)
    PromoCodeFactory(code="SMALL", fixed=True, amount_off=gnf(5000))
    assert quote("SMALL", buyer, [PricedLine(vendor_a.pk, phones.pk, gnf(30000))]).discount == gnf(5000)


def test_vendor_code_applies_to_that_vendors_lines_only(buyer, vendor_a, vendor_b, phones):
    PromoCodeFactory(code="ALPHA", vendor=vendor_a, percent_off="50")
    result = quote("ALPHA", buyer, [PricedLine(vendor_a.pk, phones.pk, gnf(10000)),
                                    PricedLine(vendor_b.pk, phones.pk, gnf(90000))])
    assert result.discount == gnf(5000)
    assert result.per_vendor == {vendor_a.pk: gnf(5000), vendor_b.pk: gnf(0)}


def test_category_code_covers_subcategories_and_nothing_else(buyer, vendor_a, phones, clothes):
    cases = ServiceCategoryFactory(name="Cases", slug="cases", parent=phones)
    PromoCodeFactory(code="PHONES", category=phones, percent_off="10")
    result = quote("PHONES", buyer, [PricedLine(vendor_a.pk, cases.pk, gnf(20000)),
                                     PricedLine(vendor_a.pk, clothes.pk, gnf(80000))])
    assert result.discount == gnf(2000)


def test_platform_code_is_split_between_vendors_and_sums_exactly(buyer, phones):
    vendors = [VendorFactory() for _ in range(3)]
    PromoCodeFactory(code="ALL", fixed=True, amount_off=gnf(1000))
    lines = [PricedLine(vendor.pk, phones.pk, gnf(10000)) for vendor in vendors]
    result = quote("ALL", buyer, lines)
    assert sum(result.per_vendor.values(), gnf(0)) == gnf(1000)
    assert sorted(money.amount for money in result.per_vendor.values()) == [333, 333, 334]


@pytest.mark.parametrize("totals, discount", [
    ([1, 1, 1], 2), ([7, 13, 29, 51], 17), ([100000, 1], 99999), ([5, 5], 10), ([3, 0, 4], 5),
    ([123457, 98765, 1111, 7], 22221),
])
def test_split_sums_exactly_and_never_exceeds_a_vendors_total(totals, discount):
    shares = split_by_vendor(discount=gnf(discount), totals={i: gnf(t) for i, t in enumerate(totals, start=1)})
    assert sum(shares.values(), gnf(0)) == gnf(discount)
    assert all(gnf(0) <= shares[i] <= gnf(t) for i, t in enumerate(totals, start=1))


def test_split_keeps_cents_for_a_currency_that_has_them():
    shares = split_by_vendor(discount=Money("10.00", "EUR"), totals={1: Money(1, "EUR"), 2: Money(1, "EUR"),
                                                                     3: Money(1, "EUR")})
    assert sorted(share.amount for share in shares.values()) == [Decimal("3.33"), Decimal("3.33"), Decimal("3.34")]


def test_unknown_and_inactive_codes_are_refused(buyer, vendor_a, phones):
    lines = [PricedLine(vendor_a.pk, phones.pk, gnf(10000))]
    assert "“NOPE” does not exist or is no longer active" in refusal("NOPE", buyer, lines)
    PromoCodeFactory(code="PAUSED", is_active=False)
    assert "does not exist or is no longer active" in refusal("PAUSED", buyer, lines)
    assert refusal("  ", buyer, lines) == "Enter a promo code."


def test_a_suspended_sellers_codes_stop_working(buyer, vendor_a, phones):
    PromoCodeFactory(code="ALPHA", vendor=vendor_a)
    vendor_a.status = "suspended"
    vendor_a.save()
    assert "no longer active" in refusal("ALPHA", buyer, [PricedLine(vendor_a.pk, phones.pk, gnf(10000))])


def test_not_yet_valid_and_expired_codes_say_when(buyer, vendor_a, phones):
    now = timezone.now()
    lines = [PricedLine(vendor_a.pk, phones.pk, gnf(10000))]
    PromoCodeFactory(code="SOON", valid_from=now + timedelta(days=2))
    PromoCodeFactory(code="OLD", valid_from=now - timedelta(days=10), valid_until=now - timedelta(days=1))
    assert refusal("SOON", buyer, lines).startswith("This promo code can be used from ")
    assert refusal("OLD", buyer, lines).startswith("This promo code expired on ")


def test_minimum_order_names_the_amount_and_what_is_missing(buyer, vendor_a, phones):
    PromoCodeFactory(code="MIN", min_order=gnf(100000))
    message = refusal("MIN", buyer, [PricedLine(vendor_a.pk, phones.pk, gnf(60000))])
    assert "at least 100,000\xa0GNF" in message and "add 40,000\xa0GNF more" in message
    assert quote("MIN", buyer, [PricedLine(vendor_a.pk, phones.pk, gnf(100000))]).discount == gnf(10000)


def test_minimum_order_counts_only_the_products_the_code_covers(buyer, vendor_a, vendor_b, phones):
    PromoCodeFactory(code="ALPHA-MIN", vendor=vendor_a, min_order=gnf(50000))
    lines = [PricedLine(vendor_a.pk, phones.pk, gnf(20000)), PricedLine(vendor_b.pk, phones.pk, gnf(90000))]
    assert "at least 50,000\xa0GNF" in refusal("ALPHA-MIN", buyer, lines)


def test_code_for_other_products_or_seller_explains_its_scope(buyer, vendor_a, vendor_b, phones, clothes):
    PromoCodeFactory(code="BRAVO", vendor=vendor_b)
    PromoCodeFactory(code="CLOTHES", category=clothes)
    lines = [PricedLine(vendor_a.pk, phones.pk, gnf(10000))]
    assert refusal("BRAVO", buyer, lines) == "This promo code only applies to products sold by Bravo Boutique."
    assert refusal("CLOTHES", buyer, lines) == "This promo code only applies to products in Clothes."


def test_used_up_code_is_refused(buyer, vendor_a, phones):
    PromoCodeFactory(code="GONE", max_uses=2, uses_count=2)
    assert refusal("GONE", buyer, [PricedLine(vendor_a.pk, phones.pk, gnf(10000))]) == (
        "This promo code has been used up.")


def test_code_already_used_by_this_customer_is_refused_to_them_only(buyer, vendor_a, phones):
    promo = PromoCodeFactory(code="ONCE", max_uses_per_customer=1, uses_count=1)
    PromoRedemption.objects.create(promo=promo, customer=buyer, reference="CHK-1")
    lines = [PricedLine(vendor_a.pk, phones.pk, gnf(10000))]
    assert refusal("ONCE", buyer, lines) == "You have already used this promo code."
    assert quote("ONCE", UserFactory(), lines).discount == gnf(1000)


def test_a_released_use_does_not_count_against_the_customer(buyer, vendor_a, phones):
    promo = PromoCodeFactory(code="ONCE", max_uses_per_customer=1)
    PromoRedemption.objects.create(promo=promo, customer=buyer, reference="CHK-1", released_at=timezone.now())
    assert quote("ONCE", buyer, [PricedLine(vendor_a.pk, phones.pk, gnf(10000))]).discount == gnf(1000)


def test_empty_cart_is_refused(buyer):
    PromoCodeFactory(code="ANY")
    assert refusal("ANY", buyer, []) == "Your cart is empty."


def test_a_guest_gets_a_quote_the_per_customer_limit_waits_for_the_checkout(vendor_a, phones):
    from django.contrib.auth.models import AnonymousUser

    PromoCodeFactory(code="ONCE", max_uses_per_customer=1)
    assert quote("ONCE", AnonymousUser(), [PricedLine(vendor_a.pk, phones.pk, gnf(10000))]).discount == gnf(1000)


def test_fixed_code_in_another_currency_is_refused(buyer, vendor_a, phones):
    PromoCodeFactory(code="EURO", fixed=True, amount_off=Money(5, "EUR"))
    assert refusal("EURO", buyer, [PricedLine(vendor_a.pk, phones.pk, gnf(10000))]) == (
        "This promo code cannot be used with prices in GNF.")
