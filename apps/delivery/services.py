"""Delivery lifecycle: the seller picks how an order travels, couriers take jobs, the handover closes them."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from djmoney.money import Money

from apps.accounts.roles import Role
from apps.core.exceptions import DomainError
from apps.core.templatetags.money import price
from apps.delivery.commission import commission_quote, order_route
from apps.delivery.models import CourierEarning, CourierProfile, CourierRating, Delivery
from apps.notifications.selectors import notification_recipients_for_vendor
from apps.notifications.services import notify
from apps.orders.models import Order
from apps.orders.services import order_dispatch
from apps.vendors.models import VendorMembership

Status, Mode = Delivery.Status, Delivery.Mode
# Until someone has the parcel in hand the seller may still change how it travels, or withdraw the job.
CHANGEABLE = {Status.OPEN, Status.ASSIGNED}
# A delivery is arranged for a confirmed order and until it leaves the store.
ARRANGEABLE_ORDER_STATUSES = {Order.Status.CONFIRMED, Order.Status.READY}
RATEABLE_ORDER_STATUSES = {Order.Status.DELIVERED, Order.Status.COMPLETED}


class DeliveryError(DomainError):
    pass


class JobTaken(DeliveryError):
    """Another courier was first: the one answer a late courier gets."""


def is_courier(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.groups.filter(name=Role.COURIER).exists())


def is_courier_once(user) -> bool:
    """is_courier, asked once per user object: a courier page's guard and its header's link share the answer."""
    if not hasattr(user, "_is_courier"):
        user._is_courier = is_courier(user)
    return user._is_courier


def _zero() -> Money:
    return Money(0, settings.BASE_CURRENCY)


def _lock_order(order_id: int) -> Order:
    # of=self: the order row only; the store and address are read for the route, never changed here
    return (Order.objects.select_for_update(of=("self",))
            .select_related("vendor__pickup_neighbourhood", "address__neighbourhood", "address__prefecture")
            .get(pk=order_id))


def _lock_delivery_of(order: Order) -> Delivery | None:
    return Delivery.objects.select_for_update(of=("self",)).select_related("deliverer").filter(order=order).first()


def _check_changeable(order: Order, delivery: Delivery | None) -> None:
    if order.delivery_mode != Order.DeliveryMode.HOME:
        raise DeliveryError(_("Order %(ref)s is collected at the store: there is nothing to deliver.")
                            % {"ref": order.reference})
    if delivery is not None and delivery.status not in CHANGEABLE | {Status.CANCELLED}:
        raise DeliveryError(_("The parcel of order %(ref)s is already %(status)s: its delivery can no longer be "
                              "changed.") % {"ref": order.reference, "status": delivery.get_status_display().lower()})
    if order.status not in ARRANGEABLE_ORDER_STATUSES:
        raise DeliveryError(_("Order %(ref)s is %(status)s: a delivery is arranged once the order is confirmed "
                              "and until it leaves the store.")
                            % {"ref": order.reference, "status": order.get_status_display().lower()})


def commission_payer_for(order: Order) -> str:
    """The buyer pays the commission only when they chose to and pay cash at the door; an order paid online
    is settled already, so its seller pays the courier."""
    if (order.commission_payer == Order.CommissionPayer.CUSTOMER
            and order.payment_status == Order.PaymentStatus.ON_DELIVERY):
        return Order.CommissionPayer.CUSTOMER
    return Order.CommissionPayer.SELLER


def _charge_buyer(order: Order, *, fee: Money, payer: str | None, actor) -> None:
    """Keep the order's delivery fee and total in step with the delivery: the courier collects that total."""
    fields = []
    if order.delivery_fee != fee:
        order.total = order.total - order.delivery_fee + fee
        order.delivery_fee = fee
        fields += ["delivery_fee", "total"]
    if payer is not None and order.commission_payer != payer:
        order.commission_payer = payer
        fields.append("commission_payer")
    if fields:
        order._history_user = actor
        order.save(update_fields=[*fields, "updated_at"])


def _courier_name(user) -> str:
    return user.full_name or user.email


def _tell_courier_withdrawn(delivery: Delivery, courier) -> None:
    notify(courier, kind="delivery.withdrawn", email=False, url=reverse("delivery:courier-deliveries"),
           title=_("The seller took back the delivery of %(ref)s: you no longer carry it.")
           % {"ref": delivery.order.reference})


def _available_couriers():
    from apps.accounts.models import User

    return User.objects.filter(is_active=True, groups__name=Role.COURIER,
                               courier_profile__availability=CourierProfile.Availability.AVAILABLE)


