import threading

import pytest
from django.core import mail
from djmoney.money import Money

from apps.catalog.models import Product
from apps.loyalty.services import loyalty_balance, loyalty_earn, loyalty_redeem
from apps.notifications.models import EmailLog
from apps.orders import services
from apps.orders.models import Checkout, Order
from apps.orders.services import OrderError
from apps.promotions.models import PromoCode, PromoRedemption
from apps.promotions.services import promo_redeem
from tests.factories import ProductFactory, UserFactory, order_for

Status = Order.Status
HOME, PICKUP = Order.DeliveryMode.HOME, Order.DeliveryMode.PICKUP
pytestmark = pytest.mark.django_db


def _seller_cancel(*, order_id, actor):
    return services.order_cancel(order_id=order_id, actor=actor, reason="Out of stock in the shop", by_buyer=False)


STEPS = {
    "confirm": (services.order_confirm, Status.CONFIRMED),
    "ready": (services.order_mark_ready, Status.READY),
    "dispatch": (services.order_dispatch, Status.OUT_FOR_DELIVERY),
    "deliver": (services.order_mark_delivered, Status.DELIVERED),
    "complete": (services.order_complete, Status.COMPLETED),
    "cancel": (_seller_cancel, Status.CANCELLED),
}
# Written out by hand rather than read from services.ALLOWED, so that a slip in the map fails here.
OPEN_FROM = {
    HOME: {"confirm": {Status.PLACED}, "ready": {Status.CONFIRMED}, "dispatch": {Status.READY},
           "deliver": {Status.OUT_FOR_DELIVERY}, "complete": {Status.DELIVERED},
           "cancel": {Status.PLACED, Status.CONFIRMED, Status.READY}},
    # a pickup order never gets out for delivery; were one there, it could still be closed as delivered
    PICKUP: {"confirm": {Status.PLACED}, "ready": {Status.CONFIRMED}, "dispatch": set(),
             "deliver": {Status.READY, Status.OUT_FOR_DELIVERY}, "complete": {Status.DELIVERED},
             "cancel": {Status.PLACED, Status.CONFIRMED, Status.READY}},
}


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def buyer(db):
    return UserFactory(email="aissatou@example.com", full_name="Aïssatou Diallo")


@pytest.mark.parametrize("mode", [HOME, PICKUP])
@pytest.mark.parametrize("step", list(STEPS))
@pytest.mark.parametrize("status", list(Status))
def test_every_move_is_allowed_or_refused_as_the_map_says(vendor_a, seller_a, buyer, mode, step, status):
    # given an order of this vendor in this status
    order = order_for(vendor_a, buyer=buyer, status=status, delivery_mode=mode)
    service, target = STEPS[step]
    timeline_before = order.timeline.count()
    # when the seller tries the step
    if status in OPEN_FROM[mode][step]:
        service(order_id=order.pk, actor=seller_a)
        # then it moves, with one more timeline entry
        order.refresh_from_db()
        assert order.status == target and order.timeline.count() == timeline_before + 1
    else:
        # then it is refused with a sentence naming the order, and nothing moved
        with pytest.raises(OrderError) as refused:
            service(order_id=order.pk, actor=seller_a)
        assert order.reference in str(refused.value)
        order.refresh_from_db()
        assert order.status == status and order.timeline.count() == timeline_before
        assert not EmailLog.objects.filter(related_reference=order.reference).exists()


def test_refusal_says_where_the_order_is_and_where_it_cannot_go(vendor_a, seller_a):
    order = order_for(vendor_a)
    with pytest.raises(OrderError, match=rf"Order {order.reference} is placed and cannot become ready\."):
        services.order_mark_ready(order_id=order.pk, actor=seller_a)


