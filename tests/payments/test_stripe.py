"""Stripe, offline: the SDK's network calls are replaced, and webhooks are signed here exactly as Stripe signs them."""

import time
from decimal import Decimal

import pytest
import stripe
from django.test import RequestFactory
from djmoney.money import Money

from apps.payments.exceptions import PaymentError
from apps.payments.gateways.stripe import from_minor_units, to_minor_units
from apps.payments.models import Payment, PaymentEvent
from apps.payments.services import payment_refund, payment_start
from tests.factories import PaymentFactory
from tests.payments.webhooks import STRIPE_WEBHOOK_SECRET, post_stripe, signature, stripe_intent_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def checkout_sessions(monkeypatch):
    """Replaces stripe.checkout.Session.create; returns the keyword arguments of each call."""
    calls = []

    def create(**params):
        calls.append(params)
        return stripe.checkout.Session.construct_from(
            {"id": "cs_test_a1", "object": "checkout.session", "url": "https://checkout.stripe.com/c/pay/cs_test_a1"},
            params["api_key"])

    monkeypatch.setattr(stripe.checkout.Session, "create", create)
    return calls


def _start(amount=None):
    return payment_start(
        gateway="stripe", amount=amount or Money(150000, "GNF"), purpose="test_purchase", reference="SR-9",
        customer_email="buyer@example.com", description="Garden care", return_url="/paid/",
        retry_url="/services/garden/buy/",
        request=RequestFactory().get("/", HTTP_HOST="testserver"),
    )


def test_starting_creates_a_hosted_checkout_session_carrying_our_token(checkout_sessions):
    payment, url = _start()

    assert url == "https://checkout.stripe.com/c/pay/cs_test_a1"
    payment.refresh_from_db()
    assert payment.provider_reference == "cs_test_a1"
    [params] = checkout_sessions
    assert params["mode"] == "payment"
    assert params["payment_intent_data"] == {"metadata": {"token": str(payment.token)}}
    # GNF has no minor unit at Stripe: 150,000 GNF is sent as 150000, not 15000000
    assert params["line_items"][0]["price_data"] == {
        "currency": "gnf", "unit_amount": 150000, "product_data": {"name": "Garden care"}}
    assert params["success_url"] == f"http://testserver/payments/{payment.token}/return/"
    assert params["cancel_url"] == "http://testserver/services/garden/buy/"
    assert params["api_key"] == "sk_test_offline"
    assert params["idempotency_key"] == f"checkout-{payment.token}"


def test_euros_are_sent_in_cents(checkout_sessions):
    _start(Money("49.90", "EUR"))

    assert checkout_sessions[0]["line_items"][0]["price_data"]["unit_amount"] == 4990


@pytest.mark.parametrize(("amount", "currency", "minor"), [
    (Decimal(150000), "GNF", 150000), (Decimal(2500), "XOF", 2500), (Decimal("12.34"), "USD", 1234)])
def test_minor_units_round_trip(amount, currency, minor):
    assert to_minor_units(amount, currency) == minor
    assert from_minor_units(minor, currency) == amount


def test_a_stripe_outage_fails_the_payment_with_a_clear_message(monkeypatch):
    def unreachable(**params):
        raise stripe.APIConnectionError("Network error")

    monkeypatch.setattr(stripe.checkout.Session, "create", unreachable)

    with pytest.raises(PaymentError, match="not answering"):
        _start()
    payment = Payment.objects.get()
    assert payment.status == "failed" and "not answering" in payment.failure_reason


def test_a_webhook_signed_like_stripe_completes_the_payment(client, handled):
    payment = PaymentFactory(gateway="stripe", provider_reference="cs_test_a1")

    response = post_stripe(client, stripe_intent_body(payment, intent_id="pi_3Abc"))

    assert response.status_code == 200, response.content
    payment.refresh_from_db()
    assert payment.status == Payment.Status.COMPLETED
    assert payment.provider_reference == "pi_3Abc"  # what a refund needs
    assert handled == [payment.pk]


def test_the_same_stripe_event_three_times_completes_once(client, handled):
    payment = PaymentFactory(gateway="stripe")
    body = stripe_intent_body(payment, event_id="evt_1Replay")

    outcomes = [post_stripe(client, body).json()["outcome"] for _ in range(3)]

    assert outcomes == ["processed", "duplicate", "duplicate"]
    assert handled == [payment.pk]


def test_a_stripe_webhook_with_a_wrong_signature_is_refused(client):
    payment = PaymentFactory(gateway="stripe")
    body = stripe_intent_body(payment)

    response = post_stripe(client, body, signature("whsec_someone_else", body))

    assert response.status_code == 400
    assert response.json() == {"error": "bad_signature"}
    assert Payment.objects.get().status == "pending" and not PaymentEvent.objects.exists()


@pytest.mark.parametrize("offset", [-330, 330])
def test_a_stripe_webhook_more_than_300_seconds_off_is_refused(client, offset):
    payment = PaymentFactory(gateway="stripe")
    body = stripe_intent_body(payment)

    response = post_stripe(client, body, signature(STRIPE_WEBHOOK_SECRET, body, int(time.time()) + offset))

    assert response.status_code == 400
    assert not PaymentEvent.objects.exists()


def test_a_stripe_amount_mismatch_is_rejected(client):
    payment = PaymentFactory(gateway="stripe")

    response = post_stripe(client, stripe_intent_body(payment, minor_amount=100))

    assert response.status_code == 400
    assert Payment.objects.get().status == "pending"
    assert PaymentEvent.objects.get().outcome == "rejected"


def test_a_declined_card_fails_the_payment_with_stripes_reason(client):
    payment = PaymentFactory(gateway="stripe")

    post_stripe(client, stripe_intent_body(payment, event_type="payment_intent.payment_failed",
                                           error_message="Your card has insufficient funds."))

    payment.refresh_from_db()
    assert payment.status == "failed"
    assert payment.failure_reason == "Your card has insufficient funds."


def test_other_stripe_events_are_acknowledged_and_ignored(client):
    payment = PaymentFactory(gateway="stripe")

    response = post_stripe(client, stripe_intent_body(payment, event_type="payment_intent.created"))

    assert response.json() == {"outcome": "processed"}
    assert Payment.objects.get().status == "pending"


def test_a_refund_goes_through_stripe(monkeypatch):
    calls = []

    def create(**params):
        calls.append(params)
        return stripe.Refund.construct_from({"id": "re_1Xyz", "object": "refund"}, params["api_key"])

    monkeypatch.setattr(stripe.Refund, "create", create)
    payment = PaymentFactory(gateway="stripe", completed=True, provider_reference="pi_3Abc")

    payment_refund(payment_id=payment.pk, actor=None)

    payment.refresh_from_db()
    assert (payment.status, payment.refund_reference) == ("refunded", "re_1Xyz")
    assert calls == [{"payment_intent": "pi_3Abc", "api_key": "sk_test_offline",
                      "idempotency_key": f"refund-{payment.token}"}]


def test_a_refused_stripe_refund_leaves_the_payment_completed(monkeypatch):
    def refuse(**params):
        raise stripe.InvalidRequestError("Charge already refunded", param="payment_intent")

    monkeypatch.setattr(stripe.Refund, "create", refuse)
    payment = PaymentFactory(gateway="stripe", completed=True, provider_reference="pi_3Abc")

    with pytest.raises(PaymentError):
        payment_refund(payment_id=payment.pk, actor=None)
    assert Payment.objects.get().status == "completed"
