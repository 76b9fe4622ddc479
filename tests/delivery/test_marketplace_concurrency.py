"""Couriers racing for the same marketplace job on PostgreSQL, in real threads: exactly one wins."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from apps.delivery import services
from apps.delivery.models import Delivery
from apps.notifications.models import Notification
from tests.factories import CourierFactory, DeliveryFactory, MembershipFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("couriers", [2, 8])
def test_couriers_accepting_the_same_job_at_once_leave_one_winner(run_concurrently, couriers):
    # given one open job, its store's owner, and couriers all watching it
    job = DeliveryFactory()
    owner = MembershipFactory(vendor=job.order.vendor).user
    people = [CourierFactory().user for _ in range(couriers)]

    # when they all press "Accept" at the same instant
    outcomes = run_concurrently(lambda i: services.delivery_accept(delivery_id=job.pk, courier=people[i]), couriers)

    # then one has the job and every other one is told it is taken
    won = [outcome for outcome in outcomes if isinstance(outcome, Delivery)]
    taken = [outcome for outcome in outcomes if isinstance(outcome, services.JobTaken)]
    assert len(won) == 1, outcomes
    assert len(taken) == couriers - 1, outcomes
    assert all("already taken" in str(error) for error in taken)
    job.refresh_from_db()
    assert (job.status, job.deliverer_id) == ("assigned", won[0].deliverer_id)
    # and the seller hears about one courier, once; the history holds one acceptance
    assert list(Notification.objects.filter(kind="delivery.accepted").values_list("user", flat=True)) == [owner.pk]
    assert job.history.filter(deliverer__isnull=False).count() == 1


def test_two_couriers_pressing_accept_on_the_page_get_one_job_and_one_clear_answer(run_concurrently):
    job = DeliveryFactory()
    people = [CourierFactory().user for _ in range(2)]

    def press_accept(i: int):
        client = Client()
        client.force_login(people[i])
        response = client.post(f"/courier/jobs/{job.pk}/accept/")
        return response.status_code, response["Location"], [str(m) for m in get_messages(response.wsgi_request)]

    outcomes = run_concurrently(press_accept, 2)

    assert sorted(location for _status, location, _messages in outcomes) == ["/courier/deliveries/", "/courier/jobs/"]
    assert {status for status, _location, _messages in outcomes} == {302}
    loser = next(messages for _status, location, messages in outcomes if location == "/courier/jobs/")
    assert loser == ["Too late: another courier has already taken this job."]
    assert Delivery.objects.get(pk=job.pk).deliverer in people
