"""The gateway registry: every adapter the code has, filtered by settings.PAYMENT_GATEWAYS."""

from django.conf import settings
from django.utils.translation import gettext as _

from apps.payments.exceptions import PaymentError
from apps.payments.gateways.bank_transfer import BankTransferGateway
from apps.payments.gateways.base import PaymentGateway
from apps.payments.gateways.sandbox import SandboxGateway
from apps.payments.gateways.stripe import StripeGateway

ADAPTERS: dict[str, type[PaymentGateway]] = {
    adapter.code: adapter for adapter in (SandboxGateway, StripeGateway, BankTransferGateway)
}


def gateway_is_enabled(code: str) -> bool:
    return code in ADAPTERS and code in settings.PAYMENT_GATEWAYS


def gateway_get(code: str) -> PaymentGateway:
    """The adapter for an enabled gateway; PaymentError for an unknown or disabled one."""
    if not gateway_is_enabled(code):
        raise PaymentError(_("This payment method is not available."))
    return ADAPTERS[code]()


def gateway_choices() -> list[tuple[str, str]]:
    """(code, label) of the gateways offered to customers, in settings order."""
    return [(code, ADAPTERS[code].label) for code in settings.PAYMENT_GATEWAYS if code in ADAPTERS]
