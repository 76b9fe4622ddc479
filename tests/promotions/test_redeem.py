from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from apps.promotions.models import PromoCode, PromoRedemption
from apps.promotions.services import PromoError, promo_redeem, promo_release
from tests.factories import PromoCodeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer(db):
    return UserFactory()


def uses(code: str) -> int:
    return PromoCode.objects.get(code=code).uses_count


def test_redeem_takes_one_use_and_records_who_and_which_checkout(buyer):
    PromoCodeFactory(code="TEN", max_uses=5)
    promo_redeem(code="ten", customer=buyer, reference="CHK-1")
    assert uses("TEN") == 1
    redemption = PromoRedemption.objects.get()
    assert (redemption.customer, redemption.reference, redemption.released_at) == (buyer, "CHK-1", None)


def test_redeeming_the_same_checkout_twice_takes_one_use(buyer):
    PromoCodeFactory(code="TEN")
    promo_redeem(code="TEN", customer=buyer, reference="CHK-1")
    promo_redeem(code="TEN", customer=buyer, reference="CHK-1")
    assert uses("TEN") == 1 and PromoRedemption.objects.count() == 1


def test_redeem_refuses_a_used_up_code_and_changes_nothing(buyer):
    PromoCodeFactory(code="LAST", max_uses=1)
    promo_redeem(code="LAST", customer=buyer, reference="CHK-1")
    with pytest.raises(PromoError, match="This promo code has been used up."):
        promo_redeem(code="LAST", customer=UserFactory(), reference="CHK-2")
    assert uses("LAST") == 1 and PromoRedemption.objects.count() == 1


def test_per_customer_limit_gives_the_use_back_even_when_the_caller_goes_on(buyer):
    PromoCodeFactory(code="ONCE", max_uses_per_customer=1)
    promo_redeem(code="ONCE", customer=buyer, reference="CHK-1")
    with transaction.atomic():  # the checkout's transaction, which catches the refusal and carries on
        with pytest.raises(PromoError, match="You have already used this promo code."):
            promo_redeem(code="ONCE", customer=buyer, reference="CHK-2")
    assert uses("ONCE") == 1 and PromoRedemption.objects.count() == 1


def test_redeem_checks_the_code_is_still_valid(buyer):
    PromoCodeFactory(code="OLD", valid_from=timezone.now() - timedelta(days=3),
                     valid_until=timezone.now() - timedelta(seconds=1))
    with pytest.raises(PromoError, match="expired"):
        promo_redeem(code="OLD", customer=buyer, reference="CHK-1")
    assert uses("OLD") == 0


def test_release_gives_the_use_back_once(buyer):
    PromoCodeFactory(code="LAST", max_uses=1)
    promo_redeem(code="LAST", customer=buyer, reference="CHK-1")
    promo_release(reference="CHK-1")
    promo_release(reference="CHK-1")
    assert uses("LAST") == 0
    assert PromoRedemption.objects.get().released_at is not None
    # the use is free again, for anyone
    promo_redeem(code="LAST", customer=UserFactory(), reference="CHK-2")
    assert uses("LAST") == 1


def test_release_of_an_unknown_reference_does_nothing():
    promo_release(reference="CHK-NONE")
    assert PromoRedemption.objects.count() == 0


def test_a_released_checkout_may_redeem_again(buyer):
    PromoCodeFactory(code="TEN", max_uses_per_customer=1)
    promo_redeem(code="TEN", customer=buyer, reference="CHK-1")
    promo_release(reference="CHK-1")
    promo_redeem(code="TEN", customer=buyer, reference="CHK-1")
    assert uses("TEN") == 1
    assert PromoRedemption.objects.get().released_at is None
