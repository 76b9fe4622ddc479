"""How a seller sends an order out (personally, a chosen courier, the marketplace) and how couriers take jobs."""

from decimal import Decimal

import pytest
from djmoney.money import Money

from apps.accounts.roles import Role
from apps.delivery import services
from apps.delivery.models import CourierEarning, CourierRating, Delivery
from apps.geo.models import Neighbourhood
from apps.notifications.models import Notification
from apps.orders.models import Order
from tests.factories import CourierFactory, MembershipFactory, UserFactory, home_order_for

pytestmark = pytest.mark.django_db
GNF = "GNF"


@pytest.fixture
def store(vendor_a):
    vendor_a.pickup_neighbourhood = Neighbourhood.objects.get(code="gn-conakry-kaloum-almamya")
    vendor_a.save()
    return vendor_a


@pytest.fixture
def order(store):
    return home_order_for(store, status="ready")


@pytest.fixture
def courier(db):
    return CourierFactory(user__full_name="Ousmane Keita").user


def _publish(order, actor, **kwargs):
    return services.delivery_choose_mode(order_id=order.pk, mode=Delivery.Mode.MARKETPLACE, actor=actor, **kwargs)


# --- publishing and who pays


def test_publishing_opens_a_job_and_adds_the_commission_to_a_cash_order(order, seller_a):
    # given a cash-on-delivery order whose buyer chose to pay the commission
    total_before = order.total
    # when the seller publishes it with a bonus
    delivery = _publish(order, seller_a, bonus=Money(500, GNF))
    # then the job is open, priced by distance + bonus, and the buyer pays it at the door
    order.refresh_from_db()
    assert (delivery.status, delivery.deliverer, delivery.commission_payer) == ("open", None, "customer")
    assert delivery.distance_km > Decimal("10")
    assert delivery.commission == Money(delivery.distance_km * 2 + 500, GNF)
    assert (delivery.pickup_area, delivery.dropoff_area) == ("Kaloum", "Ratoma")
    assert order.delivery_fee == delivery.commission
    assert order.total == total_before + delivery.commission
    assert delivery.history.first().history_user == seller_a


def test_an_order_paid_online_leaves_the_commission_to_the_seller(store, seller_a):
    order = home_order_for(store, status="confirmed", payment_method="sandbox", payment_status="paid")
    total_before = order.total
    delivery = _publish(order, seller_a)
    order.refresh_from_db()
    assert delivery.commission.amount > 0 and delivery.commission_payer == "seller"
    assert (order.total, order.delivery_fee.amount, order.commission_payer) == (total_before, 0, "seller")


def test_a_seller_who_chose_to_pay_at_checkout_pays(store, seller_a):
    order = home_order_for(store, commission_payer="seller")
    total_before = order.total
    assert _publish(order, seller_a).commission_payer == "seller"
    order.refresh_from_db()
    assert order.total == total_before


def test_publishing_notifies_available_couriers_only(order, seller_a, courier):
    offline = CourierFactory(availability="offline").user
    _publish(order, seller_a)
    notified = Notification.objects.filter(kind="delivery.job_available")
    assert [(n.user, n.url) for n in notified] == [(courier, "/courier/jobs/")]
    assert "Kaloum → Ratoma" in notified.get().title
    assert not Notification.objects.filter(user=offline).exists()


# --- the other modes, and changing one's mind


def test_delivering_personally_costs_nothing(order, seller_a):
    _publish(order, seller_a)
    delivery = services.delivery_choose_mode(order_id=order.pk, mode="personal", actor=seller_a)
    order.refresh_from_db()
    assert (delivery.status, delivery.deliverer, delivery.commission.amount) == ("assigned", seller_a, 0)
    assert order.delivery_fee.amount == 0 and order.total == order.subtotal


def test_only_a_member_of_the_store_delivers_personally(order, manager):
    with pytest.raises(services.DeliveryError, match="Only a member"):
        services.delivery_choose_mode(order_id=order.pk, mode="personal", actor=manager)
    assert not Delivery.objects.exists()


def test_assigning_a_courier_prices_it_like_the_marketplace_and_tells_them(order, seller_a, courier):
    delivery = services.delivery_choose_mode(order_id=order.pk, mode="courier", courier=courier, actor=seller_a)
    assert (delivery.status, delivery.deliverer) == ("assigned", courier)
    assert delivery.commission == Money(delivery.distance_km * 2, GNF)
    assert Notification.objects.filter(user=courier, kind="delivery.assigned").exists()


def test_only_couriers_can_be_assigned(order, seller_a):
    with pytest.raises(services.DeliveryError, match="couriers"):
        services.delivery_choose_mode(order_id=order.pk, mode="courier", courier=UserFactory(), actor=seller_a)


