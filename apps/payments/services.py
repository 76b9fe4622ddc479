"""Every state change of a payment: start, apply a webhook event, complete, fail, refund."""

import logging
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from djmoney.money import Money

from apps.payments.exceptions import GatewayError, PaymentError
from apps.payments.gateways import ADAPTERS, gateway_get
from apps.payments.gateways.base import EventType, GatewayEvent
from apps.payments.models import Gateway, Payment, PaymentEvent

logger = logging.getLogger("apps.payments")

Status = Payment.Status
ALLOWED: dict[str, set[str]] = {
    Status.PENDING: {Status.COMPLETED, Status.FAILED},
    # A card declined once may still succeed in the same Checkout session: the money was taken, so it counts.
    Status.FAILED: {Status.COMPLETED},
    Status.COMPLETED: {Status.REFUNDED},
    Status.REFUNDED: set(),
}


def payment_start(
    *,
    gateway: str,
    amount: Money,
    purpose: str,
    reference: str,
    customer_email: str,
    description: str,
    return_url: str,
    retry_url: str,
    vendor=None,
    request: HttpRequest,
) -> tuple[Payment, str]:
    """Create a pending payment and return it with the URL to send the customer to."""
    adapter = gateway_get(gateway)
    if amount.amount <= 0 or str(amount.currency) not in settings.CURRENCIES:
        raise PaymentError(_("This amount cannot be paid online."))
    for url in (return_url, retry_url):
        # Both are redirect targets: never off-site.
        if not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
            raise PaymentError(_("The page to come back to after paying is not on this site."))
    payment = Payment.objects.create(
        gateway=gateway, amount=amount, purpose=purpose, reference=reference, customer_email=customer_email,
        description=description[:255], return_url=return_url, retry_url=retry_url, vendor=vendor,
    )
    try:
        redirect_url = adapter.create_payment(payment, request)
    except GatewayError as error:
        payment_fail(payment_id=payment.pk, reason=str(error))
        raise
    if payment.provider_reference:
        payment.save(update_fields=["provider_reference", "updated_at"])
    return payment, redirect_url


@transaction.atomic
def payment_apply_event(*, gateway: str, event: GatewayEvent) -> PaymentEvent:
    """Record a verified webhook event and apply it to its payment, once.

    A replay returns the stored event with outcome DUPLICATE (in memory; the row keeps its first outcome).
    """
    try:
        # The unique (gateway, event_id) index is the lock: a concurrent replay waits here, then fails.
        with transaction.atomic():
            record = PaymentEvent.objects.create(
                gateway=gateway, event_id=event.event_id, event_type=event.provider_type, payload=event.payload,
                outcome=PaymentEvent.Outcome.PROCESSED,
            )
    except IntegrityError:
        record = PaymentEvent.objects.get(gateway=gateway, event_id=event.event_id)
        record.outcome = PaymentEvent.Outcome.DUPLICATE
        return record

    record.payment = _event_payment(gateway, event)
    if event.type is EventType.OTHER:
        record.note = _("Not a payment outcome; nothing to do.")
    elif problem := _mismatch(record.payment, event):
        record.outcome, record.note = PaymentEvent.Outcome.REJECTED, problem
        logger.warning(
            "Payment event rejected: %s", problem,
            extra={"gateway": gateway, "event_id": event.event_id, "event_token": event.token,
                   "event_provider_reference": event.provider_reference, "event_amount": str(event.amount),
                   "event_currency": event.currency,
                   "payment_token": str(record.payment.token) if record.payment else None,
                   "payment_amount": str(record.payment.amount) if record.payment else None},
        )
    else:
        record.note = _apply_outcome(record.payment, event)
    record.save(update_fields=["payment", "outcome", "note"])
    return record


def _event_payment(gateway: str, event: GatewayEvent) -> Payment | None:
    # Only this gateway's payments: an event signed by one gateway never settles another's payment.
    payments = Payment.objects.select_for_update().filter(gateway=gateway)
    if event.token:
        return payments.filter(token=event.token).first() if _is_uuid(event.token) else None
    if event.provider_reference:
        return payments.filter(provider_reference=event.provider_reference).first()
    return None


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _mismatch(payment: Payment | None, event: GatewayEvent) -> str:
    """Why the event cannot belong to the payment ("" when it does)."""
    if payment is None:
        return _("No payment of this gateway matches the event's token or reference.")
    if event.currency != str(payment.amount.currency):
        return _("Currency %(got)s does not match the payment's %(expected)s.") % {
            "got": event.currency or "?", "expected": payment.amount.currency}
    if event.amount != payment.amount.amount:
        return _("Amount %(got)s does not match the payment's %(expected)s.") % {
            "got": event.amount, "expected": payment.amount.amount}
    return ""


def _apply_outcome(payment: Payment, event: GatewayEvent) -> str:
    target = Status.COMPLETED if event.type is EventType.SUCCEEDED else Status.FAILED
    if target not in ALLOWED[payment.status]:
        return _("No change: the payment is already %(status)s.") % {"status": payment.get_status_display().lower()}
    if target == Status.COMPLETED:
        payment_complete(payment_id=payment.pk, provider_reference=event.provider_reference)
    else:
        payment_fail(payment_id=payment.pk, reason=event.failure_reason or _("Declined by the payment provider."))
    return ""


