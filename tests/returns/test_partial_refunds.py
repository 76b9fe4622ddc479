"""Giving back part of a payment (one order of a checkout that paid for several), through each adapter."""

import pytest
import stripe
from djmoney.money import Money

from apps.payments.exceptions import PaymentError
from apps.payments.models import Payment
from apps.payments.services import payment_refund_part
from tests.factories import PaymentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stripe_refunds(monkeypatch, settings):
    """The parameters of every refund asked of Stripe (answered with refund re_part)."""
    settings.STRIPE_SECRET_KEY = "sk_test_offline"
    calls = []

    def create(**params):
        calls.append(params)
        return stripe.Refund.construct_from({"id": "re_part", "object": "refund"}, params["api_key"])

    monkeypatch.setattr(stripe.Refund, "create", create)
    return calls


def test_stripe_is_asked_for_the_amount_in_minor_units_with_the_callers_key(stripe_refunds):
    payment = PaymentFactory(gateway="stripe", completed=True, provider_reference="pi_3Abc",
                             amount=Money("150.00", "EUR"))

    reference = payment_refund_part(payment_id=payment.pk, amount=Money("40.50", "EUR"), key="return-7", actor=None)

    assert reference == "re_part"
    assert stripe_refunds == [{"payment_intent": "pi_3Abc", "api_key": "sk_test_offline", "amount": 4050,
                               "idempotency_key": f"refund-{payment.token}-return-7"}]
    assert Payment.objects.get(pk=payment.pk).status == "completed"  # the rest still pays for something


def test_stripe_counts_gnf_in_whole_units(stripe_refunds):
    payment = PaymentFactory(gateway="stripe", completed=True, provider_reference="pi_gnf", amount=Money(150000, "GNF"))

    payment_refund_part(payment_id=payment.pk, amount=Money(100000, "GNF"), key="return-8", actor=None)

    assert stripe_refunds[0]["amount"] == 100000


def test_the_sandbox_and_bank_transfer_record_a_partial_refund(db):
    sandbox = PaymentFactory(gateway="sandbox", completed=True)
    transfer = PaymentFactory(gateway="bank_transfer", completed=True)

    assert payment_refund_part(payment_id=sandbox.pk, amount=Money(1000, "GNF"), key="k", actor=None).startswith(
        "sandbox_refund_")
    assert payment_refund_part(payment_id=transfer.pk, amount=Money(1000, "GNF"), key="k", actor=None) == ""
    assert set(Payment.objects.values_list("status", flat=True)) == {"completed"}


def test_the_whole_amount_is_a_full_refund():
    payment = PaymentFactory(gateway="sandbox", completed=True, amount=Money(150000, "GNF"))

    reference = payment_refund_part(payment_id=payment.pk, amount=Money(150000, "GNF"), key="k", actor=None)

    payment.refresh_from_db()
    assert payment.status == "refunded" and payment.refund_reference == reference


@pytest.mark.parametrize(("amount", "key", "message"), [
    (Money(150001, "GNF"), "k", "cannot be given back from a payment of"),
    (Money(0, "GNF"), "k", "cannot be given back from a payment of"),
    (Money(10, "EUR"), "k", "cannot be given back from a payment of"),
    (Money(10, "GNF"), "", "needs a key"),
])
def test_what_cannot_be_given_back_is_refused(amount, key, message):
    payment = PaymentFactory(gateway="sandbox", completed=True, amount=Money(150000, "GNF"))

    with pytest.raises(PaymentError, match=message):
        payment_refund_part(payment_id=payment.pk, amount=amount, key=key, actor=None)


def test_only_a_completed_payment_gives_money_back():
    payment = PaymentFactory(gateway="sandbox", refunded=True)

    with pytest.raises(PaymentError, match="Only a completed payment can be refunded; this one is refunded"):
        payment_refund_part(payment_id=payment.pk, amount=Money(10, "GNF"), key="k", actor=None)


def test_parts_add_up_never_beyond_what_was_paid_and_the_last_one_closes_the_payment(stripe_refunds):
    from apps.payments.services import payment_refund

    payment = PaymentFactory(gateway="stripe", completed=True, provider_reference="pi_parts",
                             amount=Money("100.00", "EUR"))
    # one order's return, then another that asks for more than is left
    payment_refund_part(payment_id=payment.pk, amount=Money("60.00", "EUR"), key="return-1", actor=None)
    with pytest.raises(PaymentError, match="is left to refund"):
        payment_refund_part(payment_id=payment.pk, amount=Money("50.00", "EUR"), key="return-2", actor=None)
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == ("completed", 60)
    # a full refund afterwards gives back only the rest, and closes the payment
    payment_refund(payment_id=payment.pk, actor=None)
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == ("refunded", 100)
    assert [call.get("amount") for call in stripe_refunds] == [6000, 4000]


def test_the_part_that_completes_the_amount_marks_the_payment_refunded(stripe_refunds):
    payment = PaymentFactory(gateway="stripe", completed=True, provider_reference="pi_two",
                             amount=Money("100.00", "EUR"))
    for key in ("return-1", "return-2"):
        payment_refund_part(payment_id=payment.pk, amount=Money("50.00", "EUR"), key=key, actor=None)
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount, payment.refund_reference) == ("refunded", 100, "re_part")