def test_taking_a_job_back_from_a_courier_tells_them(order, seller_a, courier):
    _publish(order, seller_a)
    services.delivery_accept(delivery_id=order.delivery.pk, courier=courier)
    delivery = services.delivery_choose_mode(order_id=order.pk, mode="personal", actor=seller_a)
    assert delivery.deliverer == seller_a
    assert Notification.objects.filter(user=courier, kind="delivery.withdrawn").exists()


@pytest.mark.parametrize(("fields", "message"), [
    ({"status": "placed"}, "is placed"),
    ({"status": "out_for_delivery"}, "is out for delivery"),
    ({"delivery_mode": "pickup"}, "collected at the store"),
])
def test_a_delivery_is_arranged_only_for_a_confirmed_home_order(store, seller_a, fields, message):
    order = home_order_for(store, **fields)
    with pytest.raises(services.DeliveryError, match=message):
        _publish(order, seller_a)
    assert not Delivery.objects.exists()


def test_nothing_changes_once_the_parcel_is_picked_up(order, seller_a, courier):
    _publish(order, seller_a)
    services.delivery_accept(delivery_id=order.delivery.pk, courier=courier)
    services.delivery_mark_picked_up(delivery_id=order.delivery.pk, actor=courier)
    for change in (lambda: _publish(order, seller_a),
                   lambda: services.delivery_withdraw(order_id=order.pk, actor=seller_a)):
        with pytest.raises(services.DeliveryError, match="already picked up"):
            change()
    assert Delivery.objects.get().deliverer == courier


def test_withdrawing_a_job_takes_it_off_the_list_and_the_fee_off_the_total(order, seller_a, courier):
    _publish(order, seller_a)
    delivery = services.delivery_withdraw(order_id=order.pk, actor=seller_a)
    order.refresh_from_db()
    assert delivery.status == "cancelled" and order.total == order.subtotal
    with pytest.raises(services.JobTaken):
        services.delivery_accept(delivery_id=delivery.pk, courier=courier)
    # and it can be published again
    assert _publish(order, seller_a).status == "open"


# --- couriers taking jobs


def test_the_first_courier_wins_and_the_second_hears_it_is_taken(order, seller_a, courier):
    staff = MembershipFactory(vendor=order.vendor, role="staff").user
    _publish(order, seller_a)
    delivery = services.delivery_accept(delivery_id=order.delivery.pk, courier=courier)
    with pytest.raises(services.JobTaken, match="already taken"):
        services.delivery_accept(delivery_id=delivery.pk, courier=CourierFactory().user)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.deliverer) == ("assigned", courier)
    assert delivery.history.first().history_user == courier  # the conditional update is in the history too
    told = Notification.objects.filter(kind="delivery.accepted")
    assert {n.user for n in told} == {seller_a, staff}
    assert "Ousmane Keita" in told.first().title


def test_a_courier_needs_a_phone_number_to_take_a_job(order, seller_a):
    silent = CourierFactory(phone="").user
    _publish(order, seller_a)
    with pytest.raises(services.DeliveryError, match="phone number"):
        services.delivery_accept(delivery_id=order.delivery.pk, courier=silent)


def test_people_who_are_not_couriers_cannot_take_jobs(order, seller_a):
    _publish(order, seller_a)
    former = CourierFactory().user
    former.groups.clear()
    with pytest.raises(services.DeliveryError, match="Only couriers"):
        services.delivery_accept(delivery_id=order.delivery.pk, courier=former)
    assert Delivery.objects.get().status == "open"


def test_a_cancelled_order_is_no_longer_a_job(order, seller_a, courier):
    _publish(order, seller_a)
    Order.objects.filter(pk=order.pk).update(status="cancelled")
    with pytest.raises(services.JobTaken, match="no longer available"):
        services.delivery_accept(delivery_id=order.delivery.pk, courier=courier)


def test_picking_up_sends_the_order_out(order, seller_a, courier):
    _publish(order, seller_a)
    services.delivery_accept(delivery_id=order.delivery.pk, courier=courier)
    delivery = services.delivery_mark_picked_up(delivery_id=order.delivery.pk, actor=courier)
    order.refresh_from_db()
    assert delivery.status == "picked_up" and delivery.picked_up_at is not None
    assert order.status == "out_for_delivery"
    assert order.timeline.last().actor == courier


def test_a_parcel_is_picked_up_once_packed_and_by_its_courier(store, seller_a, courier):
    order = home_order_for(store, status="confirmed")
    _publish(order, seller_a)
    services.delivery_accept(delivery_id=order.delivery.pk, courier=courier)
    with pytest.raises(services.DeliveryError, match="not yours"):
        services.delivery_mark_picked_up(delivery_id=order.delivery.pk, actor=CourierFactory().user)
    with pytest.raises(services.DeliveryError, match="not packed yet"):
        services.delivery_mark_picked_up(delivery_id=order.delivery.pk, actor=courier)
    assert Delivery.objects.get().status == "assigned"


