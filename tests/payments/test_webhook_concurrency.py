"""One webhook event delivered three times at the same instant, on PostgreSQL with real threads."""

import time

import pytest
from django.test import Client

from apps.payments.models import Payment, PaymentEvent
from tests.factories import PaymentFactory
from tests.payments.conftest import record_purchase
from tests.payments.webhooks import SANDBOX_SECRET, post_sandbox, sandbox_body, signature

pytestmark = pytest.mark.postgres


def slow_purchase(*, payment):
    # Holds the completing transaction open, so the other deliveries arrive while it is still running.
    time.sleep(0.3)
    record_purchase(payment=payment)


@pytest.fixture(autouse=True)
def _slow_handler(payment_settings):
    payment_settings.PAYMENT_PURPOSE_HANDLERS = {"test_purchase": f"{__name__}.slow_purchase"}


@pytest.mark.django_db(transaction=True)
def test_the_same_event_three_times_at_once_completes_once(run_concurrently, handled):
    # given one signed event
    payment = PaymentFactory()
    body = sandbox_body(payment, event_id="evt_sbx_race")
    header = signature(SANDBOX_SECRET, body)

    # when three deliveries of it arrive at once
    responses = run_concurrently(lambda i: post_sandbox(Client(), body, header), 3)

    # then one is processed, two are recognised as duplicates, and the purchase is made once
    assert [r.status_code for r in responses] == [200, 200, 200], responses
    assert sorted(r.json()["outcome"] for r in responses) == ["duplicate", "duplicate", "processed"]
    assert list(PaymentEvent.objects.values_list("event_id", "outcome")) == [("evt_sbx_race", "processed")]
    assert handled == [payment.pk]
    payment.refresh_from_db()
    assert payment.status == Payment.Status.COMPLETED
    assert payment.history.filter(status=Payment.Status.COMPLETED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_three_different_success_events_at_once_complete_once(run_concurrently, handled):
    # given three distinct events for the same payment (a provider resending under new ids)
    payment = PaymentFactory()
    bodies = [sandbox_body(payment, event_id=f"evt_sbx_{i}") for i in range(3)]

    # when they arrive at once
    responses = run_concurrently(lambda i: post_sandbox(Client(), bodies[i]), 3)

    # then the payment row lock lets one complete it; the others find it completed
    assert [r.status_code for r in responses] == [200, 200, 200], responses
    assert PaymentEvent.objects.filter(outcome="processed").count() == 3
    assert PaymentEvent.objects.filter(note__contains="already completed").count() == 2
    assert handled == [payment.pk]
