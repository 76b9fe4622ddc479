"""Ten checkouts race for a code with three uses, on PostgreSQL with real threads."""

import pytest
from django.db import transaction

from apps.promotions.models import PromoCode, PromoRedemption
from apps.promotions.services import PromoError, promo_redeem
from tests.factories import PromoCodeFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_three_uses_and_ten_checkouts_at_once_make_exactly_three_redemptions(run_concurrently):
    PromoCodeFactory(code="RUSH", max_uses=3)
    buyers = [UserFactory() for _ in range(10)]

    def checkout(i):
        with transaction.atomic():
            promo_redeem(code="RUSH", customer=buyers[i], reference=f"CHK-{i}")
        return "redeemed"

    outcomes = run_concurrently(checkout, 10)

    assert outcomes.count("redeemed") == 3, outcomes
    refusals = [outcome for outcome in outcomes if outcome != "redeemed"]
    assert all(isinstance(o, PromoError) and str(o) == "This promo code has been used up." for o in refusals)
    assert PromoCode.objects.get(code="RUSH").uses_count == 3
    assert PromoRedemption.objects.count() == 3


def test_one_customer_twice_at_once_with_a_one_use_per_customer_code(run_concurrently):
    PromoCodeFactory(code="ONCE", max_uses_per_customer=1)
    buyer = UserFactory()

    def checkout(i):
        with transaction.atomic():
            promo_redeem(code="ONCE", customer=buyer, reference=f"CHK-{i}")
        return "redeemed"

    outcomes = run_concurrently(checkout, 4)

    assert outcomes.count("redeemed") == 1, outcomes
    assert PromoCode.objects.get(code="ONCE").uses_count == 1
    assert PromoRedemption.objects.count() == 1
