"""Card payments through Stripe's hosted Checkout page (no Stripe.js on our pages).

The Checkout Session carries our token in the PaymentIntent's metadata; the PaymentIntent's
webhooks (payment_intent.succeeded / payment_intent.payment_failed) decide the payment.
"""

import json
from decimal import Decimal

import stripe
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from djmoney.money import Money

from apps.payments.exceptions import GatewayError
from apps.payments.gateways.base import (
    WEBHOOK_TOLERANCE_SECONDS,
    EventType,
    GatewayEvent,
    PaymentGateway,
    SignatureHeader,
    WebhookRejected,
)
from apps.payments.models import Gateway, Payment

EVENT_TYPES = {"payment_intent.succeeded": EventType.SUCCEEDED, "payment_intent.payment_failed": EventType.FAILED}
# Stripe counts these currencies in whole units (no cents): GNF and XOF, two of ours, among them.
ZERO_DECIMAL_CURRENCIES = {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV",
                           "XAF", "XOF", "XPF"}


def _exponent(currency: str) -> int:
    return 0 if currency.upper() in ZERO_DECIMAL_CURRENCIES else 2


def to_minor_units(amount: Decimal, currency: str) -> int:
    minor = amount.scaleb(_exponent(currency))
    if minor != minor.to_integral_value():
        raise GatewayError(_("Card payments in %(currency)s must be a whole amount.") % {"currency": currency})
    return int(minor)


def from_minor_units(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-_exponent(currency))


class StripeGateway(PaymentGateway):
    code = Gateway.STRIPE
    label = Gateway.STRIPE.label

    def create_payment(self, payment: Payment, request: HttpRequest) -> str:
        currency = str(payment.amount.currency)
        token = str(payment.token)
        try:
            session = stripe.checkout.Session.create(
                mode="payment",
                line_items=[{
                    "quantity": 1,
                    "price_data": {
                        "currency": currency.lower(),
                        "unit_amount": to_minor_units(payment.amount.amount, currency),
                        "product_data": {"name": payment.description},
                    },
                }],
                customer_email=payment.customer_email or None,
                client_reference_id=token,
                metadata={"token": token},
                payment_intent_data={"metadata": {"token": token}},
                success_url=request.build_absolute_uri(reverse("payments:return", args=[payment.token])),
                cancel_url=request.build_absolute_uri(payment.retry_url),
                api_key=settings.STRIPE_SECRET_KEY,
                # A retried request (double click, network blip) gets the same session, not a second one.
                idempotency_key=f"checkout-{token}",
            )
        except stripe.StripeError as error:
            raise GatewayError(_("The card payment service is not answering. Please try again in a moment.")) from error
        payment.provider_reference = session.id
        return session.url

    def verify_webhook(self, request: HttpRequest) -> GatewayEvent:
        header = request.headers.get("Stripe-Signature", "")
        # The SDK only refuses old timestamps; ours also refuses ones from the future.
        SignatureHeader.parse(header).check_fresh()
        try:
            stripe.Webhook.construct_event(request.body, header, settings.STRIPE_WEBHOOK_SECRET,
                                           tolerance=WEBHOOK_TOLERANCE_SECONDS)
        except stripe.SignatureVerificationError:
            raise WebhookRejected("bad_signature", "The signature does not match the body.") from None
        except ValueError:
            raise WebhookRejected("malformed_payload", "The body is not JSON.") from None
        return _translate(json.loads(request.body))

    def refund(self, payment: Payment, amount: Money | None = None, *, key: str = "") -> str:
        params = {"payment_intent": payment.provider_reference, "api_key": settings.STRIPE_SECRET_KEY,
                  # one full refund per payment; a partial one is named by its caller (e.g. the return)
                  "idempotency_key": f"refund-{payment.token}" if amount is None else f"refund-{payment.token}-{key}"}
        if amount is not None:
            params["amount"] = to_minor_units(amount.amount, str(amount.currency))
        try:
            refund = stripe.Refund.create(**params)
        except stripe.StripeError as error:
            message = getattr(error, "user_message", None) or _("Stripe did not accept the refund.")
            raise GatewayError(message) from error
        return refund.id


def _translate(payload: dict) -> GatewayEvent:
    try:
        event_type = payload["type"]
        intent = payload["data"]["object"]
        kind = EVENT_TYPES.get(event_type, EventType.OTHER)
        if kind is EventType.OTHER:
            return GatewayEvent(event_id=payload["id"], type=kind, provider_type=event_type, payload=payload)
        currency = intent["currency"].upper()
        # amount_received is what was actually captured; a failed intent has only the amount asked for.
        minor = intent["amount_received"] if kind is EventType.SUCCEEDED else intent["amount"]
        return GatewayEvent(
            event_id=payload["id"],
            type=kind,
            provider_type=event_type,
            payload=payload,
            token=(intent.get("metadata") or {}).get("token", ""),
            provider_reference=intent["id"],
            amount=from_minor_units(minor, currency),
            currency=currency,
            failure_reason=((intent.get("last_payment_error") or {}).get("message") or "")[:255],
        )
    except (KeyError, TypeError, AttributeError):
        raise WebhookRejected("malformed_payload", "The body is not a Stripe event.") from None
