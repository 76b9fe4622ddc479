"""Our own test gateway: a hosted pay page whose webhooks are signed and delivered like a real provider's.

The pay page builds the event; a django-q2 task signs it and POSTs it to our webhook endpoint over
HTTP, so the sandbox exercises the same path (signature, replay, mismatch) as a real gateway.
"""

import hmac
import json
import time
import urllib.request
import uuid
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from djmoney.money import Money

from apps.core.queue import enqueue_on_commit
from apps.payments.gateways.base import (
    EventType,
    GatewayEvent,
    PaymentGateway,
    SignatureHeader,
    WebhookRejected,
    hmac_signature,
)
from apps.payments.models import Gateway, Payment

SIGNATURE_HEADER = "Comptoir-Signature"
EVENT_TYPES = {"payment.succeeded": EventType.SUCCEEDED, "payment.failed": EventType.FAILED}
DELIVERY_TIMEOUT_SECONDS = 10


class SandboxGateway(PaymentGateway):
    code = Gateway.SANDBOX
    label = Gateway.SANDBOX.label

    def create_payment(self, payment: Payment, request: HttpRequest) -> str:
        return reverse("payments:sandbox-page", args=[payment.token])

    def verify_webhook(self, request: HttpRequest) -> GatewayEvent:
        header = SignatureHeader.parse(request.headers.get(SIGNATURE_HEADER, ""))
        header.check_fresh()
        expected = hmac_signature(settings.SANDBOX_WEBHOOK_SECRET, header.timestamp, request.body)
        if not any(hmac.compare_digest(expected, candidate) for candidate in header.signatures):
            raise WebhookRejected("bad_signature", "The signature does not match the body.")
        return _parse_event(request.body)

    def refund(self, payment: Payment, amount: Money | None = None, *, key: str = "") -> str:
        # Nothing moves: the reference is what the caller records (with the amount) on its refund.
        return f"sandbox_refund_{uuid.uuid4().hex}"


def _parse_event(body: bytes) -> GatewayEvent:
    try:
        payload = json.loads(body)
        data = payload["data"]
        return GatewayEvent(
            event_id=str(payload["id"]),
            type=EVENT_TYPES.get(payload["type"], EventType.OTHER),
            provider_type=str(payload["type"]),
            payload=payload,
            token=str(data["token"]),
            amount=Decimal(str(data["amount"])),
            currency=str(data["currency"]).upper(),
            failure_reason=str(data.get("failure_reason", "")),
        )
    except (ValueError, KeyError, TypeError, InvalidOperation):
        raise WebhookRejected("malformed_payload", "The body is not a sandbox event.") from None


def event_body(payment: Payment, *, succeeded: bool) -> str:
    """The JSON a provider would send for the customer's decision on the pay page."""
    data = {"token": str(payment.token), "amount": str(payment.amount.amount), "currency": str(payment.amount.currency)}
    if not succeeded:
        data["failure_reason"] = "Declined on the sandbox pay page."
    return json.dumps({
        "id": f"evt_sbx_{uuid.uuid4().hex}",
        "type": "payment.succeeded" if succeeded else "payment.failed",
        "created": int(time.time()),
        "data": data,
    })


def schedule_delivery(payment: Payment, *, succeeded: bool, request: HttpRequest) -> None:
    """Queue the event for delivery: the web worker never waits on a request to itself."""
    url = request.build_absolute_uri(reverse("payments:webhook", args=[Gateway.SANDBOX]))
    enqueue_on_commit("apps.payments.tasks.sandbox_deliver", url, event_body(payment, succeeded=succeeded))


def deliver(url: str, body: str) -> int:
    """Sign at sending time, as a provider does on every attempt, and POST; returns the HTTP status."""
    timestamp = int(time.time())
    signature = hmac_signature(settings.SANDBOX_WEBHOOK_SECRET, timestamp, body.encode())
    headers = {"Content-Type": "application/json", SIGNATURE_HEADER: f"t={timestamp},v1={signature}"}
    return http_post(url, body.encode(), headers)


def http_post(url: str, data: bytes, headers: dict[str, str]) -> int:
    """The transport; tests replace it to post through Django's test client. Raises on 4xx/5xx."""
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=DELIVERY_TIMEOUT_SECONDS) as response:
        return response.status
