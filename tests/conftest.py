import pytest

from apps.accounts.roles import Role
from tests.factories import MembershipFactory, UserFactory, VendorFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    # Rate-limit counters and cached figures live in the cache; each test starts clean.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def vendor_a(db):
    return VendorFactory(name="Alpha Store", slug="alpha-store")


@pytest.fixture
def vendor_b(db):
    return VendorFactory(name="Bravo Boutique", slug="bravo-boutique", description="Bravo secret description")


@pytest.fixture
def seller_a(vendor_a):
    return MembershipFactory(vendor=vendor_a, user__email="seller.a@example.com").user


@pytest.fixture
def seller_b(vendor_b):
    return MembershipFactory(vendor=vendor_b, user__email="seller.b@example.com").user


@pytest.fixture
def administrator(db):
    return UserFactory(email="root@example.com", roles=[Role.ADMINISTRATOR], is_superuser=True, is_staff=True)


@pytest.fixture
def manager(db):
    return UserFactory(email="manager@example.com", roles=[Role.MANAGER])