def _announce_job(delivery: Delivery) -> None:
    notify(_available_couriers(), kind="delivery.job_available", email=False, url=reverse("delivery:courier-jobs"),
           title=_("New delivery job %(areas)s: %(commission)s")
           % {"areas": delivery.route_areas, "commission": price(delivery.commission)})


@transaction.atomic
def delivery_choose_mode(*, order_id: int, mode: str, actor, courier=None, bonus: Money | None = None) -> Delivery:
    """Decide how a home-delivery order travels: the seller personally, a chosen courier, or the marketplace.

    Allowed while nobody has picked the parcel up; a courier who loses the job is told. A courier's commission
    is added to the order's total when the buyer pays it cash at the door (see commission_payer_for).
    """
    order = _lock_order(order_id)
    delivery = _lock_delivery_of(order)
    _check_changeable(order, delivery)
    if mode == Mode.PERSONAL:
        if not VendorMembership.objects.filter(vendor_id=order.vendor_id, user=actor).exists():
            raise DeliveryError(_("Only a member of %(vendor)s can deliver its orders personally.")
                                % {"vendor": order.vendor.name})
        deliverer = actor
    elif mode == Mode.COURIER:
        if courier is None or not is_courier(courier):
            raise DeliveryError(_("Choose one of the platform's couriers."))
        deliverer = courier
    elif mode == Mode.MARKETPLACE:
        deliverer = None
    else:
        raise DeliveryError(_("Choose how the order is delivered."))

    route = order_route(order)
    if mode == Mode.PERSONAL:
        # the seller's own trip earns nothing and charges nothing
        distance, rate, bonus, commission, payer = route.distance_km, _zero(), _zero(), _zero(), None
    else:
        quote = commission_quote(route, bonus=bonus)
        distance, rate, bonus, commission = quote.distance_km, quote.rate_per_km, quote.bonus, quote.total
        payer = commission_payer_for(order)

    previous = delivery.deliverer if delivery is not None and delivery.status in CHANGEABLE else None
    now = timezone.now()
    delivery = delivery or Delivery(order=order)
    pickup, dropoff = route.pickup or (None, None), route.dropoff or (None, None)
    for field, value in {
        "mode": mode, "deliverer": deliverer,
        "status": Status.OPEN if mode == Mode.MARKETPLACE else Status.ASSIGNED,
        "pickup_area": route.pickup_area, "dropoff_area": route.dropoff_area,
        "pickup_address": route.pickup_address, "dropoff_address": route.dropoff_address,
        "pickup_latitude": pickup[0], "pickup_longitude": pickup[1],
        "dropoff_latitude": dropoff[0], "dropoff_longitude": dropoff[1],
        "distance_km": distance, "rate_per_km": rate, "bonus": bonus, "commission": commission,
        "commission_payer": payer or commission_payer_for(order),
        "published_at": now if mode == Mode.MARKETPLACE else None,
        "accepted_at": None if mode == Mode.MARKETPLACE else now,
        "picked_up_at": None, "delivered_at": None,
    }.items():
        setattr(delivery, field, value)
    delivery._history_user = actor
    delivery.save()
    _charge_buyer(order, fee=commission if payer == Order.CommissionPayer.CUSTOMER else _zero(), payer=payer,
                  actor=actor)

    if previous is not None and previous.pk != getattr(deliverer, "pk", None) and previous.pk != actor.pk:
        _tell_courier_withdrawn(delivery, previous)
    if mode == Mode.MARKETPLACE:
        _announce_job(delivery)
    elif mode == Mode.COURIER and getattr(previous, "pk", None) != courier.pk:
        notify(courier, kind="delivery.assigned", email=False, url=reverse("delivery:courier-deliveries"),
               title=_("%(vendor)s asks you to deliver order %(ref)s (%(commission)s).")
               % {"vendor": order.vendor.name, "ref": order.reference, "commission": price(commission)})
    return delivery


@transaction.atomic
def delivery_withdraw(*, order_id: int, actor) -> Delivery:
    """Take back a published job (or a courier's assignment) before the parcel is picked up."""
    order = _lock_order(order_id)
    delivery = _lock_delivery_of(order)
    if delivery is None or delivery.status == Status.CANCELLED:
        raise DeliveryError(_("Order %(ref)s has no delivery to withdraw.") % {"ref": order.reference})
    if delivery.status not in CHANGEABLE:
        raise DeliveryError(_("The parcel of order %(ref)s is already %(status)s: its delivery can no longer be "
                              "withdrawn.") % {"ref": order.reference, "status": delivery.get_status_display().lower()})
    _cancel(delivery, actor=actor)
    _charge_buyer(order, fee=_zero(), payer=None, actor=actor)
    return delivery


