"""seed_demo's services: every category, every demo vendor, realistic GNF prices, and a second run is a no-op."""

from io import StringIO

import pytest
from django.core.management import call_command
from djmoney.money import Money

from apps.catalog.demo import SERVICES, seed_demo_services
from apps.catalog.models import Service, ServiceCategory, ServiceTier
from tests.factories import VendorFactory

DEMO_VENDORS = ("kaloum-auto", "madina-market", "ratoma-digital")


@pytest.fixture
def demo_vendors(db):
    return [VendorFactory(slug=slug) for slug in DEMO_VENDORS]


def _snapshot():
    return (sorted(map(repr, Service.objects.values())), sorted(map(repr, ServiceTier.objects.values())))


def test_demo_services_cover_every_category_and_every_demo_vendor(demo_vendors):
    created = seed_demo_services()

    assert created == len(SERVICES) == Service.objects.count()
    assert set(Service.objects.values_list("category__slug", flat=True)) == set(
        ServiceCategory.objects.values_list("slug", flat=True))
    assert set(Service.objects.values_list("vendor__slug", flat=True)) == set(DEMO_VENDORS)


def test_demo_services_are_complete_and_priced_in_gnf(demo_vendors):
    seed_demo_services()

    for service in Service.objects.prefetch_related("tiers"):
        assert service.short_description and service.description and service.features, service.slug
        assert Money(150_000, "GNF") <= service.base_price <= Money(5_000_000, "GNF"), service.slug
        tiers = list(service.tiers.all())
        if tiers:
            # the catalogue shows base_price as "from ...": it must be the cheapest tier
            assert service.base_price == min(tier.price for tier in tiers), service.slug
            assert all(tier.features for tier in tiers), service.slug
    tier_counts = [service.tiers.count() for service in Service.objects.all()]
    assert sum(1 for count in tier_counts if count >= 2) >= 5
    assert max(tier_counts) == 3


def test_seeding_twice_changes_nothing_the_second_time(demo_vendors):
    seed_demo_services()
    before = _snapshot()

    assert seed_demo_services() == 0
    assert _snapshot() == before


def test_seeding_keeps_what_someone_changed_in_a_demo_service(demo_vendors):
    seed_demo_services()
    Service.objects.filter(slug="full-car-service").update(name="Renamed by the vendor", is_active=False)

    seed_demo_services()

    service = Service.objects.get(slug="full-car-service")
    assert (service.name, service.is_active) == ("Renamed by the vendor", False)


def test_seeding_without_the_demo_vendors_names_what_is_missing(db):
    VendorFactory(slug="kaloum-auto")

    with pytest.raises(LookupError, match="madina-market, ratoma-digital"):
        seed_demo_services()
    assert not Service.objects.exists()


def test_the_seed_demo_command_creates_the_demo_services(db, settings):
    settings.DEBUG = True

    call_command("seed_demo", stdout=StringIO())

    assert len(set(Service.objects.on_sale().values_list("category_id", flat=True))) == 11