@transaction.atomic
def payment_complete(*, payment_id: int, provider_reference: str = "", actor=None) -> Payment:
    """Mark the payment completed and run its purpose's handler in the same transaction; idempotent."""
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    if payment.status == Status.COMPLETED:
        return payment
    if Status.COMPLETED not in ALLOWED[payment.status]:
        raise PaymentError(_("A %(status)s payment cannot be completed.") % {
            "status": payment.get_status_display().lower()})
    payment.status, payment.completed_at, payment.failure_reason = Status.COMPLETED, timezone.now(), ""
    payment.provider_reference = provider_reference or payment.provider_reference
    payment._history_user = actor
    payment.save(update_fields=["status", "completed_at", "failure_reason", "provider_reference", "updated_at"])
    handler_path = settings.PAYMENT_PURPOSE_HANDLERS.get(payment.purpose)
    if handler_path:
        # Inside the transaction: if the purchase cannot be recorded, the payment is not marked paid
        # either, and the gateway's retry of the webhook tries both again.
        import_string(handler_path)(payment=payment)
    return payment


@transaction.atomic
def payment_fail(*, payment_id: int, reason: str) -> Payment:
    """Mark a pending payment failed with the reason the customer will be shown, and run its purpose's
    failure handler in the same transaction; idempotent."""
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    if payment.status == Status.FAILED:
        return payment
    if Status.FAILED not in ALLOWED[payment.status]:
        raise PaymentError(_("Only a pending payment can fail."))
    payment.status, payment.failure_reason = Status.FAILED, reason[:255]
    payment.save(update_fields=["status", "failure_reason", "updated_at"])
    handler_path = settings.PAYMENT_PURPOSE_FAILURE_HANDLERS.get(payment.purpose)
    if handler_path:
        # Like the completion handlers: in the same transaction, once per failure.
        import_string(handler_path)(payment=payment)
    return payment


@transaction.atomic
def payment_confirm_transfer(*, payment_id: int, actor) -> Payment:
    """Staff saw the money arrive on the bank account: complete a pending bank-transfer payment."""
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    if payment.gateway != Gateway.BANK_TRANSFER or payment.status != Status.PENDING:
        raise PaymentError(_("Only a pending bank-transfer payment can be confirmed (%(payment)s is a %(status)s "
                             "%(gateway)s payment).") % {"payment": payment.provider_reference or payment.token,
                                                         "status": payment.get_status_display().lower(),
                                                         "gateway": payment.get_gateway_display().lower()})
    return payment_complete(payment_id=payment.pk, actor=actor)


def _lock_refundable(payment_id: int) -> Payment:
    # The row lock is held during the gateway call so that two clicks cannot refund twice.
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    if Status.REFUNDED not in ALLOWED[payment.status]:
        raise PaymentError(_("Only a completed payment can be refunded; this one is %(status)s.") % {
            "status": payment.get_status_display().lower()})
    return payment


def _remaining(payment: Payment) -> Money:
    return Money(payment.amount.amount - payment.refunded_amount, payment.amount.currency)


def _mark_refunded(payment: Payment, *, reference: str, actor) -> None:
    payment.status, payment.refunded_at = Status.REFUNDED, timezone.now()
    payment.refunded_amount, payment.refund_reference = payment.amount.amount, reference
    payment._history_user = actor
    payment.save(update_fields=["status", "refunded_at", "refunded_amount", "refund_reference", "updated_at"])


@transaction.atomic
def payment_refund(*, payment_id: int, actor) -> Payment:
    """Give back what is left of a completed payment through its gateway and mark it refunded."""
    payment = _lock_refundable(payment_id)
    # Not gateway_get: a gateway switched off since still refunds what it collected.
    adapter = ADAPTERS[payment.gateway]()
    if payment.refunded_amount:  # parts already went back (returns): only the rest does now
        reference = adapter.refund(payment, _remaining(payment), key="rest")
    else:
        reference = adapter.refund(payment)
    _mark_refunded(payment, reference=reference, actor=actor)
    return payment


@transaction.atomic
def payment_refund_part(*, payment_id: int, amount: Money, key: str, actor) -> str:
    """Give back `amount` of a completed payment (e.g. one order of a checkout that paid for several) and
    return the provider's refund reference. `key` names this refund, so a retry does not refund twice.

    The payment stays completed while part of it still pays for something; once the parts add up to the
    whole amount it is refunded.
    """
    if not key:
        raise PaymentError(_("A partial refund needs a key that names it."))
    payment = _lock_refundable(payment_id)
    remaining = _remaining(payment)
    if amount.currency != payment.amount.currency or not 0 < amount.amount <= remaining.amount:
        raise PaymentError(_("%(amount)s cannot be given back from a payment of %(total)s: %(left)s is left to "
                             "refund.") % {"amount": amount, "total": payment.amount, "left": remaining})
    if amount == payment.amount:
        return payment_refund(payment_id=payment.pk, actor=actor).refund_reference
    reference = ADAPTERS[payment.gateway]().refund(payment, amount, key=key)
    logger.info("Partial refund", extra={"payment_token": str(payment.token), "amount": str(amount),
                                          "refund_key": key, "refund_reference": reference})
    if amount == remaining:
        _mark_refunded(payment, reference=reference, actor=actor)
    else:
        payment.refunded_amount += amount.amount
        payment._history_user = actor
        payment.save(update_fields=["refunded_amount", "updated_at"])
    return reference