def test_the_sellers_out_for_delivery_goes_through_the_delivery(order, seller_a, courier):
    # given a published job nobody took: the seller may not send the order out
    _publish(order, seller_a)
    with pytest.raises(services.DeliveryError, match="No courier has accepted"):
        services.delivery_dispatch_order(order_id=order.pk, actor=seller_a)
    # once accepted, the seller's click records the pickup for the courier
    services.delivery_accept(delivery_id=order.delivery.pk, courier=courier)
    services.delivery_dispatch_order(order_id=order.pk, actor=seller_a)
    assert Delivery.objects.get().status == "picked_up"
    assert Order.objects.get().status == "out_for_delivery"


def test_delivered_credits_the_commission_once(order, seller_a, courier):
    _publish(order, seller_a)
    services.delivery_accept(delivery_id=order.delivery.pk, courier=courier)
    services.delivery_mark_delivered(delivery_id=order.delivery.pk, actor=courier)
    services.delivery_mark_delivered(delivery_id=order.delivery.pk, actor=courier)
    earning = CourierEarning.objects.get()
    assert (earning.courier, earning.amount) == (courier, order.delivery.commission)


# --- ratings


def _delivered_by(courier, order, seller):
    _publish(order, seller)
    services.delivery_accept(delivery_id=order.delivery.pk, courier=courier)
    services.delivery_mark_picked_up(delivery_id=order.delivery.pk, actor=courier)
    Order.objects.filter(pk=order.pk).update(status="delivered")
    services.delivery_mark_delivered(delivery_id=order.delivery.pk, actor=courier)


def test_the_buyer_rates_the_courier_once(order, seller_a, courier):
    _delivered_by(courier, order, seller_a)
    rating = services.courier_rating_create(order_id=order.pk, buyer=order.buyer, stars=4, comment=" On time ")
    assert (rating.courier, rating.stars, rating.comment) == (courier, 4, "On time")
    assert Notification.objects.filter(user=courier, kind="delivery.rated").exists()
    with pytest.raises(services.DeliveryError, match="already rated"):
        services.courier_rating_create(order_id=order.pk, buyer=order.buyer, stars=1)
    assert CourierRating.objects.count() == 1


def test_only_the_buyer_rates_and_only_after_delivery(order, seller_a, courier):
    _publish(order, seller_a)
    services.delivery_accept(delivery_id=order.delivery.pk, courier=courier)
    with pytest.raises(services.DeliveryError, match="once it has been delivered"):
        services.courier_rating_create(order_id=order.pk, buyer=order.buyer, stars=5)
    with pytest.raises(services.DeliveryError, match="Only the buyer"):
        services.courier_rating_create(order_id=order.pk, buyer=courier, stars=5)
    assert not CourierRating.objects.exists()


def test_a_seller_delivering_personally_is_not_rated_here(order, seller_a):
    services.delivery_choose_mode(order_id=order.pk, mode="personal", actor=seller_a)
    Order.objects.filter(pk=order.pk).update(status="delivered")
    services.delivery_mark_delivered(delivery_id=order.delivery.pk, actor=seller_a)
    with pytest.raises(services.DeliveryError, match="delivered by the seller"):
        services.courier_rating_create(order_id=order.pk, buyer=order.buyer, stars=5)


def test_stars_stay_between_one_and_five(order, seller_a, courier):
    _delivered_by(courier, order, seller_a)
    for stars in (0, 6):
        with pytest.raises(services.DeliveryError, match="between 1 and 5"):
            services.courier_rating_create(order_id=order.pk, buyer=order.buyer, stars=stars)


def test_the_courier_role_is_what_makes_a_courier(courier):
    assert services.is_courier(courier)
    assert not services.is_courier(UserFactory(roles=[Role.SELLER]))


def test_cancelling_the_order_takes_its_job_back_and_tells_the_courier(order, seller_a, courier):
    from apps.orders.services import order_cancel

    # given a published job a courier has accepted
    delivery = services.delivery_accept(delivery_id=_publish(order, seller_a).pk, courier=courier)
    # when the seller cancels the order
    order_cancel(order_id=order.pk, actor=seller_a, reason="Out of stock after all", by_buyer=False)
    # then the delivery is cancelled, nobody may hand it over, and the courier knows
    delivery.refresh_from_db()
    assert (delivery.status, delivery.deliverer) == (Delivery.Status.CANCELLED, None)
    assert Notification.objects.filter(user=courier, kind="delivery.withdrawn").count() == 1
