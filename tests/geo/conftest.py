import pytest

from apps.geo.models import Neighbourhood, Prefecture


@pytest.fixture
def conakry(db):
    return Prefecture.objects.select_related("region").get(code="gn-conakry-conakry")


@pytest.fixture
def kindia(db):
    return Prefecture.objects.select_related("region").get(code="gn-kindia-kindia")


@pytest.fixture
def kipe(db):
    return Neighbourhood.objects.get(code="gn-conakry-ratoma-kipe")


@pytest.fixture
def almamya(db):
    return Neighbourhood.objects.get(code="gn-conakry-kaloum-almamya")
