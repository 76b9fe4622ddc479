import pytest

from apps.accounts.roles import Role
from tests.factories import UserFactory


@pytest.fixture
def analyst(db):
    return UserFactory(email="analyst@example.com", roles=[Role.ANALYST])


@pytest.fixture
def support(db):
    return UserFactory(email="support@example.com", full_name="Sékou Support", roles=[Role.SUPPORT])