def test_home_order_walks_to_completion_with_timeline_history_and_one_email_per_step(
    vendor_a, seller_a, buyer, django_capture_on_commit_callbacks
):
    # given a placed cash-on-delivery order of 2 x 60,000 GNF
    product = ProductFactory(vendor=vendor_a, price=Money(60000, "GNF"))
    order = order_for(vendor_a, buyer=buyer, lines=[(product, 2)])
    mail.outbox.clear()
    # when the seller takes it through every step
    with django_capture_on_commit_callbacks(execute=True):
        services.order_confirm(order_id=order.pk, actor=seller_a, note="Thanks!")
        services.order_mark_ready(order_id=order.pk, actor=seller_a)
        services.order_dispatch(order_id=order.pk, actor=seller_a, note="Courier Mamadou, 620 11 22 33")
        services.order_mark_delivered(order_id=order.pk, actor=seller_a, via_handover=True)  # home: the QR handover
        services.order_complete(order_id=order.pk, actor=seller_a)
    order.refresh_from_db()
    # then every step is in the timeline and the history, with the seller as actor
    steps = [Status.CONFIRMED, Status.READY, Status.OUT_FOR_DELIVERY, Status.DELIVERED, Status.COMPLETED]
    assert [(c.from_status, c.to_status, c.actor) for c in order.timeline.all()][1:] == list(
        zip([Status.PLACED, *steps[:-1]], steps, [seller_a] * 5, strict=True))
    assert order.timeline.get(to_status=Status.OUT_FOR_DELIVERY).note == "Courier Mamadou, 620 11 22 33"
    history = [(h.status, h.history_user) for h in order.history.order_by("history_date", "history_id")][1:]
    assert history == [(status, seller_a) for status in steps]
    assert order.confirmed_at and order.delivered_at and order.completed_at
    # and the buyer got exactly one e-mail per step, naming the order and its new status
    assert [m.to for m in mail.outbox] == [[buyer.email]] * 5
    assert [m.subject for m in mail.outbox] == [f"Order {order.reference}: {Status(s).label}" for s in steps]
    assert "Courier Mamadou" in mail.outbox[2].body and "http://testserver/account/orders/" in mail.outbox[2].body


def test_cash_is_collected_on_delivery_and_online_payments_stay_as_they_are(vendor_a, seller_a):
    cash = order_for(vendor_a, status=Status.OUT_FOR_DELIVERY)
    online = order_for(vendor_a, status=Status.OUT_FOR_DELIVERY, payment_method="sandbox",
                       payment_status=Order.PaymentStatus.PAID)
    for order in (cash, online):
        services.order_mark_delivered(order_id=order.pk, actor=seller_a)
        order.refresh_from_db()
        assert order.payment_status == Order.PaymentStatus.PAID


def test_an_order_awaiting_its_online_payment_cannot_be_confirmed(vendor_a, seller_a):
    order = order_for(vendor_a, payment_method="sandbox", payment_status=Order.PaymentStatus.PENDING)
    with pytest.raises(OrderError, match="not paid yet"):
        services.order_confirm(order_id=order.pk, actor=seller_a)
    assert Order.objects.get(pk=order.pk).status == Status.PLACED


def test_pickup_order_is_handed_over_at_the_store_without_a_courier(vendor_a, seller_a):
    order = order_for(vendor_a, delivery_mode=PICKUP)
    services.order_confirm(order_id=order.pk, actor=seller_a)
    services.order_mark_ready(order_id=order.pk, actor=seller_a)
    with pytest.raises(OrderError, match="collected at the store"):
        services.order_dispatch(order_id=order.pk, actor=seller_a)
    services.order_mark_delivered(order_id=order.pk, actor=seller_a)
    services.order_complete(order_id=order.pk, actor=seller_a)
    assert [c.to_status for c in Order.objects.get(pk=order.pk).timeline.all()] == [
        Status.PLACED, Status.CONFIRMED, Status.READY, Status.DELIVERED, Status.COMPLETED]


