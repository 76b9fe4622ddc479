"""Straight-line distances between places: good enough to price or sort deliveries inside a city."""
import math
from decimal import ROUND_HALF_UP, Decimal

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)

Point = tuple[Decimal, Decimal]


def haversine_km(lat1, lng1, lat2, lng2) -> Decimal:
    """Great-circle distance in kilometres, rounded to 2 decimals."""
    phi1, phi2 = math.radians(float(lat1)), math.radians(float(lat2))
    d_phi, d_lambda = phi2 - phi1, math.radians(float(lng2) - float(lng1))
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    km = 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))
    return Decimal(str(km)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def point_of(place) -> Point | None:
    """(lat, lng) of an Address or a Vendor's pickup: its own coordinates first, else its neighbourhood's."""
    prefix = "pickup_" if hasattr(place, "pickup_neighbourhood_id") else ""
    lat, lng = getattr(place, f"{prefix}latitude"), getattr(place, f"{prefix}longitude")
    if lat is not None and lng is not None:
        return lat, lng
    neighbourhood = getattr(place, f"{prefix}neighbourhood")
    if neighbourhood is not None and neighbourhood.latitude is not None and neighbourhood.longitude is not None:
        return neighbourhood.latitude, neighbourhood.longitude
    return None
