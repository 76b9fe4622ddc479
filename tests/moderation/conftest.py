import pytest

from apps.accounts.roles import Role
from tests.factories import UserFactory


@pytest.fixture
def moderator(db):
    return UserFactory(email="moderator@example.com", roles=[Role.SUPPORT])


@pytest.fixture
def reporters(db):
    return [UserFactory(email=f"reporter{i}@example.com") for i in range(12)]