def _cancel(delivery: Delivery, *, actor) -> None:
    previous = delivery.deliverer
    # no deliverer any more: a withdrawn courier must not open the handover
    delivery.status, delivery.deliverer = Status.CANCELLED, None
    delivery._history_user = actor
    delivery.save(update_fields=["status", "deliverer", "updated_at"])
    if previous is not None and previous.pk != actor.pk:
        _tell_courier_withdrawn(delivery, previous)


def delivery_cancel_with_order(sender, *, order: Order, actor, **kwargs) -> None:
    """On orders' order_cancelled (the order row is locked by the sender): a job not yet picked up goes with it."""
    delivery = _lock_delivery_of(order)
    if delivery is not None and delivery.status in CHANGEABLE:
        _cancel(delivery, actor=actor)


def _ready_profile(courier) -> CourierProfile:
    profile = CourierProfile.objects.filter(user=courier).first() if is_courier(courier) else None
    if profile is None:
        raise DeliveryError(_("Only couriers with a profile can take delivery jobs."))
    if not profile.phone.strip():
        raise DeliveryError(_("Add your phone number to your profile first: the seller and the buyer need to "
                              "reach you."))
    return profile


@transaction.atomic
def delivery_accept(*, delivery_id: int, courier) -> Delivery:
    """Take an open marketplace job. The first courier wins; anyone later gets JobTaken."""
    _ready_profile(courier)
    order_status = Delivery.objects.filter(pk=delivery_id).values_list("order__status", flat=True).first()
    if order_status is None:
        raise DeliveryError(_("This delivery job does not exist."))
    if order_status not in ARRANGEABLE_ORDER_STATUSES:
        raise JobTaken(_("This job is no longer available."))
    now = timezone.now()
    # One conditional UPDATE on the row's own columns: the database lets exactly one courier through,
    # on SQLite and PostgreSQL alike (PostgreSQL re-checks "status = open" after waiting for the winner).
    won = Delivery.objects.filter(pk=delivery_id, status=Status.OPEN, mode=Mode.MARKETPLACE).update(
        status=Status.ASSIGNED, deliverer=courier, accepted_at=now, updated_at=now)
    if not won:
        raise JobTaken(_("Too late: another courier has already taken this job."))
    delivery = Delivery.objects.select_related("order__vendor").get(pk=delivery_id)
    Delivery.history.bulk_history_create([delivery], update=True, default_user=courier)  # update() skips history
    notify(notification_recipients_for_vendor(vendor_id=delivery.order.vendor_id), kind="delivery.accepted",
           url=reverse("admin:orders_order_change", args=[delivery.order_id]),
           title=_("%(courier)s will deliver order %(ref)s and is on the way to collect it.")
           % {"courier": _courier_name(courier), "ref": delivery.order.reference})
    return delivery


@transaction.atomic
def delivery_mark_picked_up(*, delivery_id: int, actor, by_seller: bool = False, note: str = "") -> Delivery:
    """The deliverer has the parcel: the order goes out for delivery. The seller may record it for them."""
    order_id = Delivery.objects.values_list("order_id", flat=True).get(pk=delivery_id)
    order = _lock_order(order_id)  # the order first, then the delivery: the same order as every other change
    delivery = Delivery.objects.select_for_update(of=("self",)).get(pk=delivery_id)
    if not by_seller and delivery.deliverer_id != actor.pk:
        raise DeliveryError(_("This delivery is not yours."))
    if delivery.status != Status.ASSIGNED:
        raise DeliveryError(_("The delivery of order %(ref)s is %(status)s: it cannot be picked up now.")
                            % {"ref": order.reference, "status": delivery.get_status_display().lower()})
    if order.status != Order.Status.READY:
        raise DeliveryError(_("Order %(ref)s is not packed yet (%(status)s): collect it once the seller has marked "
                              "it ready.") % {"ref": order.reference, "status": order.get_status_display().lower()})
    delivery.status, delivery.picked_up_at = Status.PICKED_UP, timezone.now()
    delivery._history_user = actor
    delivery.save(update_fields=["status", "picked_up_at", "updated_at"])
    deliverer = delivery.deliverer
    note = note or _("Picked up by %(name)s.") % {"name": _courier_name(deliverer)}
    order_dispatch(order_id=order.pk, actor=actor, note=note)
    return delivery


