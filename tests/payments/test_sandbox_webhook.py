"""The sandbox webhook: signatures, freshness, replays and events that do not match their payment."""

import json
import logging
import time

import pytest
from django.urls import reverse

from apps.payments.models import Payment, PaymentEvent
from tests.factories import PaymentFactory
from tests.payments.webhooks import SANDBOX_SECRET, post_sandbox, sandbox_body, signature

pytestmark = pytest.mark.django_db


def _unchanged(payment):
    payment.refresh_from_db()
    return payment.status == Payment.Status.PENDING and not PaymentEvent.objects.exists()


def test_a_signed_success_completes_the_payment_and_runs_its_purpose(client, handled):
    payment = PaymentFactory()

    response = post_sandbox(client, sandbox_body(payment))

    assert response.status_code == 200
    assert response.json() == {"outcome": "processed"}
    payment.refresh_from_db()
    assert payment.status == Payment.Status.COMPLETED
    assert payment.completed_at is not None
    assert handled == [payment.pk]
    event = PaymentEvent.objects.get()
    assert (event.payment, event.outcome, event.event_type) == (payment, "processed", "payment.succeeded")


def test_a_wrong_signature_is_refused_and_writes_nothing(client):
    payment = PaymentFactory()
    body = sandbox_body(payment)

    response = post_sandbox(client, body, signature("not-the-secret", body))

    assert response.status_code == 400
    assert response.json() == {"error": "bad_signature"}
    assert _unchanged(payment)


def test_one_changed_byte_in_the_body_is_refused(client):
    payment = PaymentFactory()
    body = sandbox_body(payment, amount="1.00")
    header = signature(SANDBOX_SECRET, body)
    tampered = body.replace(b'"1.00"', b'"2.00"')
    assert len(tampered) == len(body) and sum(a != b for a, b in zip(body, tampered, strict=True)) == 1

    response = post_sandbox(client, tampered, header)

    assert response.status_code == 400
    assert response.json() == {"error": "bad_signature"}
    assert _unchanged(payment)


@pytest.mark.parametrize("offset", [-301, 301, -3600])
def test_a_timestamp_more_than_300_seconds_off_is_refused(client, offset):
    payment = PaymentFactory()
    body = sandbox_body(payment)

    response = post_sandbox(client, body, signature(SANDBOX_SECRET, body, int(time.time()) + offset))

    assert response.status_code == 400
    assert response.json() == {"error": "stale_timestamp"}
    assert _unchanged(payment)


def test_a_timestamp_within_300_seconds_is_accepted(client):
    payment = PaymentFactory()
    body = sandbox_body(payment)

    response = post_sandbox(client, body, signature(SANDBOX_SECRET, body, int(time.time()) - 280))

    assert response.status_code == 200


@pytest.mark.parametrize("header", ["", "v1=abc", "t=notanumber,v1=abc", "t=123"])
def test_a_missing_or_malformed_signature_header_is_refused(client, header):
    payment = PaymentFactory()

    response = post_sandbox(client, sandbox_body(payment), header)

    assert response.status_code == 400
    assert response.json() == {"error": "missing_signature"}
    assert _unchanged(payment)


def test_a_signed_body_that_is_not_an_event_is_refused(client):
    payment = PaymentFactory()
    body = json.dumps({"hello": "world"}).encode()

    response = post_sandbox(client, body)

    assert response.status_code == 400
    assert response.json() == {"error": "malformed_payload"}
    assert _unchanged(payment)


def test_the_same_event_three_times_completes_once(client, handled):
    payment = PaymentFactory()
    body = sandbox_body(payment, event_id="evt_sbx_replayed")

    outcomes = [post_sandbox(client, body).json() for _ in range(3)]

    assert outcomes == [{"outcome": "processed"}, {"outcome": "duplicate"}, {"outcome": "duplicate"}]
    assert handled == [payment.pk]
    assert PaymentEvent.objects.filter(event_id="evt_sbx_replayed").count() == 1
    assert payment.history.filter(status=Payment.Status.COMPLETED).count() == 1


