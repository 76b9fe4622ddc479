"""The same payment event delivered three times at once, on PostgreSQL with real threads."""

import pytest
from django.core import mail
from django.test import Client

from apps.notifications.models import EmailLog
from apps.payments.models import Payment, PaymentEvent
from apps.servicedesk.models import ServiceRequest
from tests.payments.webhooks import post_sandbox, sandbox_body
from tests.servicedesk.conftest import buy

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_one_event_three_times_at_once_makes_one_request_and_one_confirmation(run_concurrently, service):
    payment = buy(Client(), service)
    body = sandbox_body(payment)

    outcomes = run_concurrently(lambda i: post_sandbox(Client(), body).json()["outcome"], 3)

    assert sorted(outcomes) == ["duplicate", "duplicate", "processed"], outcomes
    assert Payment.objects.get().status == Payment.Status.COMPLETED
    assert PaymentEvent.objects.count() == 1
    assert ServiceRequest.objects.count() == 1
    assert EmailLog.objects.filter(kind="servicedesk.confirmation").count() == 1
    assert len([m for m in mail.outbox if "is confirmed" in m.subject]) == 1


def test_three_different_events_for_one_payment_at_once_still_make_one_request(run_concurrently, service):
    payment = buy(Client(), service)
    bodies = [sandbox_body(payment) for _ in range(3)]  # three event ids, as a provider retrying with new ids

    run_concurrently(lambda i: post_sandbox(Client(), bodies[i]).status_code, 3)

    assert ServiceRequest.objects.count() == 1
    assert EmailLog.objects.filter(kind="servicedesk.confirmation").count() == 1