@transaction.atomic
def delivery_dispatch_order(*, order_id: int, actor, note: str = "") -> Order:
    """The seller's "Out for delivery": through the delivery when one is arranged, so both stay in step."""
    delivery = Delivery.objects.filter(order_id=order_id).exclude(status=Status.CANCELLED).first()
    if delivery is None:
        return order_dispatch(order_id=order_id, actor=actor, note=note)
    if delivery.status == Status.OPEN:
        raise DeliveryError(_("No courier has accepted this job yet: wait for one, or withdraw the job before "
                              "sending the order out another way."))
    delivery = delivery_mark_picked_up(delivery_id=delivery.pk, actor=actor, by_seller=True, note=note)
    return delivery.order


@transaction.atomic
def delivery_mark_delivered(*, delivery_id: int, actor) -> Delivery:
    """Close the delivery after a confirmed handover and credit the courier's commission once.

    Called by the handover (apps.delivery.handover) inside its own transaction, after the order itself
    has been marked delivered; safe to call twice (the second call changes nothing).
    """
    delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
    if delivery.status == Delivery.Status.DELIVERED:
        return delivery
    delivery.status, delivery.delivered_at = Delivery.Status.DELIVERED, timezone.now()
    delivery._history_user = actor
    delivery.save(update_fields=["status", "delivered_at", "updated_at"])
    if delivery.mode != Delivery.Mode.PERSONAL and delivery.deliverer_id and delivery.commission.amount > 0:
        CourierEarning.objects.get_or_create(
            delivery=delivery, kind=CourierEarning.Kind.COMMISSION,
            defaults={"courier_id": delivery.deliverer_id, "amount": delivery.commission,
                      "note": delivery.order.reference})
    return delivery


# --- couriers' own records


def courier_profile_for(*, user) -> CourierProfile:
    """The courier's profile, created on their first visit (offline until they say otherwise)."""
    profile, _created = CourierProfile.objects.get_or_create(user=user, defaults={"phone": user.phone})
    return profile


PROFILE_FIELDS = ("vehicle", "phone", "availability", "neighbourhood", "latitude", "longitude")


def courier_profile_update(*, profile: CourierProfile, actor, **values) -> CourierProfile:
    """Save what the courier changed on their profile (validated by the form)."""
    unknown = set(values) - set(PROFILE_FIELDS)
    if unknown:
        raise DeliveryError(_("Unknown profile fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    for field, value in values.items():
        setattr(profile, field, value)
    profile._history_user = actor
    profile.save(update_fields=[*values, "updated_at"])
    return profile


@transaction.atomic
def courier_rating_create(*, order_id: int, buyer, stars: int, comment: str = "") -> CourierRating:
    """The buyer's 1-5 stars for the courier who delivered their order: once, and only after delivery."""
    order = Order.objects.select_related("delivery__deliverer").get(pk=order_id)
    if order.buyer_id != buyer.pk:
        raise DeliveryError(_("Only the buyer can rate this delivery."))
    delivery = getattr(order, "delivery", None)
    if order.status not in RATEABLE_ORDER_STATUSES or delivery is None or delivery.status != Status.DELIVERED:
        raise DeliveryError(_("You can rate the delivery of order %(ref)s once it has been delivered.")
                            % {"ref": order.reference})
    if delivery.mode == Mode.PERSONAL or delivery.deliverer is None:
        raise DeliveryError(_("Order %(ref)s was delivered by the seller, not by a courier.")
                            % {"ref": order.reference})
    if not 1 <= stars <= 5:
        raise DeliveryError(_("Give between 1 and 5 stars."))
    if CourierRating.objects.filter(delivery=delivery).exists():
        raise DeliveryError(_("You have already rated the delivery of order %(ref)s.") % {"ref": order.reference})
    try:
        with transaction.atomic():  # the one-rating-per-delivery constraint settles a double submit
            rating = CourierRating.objects.create(delivery=delivery, courier=delivery.deliverer, buyer=buyer,
                                                  stars=stars, comment=comment.strip())
    except IntegrityError:
        raise DeliveryError(_("You have already rated the delivery of order %(ref)s.")
                            % {"ref": order.reference}) from None
    notify(delivery.deliverer, kind="delivery.rated", email=False, url=reverse("delivery:courier-ratings"),
           title=_("A buyer gave you %(stars)s/5 for order %(ref)s.") % {"stars": stars, "ref": order.reference})
    return rating
