"""The payment services called directly: starting, completing, failing, confirming and refunding."""

import re

import pytest
from django.test import RequestFactory
from djmoney.money import Money

from apps.payments.exceptions import PaymentError
from apps.payments.models import Payment
from apps.payments.services import (
    payment_complete,
    payment_confirm_transfer,
    payment_fail,
    payment_refund,
    payment_start,
)
from tests.factories import PaymentFactory, UserFactory, VendorFactory

pytestmark = pytest.mark.django_db


def _start(**overrides):
    arguments = {
        "gateway": "sandbox", "amount": Money(150000, "GNF"), "purpose": "test_purchase", "reference": "SR-1",
        "customer_email": "buyer@example.com", "description": "Plumbing repair", "return_url": "/paid/",
        "retry_url": "/services/plumbing/buy/", "request": RequestFactory().get("/"),
    }
    return payment_start(**{**arguments, **overrides})


def test_starting_a_sandbox_payment_sends_the_customer_to_its_pay_page():
    vendor = VendorFactory()

    payment, url = _start(vendor=vendor)

    assert url == f"/payments/sandbox/{payment.token}/"
    assert (payment.status, payment.vendor, payment.amount) == ("pending", vendor, Money(150000, "GNF"))


def test_starting_a_bank_transfer_gives_a_reference_staff_can_search_for():
    payment, url = _start(gateway="bank_transfer")

    payment.refresh_from_db()
    assert url == f"/payments/{payment.token}/bank-transfer/"
    assert payment.provider_reference == f"CPT-{payment.token.hex[:10].upper()}"


@pytest.mark.parametrize("gateway", ["paypal", "stripe"])
def test_an_unknown_or_disabled_gateway_is_refused(settings, gateway):
    settings.PAYMENT_GATEWAYS = ["sandbox"]

    with pytest.raises(PaymentError, match="This payment method is not available"):
        _start(gateway=gateway)
    assert not Payment.objects.exists()


@pytest.mark.parametrize("amount", [Money(0, "GNF"), Money(-5, "GNF"), Money(10, "JPY")])
def test_an_amount_that_cannot_be_paid_is_refused(amount):
    with pytest.raises(PaymentError, match="cannot be paid online"):
        _start(amount=amount)


@pytest.mark.parametrize("field", ["return_url", "retry_url"])
def test_a_page_off_the_site_is_refused_as_a_destination(field):
    with pytest.raises(PaymentError, match="not on this site"):
        _start(**{field: "https://evil.example/phish"})


def test_completing_twice_runs_the_purpose_once(handled):
    payment = PaymentFactory()

    payment_complete(payment_id=payment.pk, provider_reference="ref-1")
    payment_complete(payment_id=payment.pk, provider_reference="ref-2")

    payment.refresh_from_db()
    assert (payment.status, payment.provider_reference) == ("completed", "ref-1")
    assert handled == [payment.pk]


def test_a_purpose_without_a_handler_is_simply_recorded(handled):
    payment = PaymentFactory(purpose="donation")

    payment_complete(payment_id=payment.pk)

    assert Payment.objects.get(pk=payment.pk).status == "completed"
    assert handled == []


def test_a_refunded_payment_cannot_be_completed_again():
    payment = PaymentFactory(refunded=True)

    with pytest.raises(PaymentError, match="A refunded payment cannot be completed"):
        payment_complete(payment_id=payment.pk)


def test_a_completed_payment_cannot_fail():
    payment = PaymentFactory(completed=True)

    with pytest.raises(PaymentError, match="Only a pending payment can fail"):
        payment_fail(payment_id=payment.pk, reason="late decline")


def test_confirming_a_transfer_completes_it_and_records_who(handled):
    staff = UserFactory()
    payment = PaymentFactory(gateway="bank_transfer")

    payment_confirm_transfer(payment_id=payment.pk, actor=staff)

    payment.refresh_from_db()
    assert payment.status == "completed"
    assert payment.history.latest("history_date").history_user == staff
    assert handled == [payment.pk]


@pytest.mark.parametrize("factory_kwargs", [{"gateway": "sandbox"}, {"gateway": "bank_transfer", "completed": True}])
def test_only_pending_bank_transfers_can_be_confirmed(factory_kwargs):
    payment = PaymentFactory(**factory_kwargs)

    with pytest.raises(PaymentError, match="Only a pending bank-transfer payment can be confirmed"):
        payment_confirm_transfer(payment_id=payment.pk, actor=None)


@pytest.mark.parametrize(("gateway", "refund_reference"), [
    ("sandbox", r"sandbox_refund_[0-9a-f]{32}"),
    ("bank_transfer", ""),  # recorded only: staff send the money back themselves
])
def test_refunding_a_completed_payment(gateway, refund_reference):
    staff = UserFactory()
    payment = PaymentFactory(gateway=gateway, completed=True)

    payment_refund(payment_id=payment.pk, actor=staff)

    payment.refresh_from_db()
    assert payment.status == "refunded" and payment.refunded_at is not None
    assert re.fullmatch(refund_reference, payment.refund_reference)
    assert payment.history.latest("history_date").history_user == staff


@pytest.mark.parametrize("status", ["pending", "failed"])
def test_only_a_completed_payment_can_be_refunded(status):
    payment = PaymentFactory(status=status)

    with pytest.raises(PaymentError, match=f"Only a completed payment can be refunded; this one is {status}"):
        payment_refund(payment_id=payment.pk, actor=None)


def test_a_gateway_switched_off_since_still_refunds(settings):
    payment = PaymentFactory(completed=True)
    settings.PAYMENT_GATEWAYS = []

    payment_refund(payment_id=payment.pk, actor=None)

    assert Payment.objects.get(pk=payment.pk).status == "refunded"
