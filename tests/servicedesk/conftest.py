import pytest
from djmoney.money import Money

from apps.accounts.roles import Role
from apps.payments.models import Payment
from apps.servicedesk.models import ServiceRequest
from tests.factories import ServiceCategoryFactory, ServiceFactory, ServiceTierFactory, UserFactory
from tests.payments.webhooks import SANDBOX_SECRET, post_sandbox, sandbox_body

PURCHASE = {"full_name": "Mariam Sylla", "email": "mariam@example.com", "phone": "+224 620 11 22 33",
            "requirements": "Oil change and brakes check", "gateway": "sandbox"}


@pytest.fixture(autouse=True)
def servicedesk_settings(settings):
    settings.PAYMENT_GATEWAYS = ["sandbox", "bank_transfer"]
    settings.SANDBOX_WEBHOOK_SECRET = SANDBOX_SECRET
    settings.SITE_URL = "http://testserver"
    return settings


@pytest.fixture
def category(db):
    return ServiceCategoryFactory(name="Car service", slug="car-service")


@pytest.fixture
def service(category, vendor_a):
    return ServiceFactory(vendor=vendor_a, category=category, name="Full car check", slug="full-car-check",
                          base_price=Money(200000, "GNF"))


@pytest.fixture
def tier(service):
    return ServiceTierFactory(service=service, name="Premium", price=Money(450000, "GNF"))


@pytest.fixture
def support(db):
    return UserFactory(email="support@example.com", full_name="Sia Support", roles=[Role.SUPPORT])


def buy(client, service, **overrides) -> Payment:
    """Fill the purchase form as a customer would; returns the pending payment it started."""
    response = client.post(f"/services/{service.slug}/buy/", {**PURCHASE, **overrides})
    assert response.status_code == 302, response.content.decode()[:3000]
    return Payment.objects.latest("created_at")


def pay(client, payment, *, succeeded=True):
    body = sandbox_body(payment, event_type="payment.succeeded" if succeeded else "payment.failed")
    return post_sandbox(client, body)


def bought_request(client, service, **overrides) -> ServiceRequest:
    payment = buy(client, service, **overrides)
    assert pay(client, payment).status_code == 200
    return ServiceRequest.objects.get(payment=payment)
