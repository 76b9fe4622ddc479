"""The sandbox's real transport: the delivery task POSTs a signed event over HTTP to a live server."""

from urllib.error import HTTPError

import pytest
from django.urls import reverse

from apps.payments.gateways.sandbox import event_body
from apps.payments.models import Payment
from apps.payments.tasks import sandbox_deliver
from tests.factories import PaymentFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _webhook_url(live_server):
    return live_server.url + reverse("payments:webhook", args=["sandbox"])


def test_the_delivery_task_signs_and_posts_the_event_over_http(live_server, handled):
    payment = PaymentFactory()

    status = sandbox_deliver(_webhook_url(live_server), event_body(payment, succeeded=True))

    assert status == 200
    assert Payment.objects.get().status == Payment.Status.COMPLETED
    assert handled == [payment.pk]


def test_a_refused_delivery_raises_so_the_task_is_retried(live_server):
    payment = PaymentFactory()
    body = event_body(payment, succeeded=True).replace(str(payment.amount.amount), "1.00")

    with pytest.raises(HTTPError) as refused:
        sandbox_deliver(_webhook_url(live_server), body)

    assert refused.value.code == 400
    assert Payment.objects.get().status == Payment.Status.PENDING
