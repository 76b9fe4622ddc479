"""What a courier earns for a job: straight-line km from the store to the buyer x rate + the seller's bonus."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from djmoney.money import Money

from apps.core.exceptions import DomainError
from apps.geo.distance import Point, haversine_km, point_of

CENT = Decimal("0.01")


class CommissionError(DomainError):
    pass


@dataclass(frozen=True)
class Route:
    """Where a parcel is collected and where it goes, as couriers see it before and after accepting."""

    pickup: Point | None
    dropoff: Point | None
    pickup_area: str
    dropoff_area: str
    pickup_address: str
    dropoff_address: str

    @property
    def distance_km(self) -> Decimal | None:
        if self.pickup is None or self.dropoff is None:
            return None
        return haversine_km(*self.pickup, *self.dropoff)


@dataclass(frozen=True)
class Commission:
    distance_km: Decimal
    rate_per_km: Money
    bonus: Money
    total: Money


def _area(neighbourhood, fallback: str = "") -> str:
    if neighbourhood is None:
        return fallback
    return neighbourhood.commune or neighbourhood.name


def order_route(order) -> Route:
    """The order's trip: the vendor's pickup location to the order's address (each: own GPS, else neighbourhood)."""
    vendor, address = order.vendor, order.address
    pickup_lines = [vendor.name, vendor.address, vendor.contact_phone]
    return Route(
        pickup=point_of(vendor),
        dropoff=point_of(address) if address is not None else None,
        pickup_area=_area(vendor.pickup_neighbourhood),
        dropoff_area=_area(address.neighbourhood, address.prefecture.name) if address is not None else "",
        pickup_address="\n".join(line for line in pickup_lines if line),
        dropoff_address=order.delivery_address,
    )


def rate_per_km() -> Money:
    return Money(settings.DELIVERY_RATE_PER_KM, settings.BASE_CURRENCY)


def commission_for(*, distance_km: Decimal, bonus: Money | None = None) -> Commission:
    """distance_km x DELIVERY_RATE_PER_KM + bonus, rounded to the cent."""
    bonus = bonus if bonus is not None else Money(0, settings.BASE_CURRENCY)
    if bonus.amount < 0:
        raise CommissionError(_("A bonus cannot be negative."))
    rate = rate_per_km()
    amount = (Decimal(distance_km) * rate.amount).quantize(CENT, rounding=ROUND_HALF_UP) + bonus.amount
    return Commission(distance_km=Decimal(distance_km), rate_per_km=rate, bonus=bonus,
                      total=Money(amount.quantize(CENT, rounding=ROUND_HALF_UP), rate.currency))


def commission_quote(route: Route, *, bonus: Money | None = None) -> Commission:
    """The commission for this route, or a message saying which location is missing."""
    if route.pickup is None:
        raise CommissionError(_("Your store has no pickup location yet: set its pickup neighbourhood (or GPS "
                                "position) in the store details, so that the distance can be measured."))
    if route.dropoff is None:
        raise CommissionError(_("The buyer's address has no neighbourhood or GPS position, so the distance cannot "
                                "be measured: deliver it personally, or ask the buyer for a precise address."))
    return commission_for(distance_km=route.distance_km, bonus=bonus)
