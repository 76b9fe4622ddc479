"""Five checkouts spend the same points at once, on PostgreSQL with real threads."""

import pytest
from django.db import transaction
from djmoney.money import Money

from apps.loyalty.models import LoyaltyEntry
from apps.loyalty.services import LoyaltyError, loyalty_balance, loyalty_earn, loyalty_redeem
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_balance_100_and_five_redeems_of_30_at_once_let_exactly_three_through(run_concurrently):
    buyer = UserFactory()
    loyalty_earn(user=buyer, amount_paid=Money(1000, "GNF"), reference="ORD-1")

    def checkout(i):
        with transaction.atomic():
            loyalty_redeem(user=buyer, points=30, reference=f"CHK-{i}")
        return "spent"

    outcomes = run_concurrently(checkout, 5)

    assert outcomes.count("spent") == 3, outcomes
    assert all(isinstance(o, LoyaltyError) for o in outcomes if o != "spent")
    assert loyalty_balance(user=buyer) == 10
    assert LoyaltyEntry.objects.filter(kind="redeem").count() == 3


def test_first_redeems_at_once_on_a_customer_without_an_account_yet(run_concurrently):
    buyer = UserFactory()

    def checkout(i):
        with transaction.atomic():
            loyalty_redeem(user=buyer, points=1, reference=f"CHK-{i}")

    outcomes = run_concurrently(checkout, 4)

    # every one is a clear refusal, none an integrity error from creating the account twice
    assert all(isinstance(o, LoyaltyError) for o in outcomes), outcomes