def test_completion_earns_points_on_the_total_once(vendor_a, seller_a, buyer, settings):
    settings.LOYALTY_EARN_UNIT = 1000
    order = order_for(vendor_a, buyer=buyer, status=Status.DELIVERED, total=Money(125500, "GNF"))
    services.order_complete(order_id=order.pk, actor=seller_a)
    assert loyalty_balance(user=buyer) == 125
    assert "125 loyalty points earned." in Order.objects.get(pk=order.pk).timeline.last().note
    with pytest.raises(OrderError):
        services.order_complete(order_id=order.pk, actor=seller_a)
    assert loyalty_balance(user=buyer) == 125


def test_buyer_cancels_a_placed_order_and_gets_stock_and_points_back(
    vendor_a, buyer, django_capture_on_commit_callbacks
):
    # given an order of 3 mugs and 1 teapot, paid partly with 40 points
    mugs, teapot = ProductFactory(vendor=vendor_a, stock=7), ProductFactory(vendor=vendor_a, stock=0)
    loyalty_earn(user=buyer, amount_paid=Money(1000, "GNF"), reference="ORD-EARLIER")
    balance = loyalty_balance(user=buyer)
    order = order_for(vendor_a, buyer=buyer, lines=[(mugs, 3), (teapot, 1)], points_redeemed=40,
                      points_discount=Money(40, "GNF"))
    loyalty_redeem(user=buyer, points=40, reference=order.checkout.reference)
    mail.outbox.clear()
    # when the buyer cancels it without giving a reason
    with django_capture_on_commit_callbacks(execute=True):
        services.order_cancel(order_id=order.pk, actor=buyer, reason="  ", by_buyer=True)
    # then it is cancelled, by the buyer, and says so
    order.refresh_from_db()
    assert order.status == Status.CANCELLED and order.cancelled_at is not None
    change = order.timeline.last()
    assert change.actor == buyer and change.note == "Cancelled by the buyer."
    assert order.history.latest("history_date").history_user == buyer
    # and the stock and the points are back, and one e-mail went out
    assert Product.objects.get(pk=mugs.pk).stock == 10 and Product.objects.get(pk=teapot.pk).stock == 1
    assert loyalty_balance(user=buyer) == balance
    assert [m.subject for m in mail.outbox] == [f"Order {order.reference}: Cancelled"]


def test_points_are_restored_once_under_the_cancel_reference(vendor_a, seller_a, buyer, monkeypatch):
    calls = []
    monkeypatch.setattr(services, "loyalty_restore", lambda **kwargs: calls.append(kwargs))
    order = order_for(vendor_a, buyer=buyer, status=Status.CONFIRMED, points_redeemed=25)
    services.order_cancel(order_id=order.pk, actor=seller_a, reason="Broken in the shop", by_buyer=False)
    assert calls == [{"user": buyer, "points": 25, "reference": f"{order.reference}:cancel"}]


def test_cancelling_an_order_without_points_leaves_loyalty_alone(vendor_a, seller_a, monkeypatch):
    monkeypatch.setattr(services, "loyalty_restore", lambda **kwargs: pytest.fail("nothing to restore"))
    order = order_for(vendor_a)
    services.order_cancel(order_id=order.pk, actor=seller_a, reason="Closed for holidays", by_buyer=False)


def test_the_promo_is_released_only_when_every_order_of_the_checkout_is_cancelled(
    vendor_a, vendor_b, seller_a, seller_b, buyer
):
    # given one checkout with a promo code, split into an order from each seller
    PromoCode.objects.create(code="WELCOME10", kind=PromoCode.Kind.PERCENT, percent_off=10)
    checkout = Checkout.objects.create(buyer=buyer, promo_code="WELCOME10")
    promo_redeem(code="WELCOME10", customer=buyer, reference=checkout.reference)
    from_a = order_for(vendor_a, buyer=buyer, checkout=checkout)
    from_b = order_for(vendor_b, buyer=buyer, checkout=checkout)
    redemption = PromoRedemption.objects.get(reference=checkout.reference)
    # when seller A cancels their half, the code is still used by B's order
    services.order_cancel(order_id=from_a.pk, actor=seller_a, reason="Out of stock", by_buyer=False)
    redemption.refresh_from_db()
    assert redemption.released_at is None and PromoCode.objects.get().uses_count == 1
    # when the other half is cancelled too, the use is given back
    services.order_cancel(order_id=from_b.pk, actor=buyer, reason="", by_buyer=True)
    redemption.refresh_from_db()
    assert redemption.released_at is not None and PromoCode.objects.get().uses_count == 0


