from datetime import timedelta

import pytest
from django.utils import timezone
from djmoney.money import Money

from apps.loyalty.models import LoyaltyAccount, LoyaltyEntry
from apps.loyalty.selectors import loyalty_next_expiry
from apps.loyalty.services import (
    LoyaltyError,
    loyalty_balance,
    loyalty_earn,
    loyalty_expire_due,
    loyalty_points_value,
    loyalty_redeem,
    loyalty_restore,
    loyalty_reverse_earned,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
Kind = LoyaltyEntry.Kind


@pytest.fixture
def buyer(db):
    return UserFactory()


def gnf(amount) -> Money:
    return Money(amount, "GNF")


def ledger_sum(user) -> int:
    return sum(LoyaltyEntry.objects.filter(user=user).values_list("points", flat=True))


def age_entries(user, days: int) -> None:
    """Move the user's ledger into the past, as if it had been written `days` ago."""
    for entry in LoyaltyEntry.objects.filter(user=user):
        LoyaltyEntry.objects.filter(pk=entry.pk).update(
            created_at=entry.created_at - timedelta(days=days),
            expires_at=entry.expires_at - timedelta(days=days) if entry.expires_at else None)


def test_earn_one_point_per_ten_units_paid_and_once_per_reference(buyer):
    assert loyalty_earn(user=buyer, amount_paid=gnf(12345), reference="ORD-1") == 1234
    assert loyalty_earn(user=buyer, amount_paid=gnf(12345), reference="ORD-1") == 1234
    assert loyalty_balance(user=buyer) == 1234 == ledger_sum(buyer)
    entry = LoyaltyEntry.objects.get()
    assert entry.kind == Kind.EARN and entry.expires_at > timezone.now() + timedelta(days=364)


def test_earn_follows_the_settings(buyer, settings):
    settings.LOYALTY_EARN_UNIT = 1000
    assert loyalty_earn(user=buyer, amount_paid=gnf(25999), reference="ORD-1") == 25


def test_earning_nothing_writes_nothing(buyer):
    assert loyalty_earn(user=buyer, amount_paid=gnf(9), reference="ORD-1") == 0
    assert LoyaltyEntry.objects.count() == 0


def test_earn_refuses_another_currency(buyer):
    with pytest.raises(LoyaltyError, match="in GNF only, not EUR"):
        loyalty_earn(user=buyer, amount_paid=Money(100, "EUR"), reference="ORD-1")


def test_points_value_in_base_currency(settings):
    assert loyalty_points_value(points=250) == gnf(250)
    settings.LOYALTY_POINT_VALUE = 5
    assert loyalty_points_value(points=250) == gnf(1250)


def test_redeem_spends_points_and_refuses_more_than_the_balance(buyer):
    loyalty_earn(user=buyer, amount_paid=gnf(1000), reference="ORD-1")
    loyalty_redeem(user=buyer, points=60, reference="CHK-1")
    assert loyalty_balance(user=buyer) == 40
    with pytest.raises(LoyaltyError, match="You have 40 points: you cannot use 41."):
        loyalty_redeem(user=buyer, points=41, reference="CHK-2")
    assert loyalty_balance(user=buyer) == 40 == ledger_sum(buyer)
    assert LoyaltyEntry.objects.get(kind=Kind.REDEEM).points == -60


def test_redeem_without_an_account_is_a_clear_refusal(buyer):
    with pytest.raises(LoyaltyError, match="You have 0 points"):
        loyalty_redeem(user=buyer, points=1, reference="CHK-1")


@pytest.mark.parametrize("points", [0, -5])
def test_redeem_needs_a_positive_number(buyer, points):
    with pytest.raises(LoyaltyError, match="above zero"):
        loyalty_redeem(user=buyer, points=points, reference="CHK-1")


def test_redeem_replay_of_the_same_checkout_spends_once(buyer):
    loyalty_earn(user=buyer, amount_paid=gnf(1000), reference="ORD-1")
    loyalty_redeem(user=buyer, points=30, reference="CHK-1")
    loyalty_redeem(user=buyer, points=30, reference="CHK-1")
    assert loyalty_balance(user=buyer) == 70
    with pytest.raises(LoyaltyError, match="already used for CHK-1"):
        loyalty_redeem(user=buyer, points=10, reference="CHK-1")


def test_restore_gives_points_back_once(buyer):
    loyalty_earn(user=buyer, amount_paid=gnf(1000), reference="ORD-1")
    loyalty_redeem(user=buyer, points=80, reference="CHK-1")
    loyalty_restore(user=buyer, points=80, reference="ORD-2:cancel")
    loyalty_restore(user=buyer, points=80, reference="ORD-2:cancel")
    assert loyalty_balance(user=buyer) == 100 == ledger_sum(buyer)


def test_restore_cannot_give_back_more_than_was_used(buyer):
    loyalty_earn(user=buyer, amount_paid=gnf(1000), reference="ORD-1")
    loyalty_redeem(user=buyer, points=30, reference="CHK-1")
    with pytest.raises(LoyaltyError, match="Only 30 used points can be given back, not 31."):
        loyalty_restore(user=buyer, points=31, reference="ORD-2:cancel")
    assert loyalty_balance(user=buyer) == 70


def test_reverse_takes_back_what_a_returned_order_earned_once(buyer):
    loyalty_earn(user=buyer, amount_paid=gnf(500), reference="ORD-1")
    loyalty_earn(user=buyer, amount_paid=gnf(300), reference="ORD-2")
    loyalty_reverse_earned(reference="ORD-1")
    loyalty_reverse_earned(reference="ORD-1")
    assert loyalty_balance(user=buyer) == 30 == ledger_sum(buyer)


def test_reverse_never_takes_the_balance_below_zero(buyer):
    loyalty_earn(user=buyer, amount_paid=gnf(500), reference="ORD-1")
    loyalty_redeem(user=buyer, points=45, reference="CHK-1")
    loyalty_reverse_earned(reference="ORD-1")
    assert loyalty_balance(user=buyer) == 0
    assert LoyaltyEntry.objects.get(kind=Kind.REVERSE).points == -5


def test_reverse_of_an_order_that_earned_nothing_does_nothing():
    loyalty_reverse_earned(reference="ORD-NONE")
    assert LoyaltyEntry.objects.count() == 0


def test_expiry_takes_the_unspent_points_of_old_credits_only(buyer):
    # given 100 points earned 400 days ago of which 30 were spent, and 50 earned 100 days ago
    loyalty_earn(user=buyer, amount_paid=gnf(1000), reference="ORD-OLD")
    loyalty_redeem(user=buyer, points=30, reference="CHK-1")
    age_entries(buyer, 400)
    loyalty_earn(user=buyer, amount_paid=gnf(500), reference="ORD-RECENT")
    # when the daily run comes, twice
    expired = loyalty_expire_due()
    again = loyalty_expire_due()
    # then the 70 left of the old credit expire, the recent 50 stay
    assert (expired, again) == (70, 0)
    assert loyalty_balance(user=buyer) == 50 == ledger_sum(buyer)
    assert LoyaltyEntry.objects.get(kind=Kind.EXPIRE).points == -70


def test_spending_oldest_first_leaves_nothing_to_expire(buyer):
    loyalty_earn(user=buyer, amount_paid=gnf(1000), reference="ORD-OLD")
    age_entries(buyer, 300)
    loyalty_earn(user=buyer, amount_paid=gnf(500), reference="ORD-RECENT")
    loyalty_redeem(user=buyer, points=120, reference="CHK-1")  # the old 100 and 20 of the recent 50
    age_entries(buyer, 100)
    assert loyalty_expire_due() == 0
    assert loyalty_balance(user=buyer) == 30


def test_expiry_leaves_other_customers_alone(buyer):
    other = UserFactory()
    loyalty_earn(user=buyer, amount_paid=gnf(1000), reference="ORD-1")
    loyalty_earn(user=other, amount_paid=gnf(1000), reference="ORD-2")
    age_entries(buyer, 366)
    assert loyalty_expire_due() == 100
    assert (loyalty_balance(user=buyer), loyalty_balance(user=other)) == (0, 100)


def test_next_expiry_tells_how_many_points_and_when(buyer):
    loyalty_earn(user=buyer, amount_paid=gnf(1000), reference="ORD-1")
    loyalty_redeem(user=buyer, points=40, reference="CHK-1")
    age_entries(buyer, 200)
    loyalty_earn(user=buyer, amount_paid=gnf(500), reference="ORD-2")
    coming = loyalty_next_expiry(user=buyer)
    assert coming.points == 60
    assert coming.on == LoyaltyEntry.objects.get(reference="ORD-1").expires_at


def test_no_points_no_expiry(buyer):
    assert loyalty_next_expiry(user=buyer) is None


def test_cached_balance_cannot_go_negative(buyer):
    from django.db import IntegrityError, transaction

    LoyaltyAccount.objects.create(user=buyer, balance=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        LoyaltyAccount.objects.filter(user=buyer).update(balance=-1)


def test_the_daily_task_runs_the_expiry(buyer):
    from apps.loyalty.tasks import expire_due_points

    loyalty_earn(user=buyer, amount_paid=gnf(1000), reference="ORD-1")
    age_entries(buyer, 366)
    assert expire_due_points() == 100
    assert expire_due_points() == 0
