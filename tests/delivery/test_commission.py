"""Commission = straight-line km from the store to the buyer x DELIVERY_RATE_PER_KM + the seller's bonus."""

import math
from decimal import ROUND_HALF_UP, Decimal

import pytest
from djmoney.money import Money

from apps.delivery.commission import CommissionError, commission_for, commission_quote, order_route
from apps.geo.models import Neighbourhood
from tests.factories import VendorFactory, home_order_for

pytestmark = pytest.mark.django_db


def _km(lat1, lng1, lat2, lng2) -> Decimal:
    # computed here on its own (spherical law of cosines), not with the code under test
    phi1, phi2, d_lambda = (math.radians(float(v)) for v in (lat1, lat2, float(lng2) - float(lng1)))
    cos_angle = math.sin(phi1) * math.sin(phi2) + math.cos(phi1) * math.cos(phi2) * math.cos(d_lambda)
    km = 6371.0088 * math.acos(min(1.0, cos_angle))
    return Decimal(str(km)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@pytest.fixture
def almamya(db):
    return Neighbourhood.objects.get(code="gn-conakry-kaloum-almamya")


@pytest.fixture
def kipe(db):
    return Neighbourhood.objects.get(code="gn-conakry-ratoma-kipe")


@pytest.fixture
def kaloum_store(almamya):
    return VendorFactory(name="Kaloum Store", pickup_neighbourhood=almamya, address="Avenue de la République")


def test_kaloum_to_ratoma_from_the_neighbourhood_coordinates(kaloum_store, almamya, kipe):
    # given a store picking up in Almamya (Kaloum) and a buyer in Kipé (Ratoma), both placed by neighbourhood only
    order = home_order_for(kaloum_store, neighbourhood=kipe.code)
    expected_km = _km(almamya.latitude, almamya.longitude, kipe.latitude, kipe.longitude)
    # when
    quote = commission_quote(order_route(order), bonus=Money(1000, "GNF"))
    # then: about 11 km across Conakry, at 2.0 GNF per km, plus the bonus
    assert Decimal("10") < expected_km < Decimal("12")
    assert quote.distance_km == expected_km
    assert quote.rate_per_km == Money("2.0", "GNF")
    assert quote.total == Money(expected_km * 2 + 1000, "GNF")


def test_the_route_names_the_communes_and_the_pickup_address(kaloum_store, kipe):
    order = home_order_for(kaloum_store, neighbourhood=kipe.code)
    route = order_route(order)
    assert (route.pickup_area, route.dropoff_area) == ("Kaloum", "Ratoma")
    assert "Kaloum Store" in route.pickup_address and "Avenue de la République" in route.pickup_address
    assert route.dropoff_address == order.delivery_address


def test_own_gps_positions_come_before_the_neighbourhoods(kaloum_store):
    # given exact positions on both ends
    kaloum_store.pickup_latitude, kaloum_store.pickup_longitude = Decimal("9.509200"), Decimal("-13.712200")
    kaloum_store.save()
    order = home_order_for(kaloum_store, latitude=Decimal("9.641000"), longitude=Decimal("-13.617000"))
    # then the distance is measured between them
    assert order_route(order).distance_km == _km("9.509200", "-13.712200", "9.641000", "-13.617000")


def test_the_rate_comes_from_settings(settings, kaloum_store, almamya, kipe):
    settings.DELIVERY_RATE_PER_KM = Decimal("1500")
    order = home_order_for(kaloum_store, neighbourhood=kipe.code)
    km = _km(almamya.latitude, almamya.longitude, kipe.latitude, kipe.longitude)
    assert commission_quote(order_route(order)).total == Money(km * 1500, "GNF")


def test_money_is_rounded_to_the_cent(settings):
    settings.DELIVERY_RATE_PER_KM = Decimal("0.333")
    quote = commission_for(distance_km=Decimal("10.01"), bonus=Money("0.5", "GNF"))
    assert quote.total.amount == Decimal("3.83")  # 3.33333 -> 3.33, + 0.50


def test_a_negative_bonus_is_refused():
    with pytest.raises(CommissionError, match="cannot be negative"):
        commission_for(distance_km=Decimal("3"), bonus=Money(-1, "GNF"))


def test_a_store_without_pickup_location_gets_a_clear_message(kipe):
    order = home_order_for(VendorFactory(), neighbourhood=kipe.code)
    with pytest.raises(CommissionError, match="pickup location"):
        commission_quote(order_route(order))


def test_an_address_without_neighbourhood_or_gps_gets_a_clear_message(kaloum_store):
    order = home_order_for(kaloum_store, neighbourhood=None)
    route = order_route(order)
    assert route.dropoff_area == "Conakry"  # the prefecture, for lack of a commune
    with pytest.raises(CommissionError, match="neighbourhood or GPS position"):
        commission_quote(route)
