"""Bank transfer: the customer wires the money with our reference; staff confirm it in the back office."""

from django.http import HttpRequest
from django.urls import reverse
from djmoney.money import Money

from apps.payments.gateways.base import GatewayEvent, PaymentGateway, WebhookRejected
from apps.payments.models import Gateway, Payment


def transfer_reference(payment: Payment) -> str:
    """Short enough to type into a banking app, long enough not to collide."""
    return f"CPT-{payment.token.hex[:10].upper()}"


class BankTransferGateway(PaymentGateway):
    code = Gateway.BANK_TRANSFER
    label = Gateway.BANK_TRANSFER.label

    def create_payment(self, payment: Payment, request: HttpRequest) -> str:
        # Stored as the provider reference so staff find the payment by what the bank statement says.
        payment.provider_reference = transfer_reference(payment)
        return reverse("payments:bank-transfer", args=[payment.token])

    def verify_webhook(self, request: HttpRequest) -> GatewayEvent:
        raise WebhookRejected("no_webhooks", "Bank transfers are confirmed by staff, not by webhooks.")

    def refund(self, payment: Payment, amount: Money | None = None, *, key: str = "") -> str:
        # Recorded only: staff send the money back by transfer themselves.
        return ""
