import importlib
from decimal import Decimal

from django.apps import apps as django_apps
from django.db.models import Count

from apps.geo.distance import haversine_km, point_of
from apps.geo.models import Neighbourhood
from tests.factories import UserFactory, VendorFactory, address_for

load_conakry = importlib.import_module("apps.geo.migrations.0005_load_conakry").load_conakry


def test_conakry_has_its_five_communes_with_neighbourhoods_placed(conakry):
    communes = dict(Neighbourhood.objects.filter(prefecture=conakry).values_list("commune")
                    .annotate(n=Count("pk")).values_list("commune", "n"))
    assert set(communes) == {"Kaloum", "Dixinn", "Matam", "Ratoma", "Matoto"}
    assert all(n >= 5 for n in communes.values())
    assert Neighbourhood.objects.count() >= 25
    assert not Neighbourhood.objects.filter(latitude__isnull=True).exists()
    assert not Neighbourhood.objects.filter(longitude__isnull=True).exists()
    # every neighbourhood lies in Conakry, roughly 9.4-9.8 N, 13.5-13.8 W
    assert not Neighbourhood.objects.exclude(latitude__range=(9.4, 9.8), longitude__range=(-13.8, -13.5)).exists()


def test_loading_the_reference_data_again_changes_nothing(db):
    before = list(Neighbourhood.objects.order_by("code").values())
    load_conakry(django_apps, None)
    assert list(Neighbourhood.objects.order_by("code").values()) == before


def test_haversine_known_distances(almamya, kipe):
    kaloum_kipe = haversine_km(almamya.latitude, almamya.longitude, kipe.latitude, kipe.longitude)
    assert Decimal("10") <= kaloum_kipe <= Decimal("12")
    # Conakry (Kaloum) to Kindia town, about 100 km as the crow flies
    assert Decimal("95") <= haversine_km(9.5092, -13.7122, 10.0569, -12.8658) <= Decimal("120")
    # one degree of latitude along a meridian
    assert haversine_km(0, 0, 1, 0) == Decimal("111.20")  # 6371.0088 km x pi / 180 = 111.195


def test_haversine_is_symmetric_zero_on_the_same_point_and_has_two_decimals():
    there = haversine_km(9.5, -13.7, 9.6, -13.6)
    assert there == haversine_km(9.6, -13.6, 9.5, -13.7)
    assert there.as_tuple().exponent == -2
    assert haversine_km(Decimal("9.512500"), Decimal("-13.713000"), Decimal("9.512500"),
                        Decimal("-13.713000")) == Decimal("0.00")


def test_point_of_prefers_explicit_coordinates_then_the_neighbourhood(kipe):
    user_address = address_for(UserFactory())
    assert point_of(user_address) is None
    user_address.neighbourhood = kipe
    assert point_of(user_address) == (kipe.latitude, kipe.longitude)
    user_address.latitude, user_address.longitude = Decimal("9.600001"), Decimal("-13.650001")
    assert point_of(user_address) == (Decimal("9.600001"), Decimal("-13.650001"))


def test_point_of_a_vendor_is_its_pickup_location(almamya):
    vendor = VendorFactory()
    assert point_of(vendor) is None
    vendor.pickup_neighbourhood = almamya
    assert point_of(vendor) == (almamya.latitude, almamya.longitude)
    vendor.pickup_latitude, vendor.pickup_longitude = Decimal("9.51"), Decimal("-13.71")
    assert point_of(vendor) == (Decimal("9.51"), Decimal("-13.71"))
