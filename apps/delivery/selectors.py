"""Reads for the courier pages, the order page and the admin."""

import math
from decimal import Decimal

from django.conf import settings
from django.db.models import Avg, Count, DecimalField, ExpressionWrapper, F, QuerySet, Sum, Value
from djmoney.money import Money

from apps.accounts.roles import Role
from apps.delivery.models import CourierEarning, CourierProfile, CourierRating, Delivery
from apps.delivery.services import ARRANGEABLE_ORDER_STATUSES, RATEABLE_ORDER_STATUSES
from apps.geo.distance import Point, haversine_km, point_of

Status, Mode = Delivery.Status, Delivery.Mode


def courier_users() -> QuerySet:
    """People a seller may hand an order to: active members of the Courier role."""
    from apps.accounts.models import User

    return (User.objects.filter(is_active=True, groups__name=Role.COURIER)
            .select_related("courier_profile").order_by("full_name", "email"))


def courier_base(profile: CourierProfile) -> Point | None:
    """Where "near me" is measured from: the courier's own position, else their base neighbourhood's centre."""
    return point_of(profile)


def _nearness(base: Point):
    """A cheap stand-in for the distance, good for sorting inside a city: the squared flat-earth distance in
    degrees, longitudes shrunk by cos(latitude). Plain arithmetic, so SQLite and PostgreSQL both sort by it."""
    lat0, lng0 = Decimal(base[0]), Decimal(base[1])
    shrink = Value(Decimal(str(round(math.cos(math.radians(float(lat0))), 6))))
    dx = (F("pickup_longitude") - Value(lng0)) * shrink
    dy = F("pickup_latitude") - Value(lat0)
    return ExpressionWrapper(dx * dx + dy * dy, output_field=DecimalField())


def open_jobs(*, base: Point | None) -> QuerySet:
    """Marketplace jobs nobody has taken, nearest pickup first when the courier has a base (else newest first)."""
    jobs = (Delivery.objects.filter(status=Status.OPEN, mode=Mode.MARKETPLACE,
                                    order__status__in=ARRANGEABLE_ORDER_STATUSES)
            .select_related("order__vendor"))
    if base is None:
        return jobs.order_by("-published_at", "-pk")
    return jobs.annotate(nearness=_nearness(base)).order_by(F("nearness").asc(nulls_last=True), "-published_at", "-pk")


def with_distance_from(jobs, base: Point | None) -> list[Delivery]:
    """The page's jobs, each with km_from_base: how far the courier rides to the pickup (None when unknown)."""
    rows = list(jobs)
    for job in rows:
        known = base is not None and job.pickup_latitude is not None and job.pickup_longitude is not None
        job.km_from_base = haversine_km(*base, job.pickup_latitude, job.pickup_longitude) if known else None
    return rows


def active_deliveries(*, courier) -> QuerySet:
    """The courier's deliveries still under way: accepted or assigned, and picked up."""
    return (Delivery.objects.filter(deliverer=courier, status__in=[Status.ASSIGNED, Status.PICKED_UP])
            .exclude(order__status="cancelled")
            .select_related("order__vendor", "order__buyer").order_by("accepted_at", "pk"))


def delivery_for_courier(*, courier, delivery_id: int) -> Delivery | None:
    """One of the courier's own deliveries, or None: somebody else's does not exist for them."""
    return Delivery.objects.filter(deliverer=courier, pk=delivery_id).select_related("order").first()


def earnings_for(*, courier) -> QuerySet:
    return CourierEarning.objects.filter(courier=courier).select_related("delivery__order").order_by("-created_at",
                                                                                                      "-pk")


def earnings_total(*, courier) -> Money:
    total = CourierEarning.objects.filter(courier=courier).aggregate(total=Sum("amount"))["total"]
    return Money(total or 0, settings.BASE_CURRENCY)


def ratings_for(*, courier) -> QuerySet:
    return CourierRating.objects.filter(courier=courier).select_related("delivery__order").order_by("-created_at",
                                                                                                     "-pk")


def rating_summary(*, courier) -> dict:
    summary = CourierRating.objects.filter(courier=courier).aggregate(average=Avg("stars"), count=Count("pk"))
    average = summary["average"]
    return {"average": round(Decimal(str(average)), 1) if average is not None else None, "count": summary["count"]}


def rating_state(*, order, user) -> dict | None:
    """What the order page shows about rating the courier: nothing, the form, or the rating given."""
    if user.pk != order.buyer_id or order.status not in RATEABLE_ORDER_STATUSES:
        return None
    delivery = (Delivery.objects.filter(order=order, status=Status.DELIVERED, deliverer__isnull=False)
                .exclude(mode=Mode.PERSONAL).select_related("deliverer").first())
    if delivery is None:
        return None
    return {"delivery": delivery, "courier": delivery.deliverer,
            "rating": CourierRating.objects.filter(delivery=delivery).first()}
