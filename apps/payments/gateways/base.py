"""What every payment gateway adapter provides, and the webhook signature scheme several share."""

import enum
import hashlib
import hmac
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpRequest
from djmoney.money import Money

from apps.payments.models import Payment

# A signed webhook older or newer than this is refused, so a captured request cannot be replayed later.
WEBHOOK_TOLERANCE_SECONDS = 300


class EventType(enum.StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    OTHER = "other"


@dataclass(frozen=True)
class GatewayEvent:
    """A verified webhook event in the gateway-neutral terms the services understand."""

    event_id: str
    type: EventType
    provider_type: str  # the provider's own name for it, e.g. payment_intent.succeeded
    payload: dict
    token: str = ""  # our Payment.token, when the provider echoes it back
    provider_reference: str = ""
    amount: Decimal | None = None
    currency: str = ""
    failure_reason: str = ""


class WebhookRejected(Exception):
    """The request is not a genuine, fresh event from the gateway; nothing may be written."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(detail or code)
        self.code = code


class PaymentGateway:
    code: str
    label: str

    def create_payment(self, payment: Payment, request: HttpRequest) -> str:
        """Prepare the payment with the provider and return the URL to send the customer to.

        May set payment.provider_reference; payment_start saves it.
        """
        raise NotImplementedError

    def verify_webhook(self, request: HttpRequest) -> GatewayEvent:
        """Authenticate the request and translate it; raises WebhookRejected."""
        raise NotImplementedError

    def refund(self, payment: Payment, amount: Money | None = None, *, key: str = "") -> str:
        """Give the money back, in full or only `amount` of it; returns the provider's refund reference ("" if none).

        `key` names a partial refund for the provider's idempotency, so that retrying it refunds once.
        """
        raise NotImplementedError


@dataclass(frozen=True)
class SignatureHeader:
    """`t=<unix time>,v1=<hex>[,v1=<hex>...]`, the scheme Stripe uses and our sandbox copies."""

    timestamp: int
    signatures: list[str] = field(default_factory=list)

    @classmethod
    def parse(cls, header: str) -> "SignatureHeader":
        pairs = [item.split("=", 1) for item in header.split(",") if "=" in item]
        timestamps = [value for key, value in pairs if key.strip() == "t"]
        signatures = [value.strip() for key, value in pairs if key.strip() == "v1"]
        if len(timestamps) != 1 or not timestamps[0].strip().isdigit() or not signatures:
            raise WebhookRejected("missing_signature", "The signature header is missing or malformed.")
        return cls(int(timestamps[0]), signatures)

    def check_fresh(self, now: float | None = None) -> None:
        # Both ways: a timestamp from the future is as suspect as an old one.
        if abs((time.time() if now is None else now) - self.timestamp) > WEBHOOK_TOLERANCE_SECONDS:
            raise WebhookRejected("stale_timestamp", "The signature timestamp is outside the tolerance.")


def hmac_signature(secret: str, timestamp: int, body: bytes) -> str:
    """HMAC-SHA256 of f"{timestamp}.{body}", hex encoded."""
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
