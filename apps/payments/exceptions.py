from apps.core.exceptions import DomainError


class PaymentError(DomainError):
    """A payment could not be started, completed, failed or refunded; the message says why."""


class GatewayError(PaymentError):
    """The payment provider refused a request or could not be reached."""
