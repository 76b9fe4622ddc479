"""Ten people sign up with the same e-mail, in different letter case, at the same instant."""

import pytest
from django.db import IntegrityError

from apps.accounts.models import User

pytestmark = pytest.mark.postgres

SPELLINGS = [
    "Race.Winner@example.com", "race.winner@example.com", "RACE.WINNER@EXAMPLE.COM", "Race.winner@Example.com",
    "rACE.wINNER@eXAMPLE.cOM", "race.WINNER@example.com", "RACE.winner@example.COM", "Race.Winner@EXAMPLE.com",
    "race.Winner@example.com", "RaCe.WiNnEr@ExAmPlE.cOm",
]


def _through_create_user(i: int) -> User:
    return User.objects.create_user(email=SPELLINGS[i], password="race-password-123")


def _keeping_the_case(i: int) -> User:
    # Skips the manager's lower-casing: only the database's unique index on Lower(email) stands in the way.
    return User.objects.create(email=SPELLINGS[i])


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("create", [_through_create_user, _keeping_the_case], ids=["create_user", "raw-case"])
def test_same_email_in_ten_spellings_at_once_creates_one_user(run_concurrently, create):
    # when ten threads create the same address at once
    outcomes = run_concurrently(create, len(SPELLINGS))

    # then exactly one succeeds and the nine others are refused by the database
    created = [outcome for outcome in outcomes if isinstance(outcome, User)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, IntegrityError)]
    assert len(created) == 1, outcomes
    assert len(refused) == len(SPELLINGS) - 1, outcomes
    assert User.objects.filter(email__iexact="race.winner@example.com").count() == 1
    assert User.objects.get(email__iexact="race.winner@example.com").pk == created[0].pk


@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_signups_for_one_address_all_get_the_same_answer(run_concurrently):
    from django.test import Client

    def sign_up(i: int):
        response = Client().post("/accounts/signup/", {
            "email": SPELLINGS[i], "full_name": f"Racer {i}", "phone": "", "password1": "a-Long-passphrase-2026",
            "password2": "a-Long-passphrase-2026"})
        return response.status_code, response.get("Location")

    outcomes = run_concurrently(sign_up, len(SPELLINGS))

    assert len(set(outcomes)) == 1, outcomes  # one answer for everybody: no 500, nothing revealed
    assert outcomes[0][0] == 302
    assert User.objects.filter(email__iexact="race.winner@example.com").count() == 1
