"""The same handover confirmed several times at once, on PostgreSQL with real threads: one confirmation,
one cash record, one delivered order, one commission."""

import pytest
from djmoney.money import Money

from apps.delivery.handover import (
    HandoverError,
    delivery_code_issue,
    handover_check_pin,
    handover_confirm_by_buyer,
    handover_confirm_by_deliverer,
    handover_payment_completed,
)
from apps.delivery.models import CashCollection, CourierEarning, DeliveryCode
from apps.orders.models import OrderStatusChange
from apps.payments.models import Payment
from tests.factories import DeliveryFactory, PaymentFactory, ProductFactory, UserFactory, VendorFactory, order_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def handover():
    """A cash-on-delivery order out for delivery; its courier has confirmed receiving the cash."""
    vendor, buyer, courier = VendorFactory(), UserFactory(), UserFactory()
    product = ProductFactory(vendor=vendor, price=Money(12000, "GNF"))
    order = order_for(vendor, buyer=buyer, status="out_for_delivery", lines=[(product, 2)],
                      delivery_fee=Money(8000, "GNF"), delivery_mode="home")
    DeliveryFactory(order=order, status="picked_up", deliverer=courier, commission=Money(5000, "GNF"))
    code = delivery_code_issue(order=order)
    handover_confirm_by_deliverer(code_id=code.pk, actor=courier)
    return code, order, buyer, courier


def assert_handed_over_once(order, outcomes):
    done = [outcome for outcome in outcomes if not isinstance(outcome, Exception)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert len(done) == 1, outcomes
    assert all(isinstance(error, HandoverError) and "already handed over" in str(error) for error in refused), outcomes
    assert CashCollection.objects.filter(order=order).count() == 1
    assert CashCollection.objects.get(order=order).amount == Money(32000, "GNF")
    assert OrderStatusChange.objects.filter(order=order, to_status="delivered").count() == 1
    assert CourierEarning.objects.filter(delivery__order=order).count() == 1
    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("delivered", "paid")


def test_the_buyer_confirming_twice_at_once_confirms_once(handover, run_concurrently):
    code, order, buyer, _courier = handover

    outcomes = run_concurrently(lambda i: handover_confirm_by_buyer(order_id=order.pk, actor=buyer), 4)

    assert_handed_over_once(order, outcomes)
    assert DeliveryCode.objects.get(pk=code.pk).buyer_confirmed_via == "page"


def test_the_buyer_confirming_while_the_courier_types_the_pin_confirms_once(handover, run_concurrently):
    code, order, buyer, courier = handover

    def confirm(i):
        if i % 2:
            return handover_check_pin(code_id=code.pk, pin=code.pin, actor=courier)
        return handover_confirm_by_buyer(order_id=order.pk, actor=buyer)

    outcomes = run_concurrently(confirm, 4)

    assert_handed_over_once(order, outcomes)


def test_an_online_payment_arriving_as_the_buyer_confirms_cash_is_refunded(handover, run_concurrently):
    code, order, buyer, _courier = handover
    payment = PaymentFactory(purpose="order_handover", reference=order.reference, amount=Money(32000, "GNF"),
                             completed=True)

    def settle(i):
        if i == 0:
            return handover_confirm_by_buyer(order_id=order.pk, actor=buyer)
        return handover_payment_completed(payment=payment)

    outcomes = run_concurrently(settle, 2)

    assert not any(isinstance(outcome, Exception) for outcome in outcomes), outcomes
    assert CashCollection.objects.filter(order=order).count() == 1
    assert Payment.objects.get(pk=payment.pk).status == "refunded"  # the courier holds the cash: never twice


def test_the_courier_tapping_cash_received_twice_at_once_confirms_once(run_concurrently):
    vendor, courier = VendorFactory(), UserFactory()
    order = order_for(vendor, status="out_for_delivery", delivery_mode="home")
    DeliveryFactory(order=order, status="picked_up", deliverer=courier)
    code = delivery_code_issue(order=order)

    outcomes = run_concurrently(lambda i: handover_confirm_by_deliverer(code_id=code.pk, actor=courier), 3)

    assert not any(isinstance(outcome, Exception) for outcome in outcomes), outcomes
    assert len({outcome.courier_confirmed_at for outcome in outcomes}) == 1
    assert DeliveryCode.objects.get(pk=code.pk).courier_confirmed_at == outcomes[0].courier_confirmed_at
