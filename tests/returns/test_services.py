"""The return lifecycle through its services: window, approval and its refund, rejection, cash refunds."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from djmoney.money import Money

from apps.affiliates.models import Commission
from apps.catalog.models import Product
from apps.loyalty.models import LoyaltyEntry
from apps.loyalty.services import loyalty_balance, loyalty_earn, loyalty_redeem
from apps.notifications.models import EmailLog, Notification
from apps.orders.models import Order
from apps.orders.services import order_complete
from apps.payments.exceptions import GatewayError
from apps.payments.gateways.sandbox import SandboxGateway
from apps.payments.models import Payment
from apps.returns.models import Refund, ReturnRequest
from apps.returns.services import (
    ReturnError,
    refund_mark_paid,
    refund_retry,
    return_approve,
    return_reject,
    return_request_create,
)
from tests.factories import CommissionFactory, MembershipFactory, UserFactory
from tests.returns.builders import delivered_order, paid_online

pytestmark = pytest.mark.django_db
Status = ReturnRequest.Status


def _refuse(self, payment, amount=None, *, key=""):
    raise GatewayError("The card network is down.")


def _ask(order, **fields):
    return return_request_create(order_id=order.pk, buyer=order.buyer, **{"reason": "damaged",
                                                                          "description": "Cracked screen", **fields})


# --- asking


def test_a_return_after_the_window_is_refused(vendor_a, buyer, settings):
    # given an order delivered 31 days ago, with the default 30-day window
    assert settings.RETURN_WINDOW_DAYS == 30
    order = delivered_order(vendor_a, buyer, delivered_at=timezone.now() - timedelta(days=31))

    # when its buyer asks to return it, then it is refused with the date it ended
    with pytest.raises(ReturnError, match=r"The 30 days to return order .* ended on"):
        _ask(order)
    assert not ReturnRequest.objects.exists()


def test_the_window_is_configurable_and_counts_from_delivery(vendor_a, buyer, settings):
    settings.RETURN_WINDOW_DAYS = 7
    late = delivered_order(vendor_a, buyer, delivered_at=timezone.now() - timedelta(days=8))
    in_time = delivered_order(vendor_a, buyer, delivered_at=timezone.now() - timedelta(days=6))

    with pytest.raises(ReturnError, match="The 7 days"):
        _ask(late)
    assert _ask(in_time).status == Status.REQUESTED


@pytest.mark.parametrize("status", [Order.Status.PLACED, Order.Status.OUT_FOR_DELIVERY, Order.Status.CANCELLED])
def test_an_order_not_delivered_cannot_be_returned(vendor_a, buyer, status):
    order = delivered_order(vendor_a, buyer, status=status, delivered_at=None)

    with pytest.raises(ReturnError, match="once it has been delivered"):
        _ask(order)


def test_only_the_buyer_may_ask(vendor_a, buyer):
    order = delivered_order(vendor_a, buyer)

    with pytest.raises(ReturnError, match="Only the buyer"):
        return_request_create(order_id=order.pk, buyer=UserFactory(), reason="damaged")


def test_another_reason_needs_a_description(vendor_a, buyer):
    order = delivered_order(vendor_a, buyer)

    with pytest.raises(ReturnError, match="Describe the problem"):
        _ask(order, reason="other", description="  ")


def test_asking_records_the_timeline_and_notifies_every_member_of_the_store(vendor_a, buyer):
    # given a store with two members
    owner = MembershipFactory(vendor=vendor_a).user
    staff = MembershipFactory(vendor=vendor_a, role="staff").user
    order = delivered_order(vendor_a, buyer)

    # when the buyer asks
    return_request = _ask(order)

    # then the timeline starts, and each member gets one in-app notice linking to the admin page
    assert [(c.from_status, c.to_status, c.actor) for c in return_request.timeline.all()] == [
        ("", Status.REQUESTED, buyer)]
    notices = Notification.objects.filter(kind="returns.requested")
    assert {n.user for n in notices} == {owner, staff}
    assert {n.url for n in notices} == {f"/admin/returns/returnrequest/{return_request.pk}/change/"}
    assert order.reference in notices[0].title


def test_one_live_return_per_order(vendor_a, buyer):
    order = delivered_order(vendor_a, buyer)
    first = _ask(order)

    # the service says so ...
    with pytest.raises(ReturnError, match="already requested"):
        _ask(order)
    # ... and the database would not take a second one either
    with pytest.raises(IntegrityError), transaction.atomic():
        ReturnRequest.objects.create(order=order, buyer=buyer, reason="damaged")
    # a rejected return leaves room for a new request inside the window
    return_reject(return_id=first.pk, actor=UserFactory(), reason="The seal is broken")
    assert _ask(order).status == Status.REQUESTED


# --- approving an online payment


def test_approving_a_paid_online_order_refunds_it_once_through_the_gateway(vendor_a, vendor_b, buyer,
                                                                           gateway_refunds):
    # given one checkout paid online for orders of two stores, the first one completed (points earned)
    (order, other), payment = paid_online(buyer, (vendor_a, {"quantity": 2, "price": 50000}),
                                          (vendor_b, {"quantity": 1, "price": 30000}))
    order_complete(order_id=order.pk, actor=None)
    product = order.items.get().product
    assert loyalty_balance(user=buyer) == 10000
    return_request = _ask(order)

    # when its seller approves the return
    return_approve(return_id=return_request.pk, actor=UserFactory(), note="Sorry about that")

    # then the gateway is asked once, for this order's amount only, keyed by the return
    assert gateway_refunds == [(payment.pk, Money(100000, "GNF"), f"return-{return_request.pk}")]
    refund = Refund.objects.get()
    assert (refund.method, refund.status, refund.amount, refund.payment) == ("gateway", "paid", Money(100000, "GNF"),
                                                                             payment)
    assert refund.provider_reference.startswith("sandbox_refund_") and refund.paid_at is not None
    # the payment still pays for the other store's order
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.COMPLETED
    order.refresh_from_db()
    other.refresh_from_db()
    assert (order.payment_status, other.payment_status) == ("refunded", "paid")
    # the stock is back, the points earned on the order are taken back
    assert Product.objects.get(pk=product.pk).stock == 10
    assert loyalty_balance(user=buyer) == 0
    assert LoyaltyEntry.objects.get(kind="reverse").reference == order.reference
    # the return is closed, step by step
    return_request.refresh_from_db()
    assert return_request.status == Status.REFUNDED
    assert [c.to_status for c in return_request.timeline.all()] == [Status.REQUESTED, Status.APPROVED, Status.REFUNDED]


def test_a_whole_payment_given_back_is_refunded_in_full(vendor_a, buyer, gateway_refunds):
    (order,), payment = paid_online(buyer, (vendor_a, {}))

    return_approve(return_id=_ask(order).pk, actor=UserFactory())

    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED and payment.refund_reference.startswith("sandbox_refund_")
    assert gateway_refunds == [(payment.pk, None, "")]  # the payments app's full refund
    assert Refund.objects.get().provider_reference == payment.refund_reference


def test_approving_twice_refunds_once(vendor_a, buyer, gateway_refunds):
    (order,), _payment = paid_online(buyer, (vendor_a, {}))
    product = order.items.get().product
    return_request = _ask(order)
    return_approve(return_id=return_request.pk, actor=UserFactory())

    with pytest.raises(ReturnError, match="is already refunded"):
        return_approve(return_id=return_request.pk, actor=UserFactory())

    assert len(gateway_refunds) == 1 and Refund.objects.count() == 1
    assert Product.objects.get(pk=product.pk).stock == 10


def test_the_delivery_commission_is_not_refunded(vendor_a, buyer, gateway_refunds):
    # a 2 x 50,000 order with a 15,000 delivery commission, paid online with another store's order
    (order, _other), payment = paid_online(buyer, (vendor_a, {"delivery_fee": 15000}), (vendor_a, {}))
    assert order.total == Money(115000, "GNF")

    return_approve(return_id=_ask(order).pk, actor=UserFactory())

    assert Refund.objects.get().amount == Money(100000, "GNF")
    assert gateway_refunds[0][1] == Money(100000, "GNF")


def test_a_gateway_error_leaves_the_refund_failed_and_a_retry_pays_it(vendor_a, buyer, monkeypatch):
    (order,), payment = paid_online(buyer, (vendor_a, {}))
    product = order.items.get().product
    return_request = _ask(order)

    # when the gateway refuses the refund at approval
    monkeypatch.setattr(SandboxGateway, "refund", _refuse)
    return_approve(return_id=return_request.pk, actor=UserFactory())

    # then the approval stands (stock back once), the refund is failed with the reason, nothing is refunded
    return_request.refresh_from_db()
    refund = Refund.objects.get()
    assert return_request.status == Status.APPROVED
    assert (refund.status, refund.failure_message, refund.paid_at) == ("failed", "The card network is down.", None)
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.COMPLETED
    assert Order.objects.get(pk=order.pk).payment_status == "paid"
    assert Product.objects.get(pk=product.pk).stock == 10

    # when the gateway answers again and the seller retries
    monkeypatch.undo()
    refund_retry(refund_id=refund.pk, actor=UserFactory())

    # then it is paid and the return closed; the stock did not move twice
    refund.refresh_from_db()
    assert (refund.status, refund.failure_message) == ("paid", "")
    assert ReturnRequest.objects.get().status == Status.REFUNDED
    assert Order.objects.get(pk=order.pk).payment_status == "refunded"
    assert Product.objects.get(pk=product.pk).stock == 10
    with pytest.raises(ReturnError, match="Only a failed online refund"):
        refund_retry(refund_id=refund.pk, actor=None)


# --- cash on delivery


def test_a_cash_refund_is_pending_until_the_seller_marks_it_paid(vendor_a, buyer, gateway_refunds):
    # given an order paid in cash at the door
    order = delivered_order(vendor_a, buyer)
    return_request = _ask(order)
    seller = UserFactory()

    # when approved
    return_approve(return_id=return_request.pk, actor=seller)

    # then no gateway is asked and the refund waits for the seller
    refund = Refund.objects.get()
    assert gateway_refunds == []
    assert (refund.method, refund.status, refund.payment, refund.amount) == ("cash", "pending", None,
                                                                             Money(100000, "GNF"))
    assert ReturnRequest.objects.get().status == Status.APPROVED
    assert Order.objects.get(pk=order.pk).payment_status == "paid"

    # when the seller marks it paid
    refund_mark_paid(refund_id=refund.pk, actor=seller, note="Handed over at the shop")

    refund.refresh_from_db()
    assert (refund.status, refund.marked_paid_by) == ("paid", seller) and refund.paid_at is not None
    assert Order.objects.get(pk=order.pk).payment_status == "refunded"
    return_request.refresh_from_db()
    assert return_request.status == Status.REFUNDED
    assert return_request.timeline.last().note == "Handed over at the shop"
    assert Notification.objects.filter(user=buyer, kind="returns.refunded").count() == 1
    with pytest.raises(ReturnError, match="Only a pending cash refund"):
        refund_mark_paid(refund_id=refund.pk, actor=seller)


def test_an_online_refund_cannot_be_marked_paid_by_hand(vendor_a, buyer, monkeypatch):
    (order,), _payment = paid_online(buyer, (vendor_a, {}))
    monkeypatch.setattr(SandboxGateway, "refund", _refuse)
    return_approve(return_id=_ask(order).pk, actor=None)

    with pytest.raises(ReturnError, match="Only a pending cash refund"):
        refund_mark_paid(refund_id=Refund.objects.get().pk, actor=None)


# --- what else the approval gives back


def test_points_used_on_the_order_come_back_and_its_commission_is_reversed(vendor_a, buyer):
    # given 100 points, 40 of them spent on the order
    loyalty_earn(user=buyer, amount_paid=Money(1000, "GNF"), reference="ORD-EARLIER")
    loyalty_redeem(user=buyer, points=40, reference="CHK-1")
    order = delivered_order(vendor_a, buyer, points_redeemed=40, points_discount=Money(40, "GNF"))
    commission = CommissionFactory(reference=order.reference)

    return_approve(return_id=_ask(order).pk, actor=None)

    assert loyalty_balance(user=buyer) == 100
    assert LoyaltyEntry.objects.get(kind="restore").reference == f"{order.reference}:return"
    assert Commission.objects.get(pk=commission.pk).status == Commission.Status.REVERSED


def test_an_order_paid_wholly_with_points_and_discounts_closes_with_nothing_to_pay(vendor_a, buyer):
    order = delivered_order(vendor_a, buyer, quantity=1, price=1000, discount=Money(1000, "GNF"))
    assert order.total == Money(0, "GNF")

    return_approve(return_id=_ask(order).pk, actor=None)

    refund = Refund.objects.get()
    assert (refund.amount, refund.status) == (Money(0, "GNF"), "paid")
    assert ReturnRequest.objects.get().status == Status.REFUNDED


# --- rejecting and the buyer's notices


def test_rejection_needs_a_reason(vendor_a, buyer):
    return_request = _ask(delivered_order(vendor_a, buyer))

    with pytest.raises(ReturnError, match="Say why the return is rejected"):
        return_reject(return_id=return_request.pk, actor=None, reason="   ")

    assert ReturnRequest.objects.get().status == Status.REQUESTED


def test_the_buyer_is_told_of_the_decision_in_the_app_and_by_email(vendor_a, buyer, django_capture_on_commit_callbacks):
    return_request = _ask(delivered_order(vendor_a, buyer))

    with django_capture_on_commit_callbacks(execute=False):
        return_reject(return_id=return_request.pk, actor=UserFactory(), reason="Worn, not as delivered")

    notice = Notification.objects.get(user=buyer, kind="returns.decided")
    assert "rejected" in notice.title and notice.body == "Worn, not as delivered"
    assert notice.url == f"/account/returns/{return_request.pk}/"
    assert EmailLog.objects.filter(to=buyer.email, kind="returns.decided").count() == 1
    with pytest.raises(ReturnError, match="is already rejected"):
        return_approve(return_id=return_request.pk, actor=None)