def test_the_buyer_cannot_cancel_once_the_seller_confirmed(vendor_a, seller_a, buyer):
    order = order_for(vendor_a, buyer=buyer, status=Status.CONFIRMED)
    stock_before = order.items.get().product.stock
    with pytest.raises(OrderError, match=f"already confirmed by the seller.*Contact {vendor_a.name}"):
        services.order_cancel(order_id=order.pk, actor=buyer, reason="Too slow", by_buyer=True)
    order.refresh_from_db()
    assert order.status == Status.CONFIRMED and order.items.get().product.stock == stock_before


def test_someone_else_cannot_cancel_as_the_buyer(vendor_a, buyer):
    order = order_for(vendor_a, buyer=buyer)
    with pytest.raises(OrderError, match="Only the buyer"):
        services.order_cancel(order_id=order.pk, actor=UserFactory(), reason="", by_buyer=True)
    assert Order.objects.get(pk=order.pk).status == Status.PLACED


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_the_seller_must_say_why_they_cancel(vendor_a, seller_a, reason):
    order = order_for(vendor_a, status=Status.READY)
    with pytest.raises(OrderError, match="Say why"):
        services.order_cancel(order_id=order.pk, actor=seller_a, reason=reason, by_buyer=False)
    assert Order.objects.get(pk=order.pk).status == Status.READY


def test_seller_cancel_reason_is_stored_and_told_to_the_buyer(vendor_a, seller_a, buyer,
                                                              django_capture_on_commit_callbacks):
    order = order_for(vendor_a, buyer=buyer, status=Status.READY)
    with django_capture_on_commit_callbacks(execute=True):
        services.order_cancel(order_id=order.pk, actor=seller_a, reason="The last one was damaged", by_buyer=False)
    order.refresh_from_db()
    assert order.cancel_reason == "The last one was damaged"
    assert len(mail.outbox) == 1 and "The last one was damaged" in mail.outbox[0].body


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sellers_cancelling_both_halves_of_a_checkout_at_once_release_the_promo(run_concurrently, monkeypatch):
    # given a checkout with a promo, split between two sellers
    from tests.factories import MembershipFactory, VendorFactory

    # Each cancellation waits (up to 2 s) for the other one before it looks at the rest of the checkout:
    # without the checkout lock both get there and each sees the other's order still open.
    both_inside, restore_stock = threading.Barrier(2), services._restore_stock

    def restore_then_wait(order):
        restore_stock(order)
        try:
            both_inside.wait(timeout=2)
        except threading.BrokenBarrierError:
            pass  # the other one is queued behind the lock, as it should be

    monkeypatch.setattr(services, "_restore_stock", restore_then_wait)
    buyer = UserFactory()
    PromoCode.objects.create(code="DUO", kind=PromoCode.Kind.PERCENT, percent_off=5)
    checkout = Checkout.objects.create(buyer=buyer, promo_code="DUO")
    promo_redeem(code="DUO", customer=buyer, reference=checkout.reference)
    orders, sellers = [], []
    for _ in range(2):
        vendor = VendorFactory()
        orders.append(order_for(vendor, buyer=buyer, checkout=checkout))
        sellers.append(MembershipFactory(vendor=vendor).user)
    # when both sellers cancel at the same moment
    outcomes = run_concurrently(lambda i: services.order_cancel(
        order_id=orders[i].pk, actor=sellers[i], reason="Sold out", by_buyer=False).status, 2)
    # then both are cancelled and the promo use is given back (neither saw the other as still open)
    assert outcomes == [Status.CANCELLED, Status.CANCELLED]
    assert PromoRedemption.objects.get(reference=checkout.reference).released_at is not None
    assert PromoCode.objects.get().uses_count == 0
