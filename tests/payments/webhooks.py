"""Signed webhook requests built the way the providers build them, independently of the code under test."""

import hashlib
import hmac
import json
import time
import uuid

from django.urls import reverse

SANDBOX_SECRET = "test-sandbox-webhook-secret"
STRIPE_WEBHOOK_SECRET = "whsec_test_offline_secret"


def signature(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """`t=<ts>,v1=<HMAC-SHA256(secret, f"{t}.{body}")>`, as Stripe documents it."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def sandbox_body(payment, *, event_type="payment.succeeded", event_id=None, amount=None, currency=None,
                 token=None) -> bytes:
    return json.dumps({
        "id": event_id or f"evt_sbx_{uuid.uuid4().hex}",
        "type": event_type,
        "created": int(time.time()),
        "data": {
            "token": str(token or payment.token),
            "amount": str(payment.amount.amount if amount is None else amount),
            "currency": currency or str(payment.amount.currency),
        },
    }).encode()


def post_sandbox(client, body: bytes, header: str | None = None):
    header = signature(SANDBOX_SECRET, body) if header is None else header
    return client.post(reverse("payments:webhook", args=["sandbox"]), body, content_type="application/json",
                       headers={"Comptoir-Signature": header})


def stripe_intent_body(payment, *, event_type="payment_intent.succeeded", event_id=None, intent_id="pi_test_123",
                       minor_amount=None, currency=None, error_message=None) -> bytes:
    """A Stripe Event wrapping a PaymentIntent, as Stripe's API version 2025 sends it (trimmed)."""
    minor = int(payment.amount.amount) if minor_amount is None else minor_amount
    succeeded = event_type == "payment_intent.succeeded"
    return json.dumps({
        "id": event_id or f"evt_{uuid.uuid4().hex[:24]}",
        "object": "event",
        "api_version": "2025-09-30.clover",
        "created": int(time.time()),
        "livemode": False,
        "type": event_type,
        "data": {"object": {
            "id": intent_id,
            "object": "payment_intent",
            "amount": minor,
            "amount_received": minor if succeeded else 0,
            "currency": (currency or str(payment.amount.currency)).lower(),
            "metadata": {"token": str(payment.token)},
            "status": "succeeded" if succeeded else "requires_payment_method",
            "last_payment_error": None if succeeded else {"message": error_message or "Your card was declined."},
        }},
    }, indent=2).encode()


def post_stripe(client, body: bytes, header: str | None = None):
    header = signature(STRIPE_WEBHOOK_SECRET, body) if header is None else header
    return client.post(reverse("payments:webhook", args=["stripe"]), body, content_type="application/json",
                       headers={"Stripe-Signature": header})
