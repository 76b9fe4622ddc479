import pytest

from apps.payments.gateways.sandbox import SandboxGateway
from tests.factories import UserFactory


@pytest.fixture
def buyer(db):
    return UserFactory(email="mariama@example.com", full_name="Mariama Sow")


@pytest.fixture
def gateway_refunds(monkeypatch):
    """Every refund the sandbox adapter is asked for, as (payment id, amount, key)."""
    calls = []
    original = SandboxGateway.refund

    def spy(self, payment, amount=None, *, key=""):
        calls.append((payment.pk, amount, key))
        return original(self, payment, amount, key=key)

    monkeypatch.setattr(SandboxGateway, "refund", spy)
    return calls