def test_a_second_success_event_for_a_completed_payment_changes_nothing(client, handled):
    payment = PaymentFactory()
    post_sandbox(client, sandbox_body(payment))

    response = post_sandbox(client, sandbox_body(payment))

    assert response.json() == {"outcome": "processed"}
    assert handled == [payment.pk]
    assert "already completed" in PaymentEvent.objects.latest("received_at").note


@pytest.mark.parametrize(("changes", "expected_in_note"), [
    ({"amount": "149999.00"}, "Amount 149999.00 does not match"),
    ({"currency": "EUR"}, "Currency EUR does not match"),
])
def test_an_event_whose_amount_or_currency_differs_is_rejected_and_flagged(
        client, handled, caplog, changes, expected_in_note):
    payment = PaymentFactory()

    with caplog.at_level(logging.WARNING, logger="apps.payments"):
        response = post_sandbox(client, sandbox_body(payment, **changes))

    assert response.status_code == 400
    assert response.json() == {"error": "event_rejected", "flagged": True}
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert handled == []
    event = PaymentEvent.objects.get()
    assert (event.outcome, event.payment) == ("rejected", payment)
    assert expected_in_note in event.note
    [record] = [r for r in caplog.records if r.name == "apps.payments"]
    assert record.levelno == logging.WARNING
    assert record.payment_token == str(payment.token)
    assert record.event_id == event.event_id


def test_an_event_for_another_gateways_payment_is_rejected(client):
    stripe_payment = PaymentFactory(gateway="stripe")

    response = post_sandbox(client, sandbox_body(stripe_payment))

    assert response.status_code == 400
    stripe_payment.refresh_from_db()
    assert stripe_payment.status == Payment.Status.PENDING
    assert PaymentEvent.objects.get().outcome == "rejected"


def test_an_event_for_an_unknown_token_is_rejected(client):
    payment = PaymentFactory()

    response = post_sandbox(client, sandbox_body(payment, token="not-a-uuid"))

    assert response.status_code == 400
    assert PaymentEvent.objects.get().payment is None


def test_a_decline_fails_the_payment_with_its_reason(client, handled):
    payment = PaymentFactory()

    response = post_sandbox(client, sandbox_body(payment, event_type="payment.failed"))

    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.FAILED
    assert payment.failure_reason
    assert handled == []


def test_a_success_after_a_decline_still_completes(client, handled):
    # The customer retried in the provider's page: the money was taken, so it must count.
    payment = PaymentFactory()
    post_sandbox(client, sandbox_body(payment, event_type="payment.failed"))

    post_sandbox(client, sandbox_body(payment))

    payment.refresh_from_db()
    assert payment.status == Payment.Status.COMPLETED
    assert payment.failure_reason == ""
    assert handled == [payment.pk]


def test_an_unknown_event_type_is_recorded_and_ignored(client):
    payment = PaymentFactory()

    response = post_sandbox(client, sandbox_body(payment, event_type="payment.created"))

    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def test_a_failing_purpose_handler_leaves_nothing_half_done(client, settings):
    # The handler runs inside the completing transaction: no payment marked paid without its purchase.
    settings.PAYMENT_PURPOSE_HANDLERS = {"test_purchase": "tests.payments.test_sandbox_webhook.broken_handler"}
    payment = PaymentFactory()
    client.raise_request_exception = False

    response = post_sandbox(client, sandbox_body(payment))

    assert response.status_code == 500
    assert _unchanged(payment)


def broken_handler(*, payment):
    raise RuntimeError("the service desk is down")


def test_unknown_and_disabled_gateways_answer_404(client, settings):
    settings.PAYMENT_GATEWAYS = ["bank_transfer"]

    assert client.post(reverse("payments:webhook", args=["sandbox"])).status_code == 404
    assert client.post(reverse("payments:webhook", args=["paypal"])).json() == {"error": "unknown_gateway"}


def test_bank_transfers_have_no_webhooks(client):
    response = client.post(reverse("payments:webhook", args=["bank_transfer"]), b"{}", content_type="application/json")

    assert response.status_code == 400
    assert not PaymentEvent.objects.exists()


def test_the_webhook_takes_only_post(client):
    assert client.get(reverse("payments:webhook", args=["sandbox"])).status_code == 405
