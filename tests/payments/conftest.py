from urllib.error import HTTPError
from urllib.parse import urlsplit

import pytest
from django.test import Client

from apps.payments.gateways import sandbox
from tests.payments.webhooks import SANDBOX_SECRET, STRIPE_WEBHOOK_SECRET

# The purpose handler the tests install: it records each payment it is called with.
HANDLED: list[int] = []


def record_purchase(*, payment):
    HANDLED.append(payment.pk)


@pytest.fixture(autouse=True)
def payment_settings(settings):
    settings.PAYMENT_GATEWAYS = ["sandbox", "bank_transfer", "stripe"]
    settings.SANDBOX_WEBHOOK_SECRET = SANDBOX_SECRET
    settings.STRIPE_SECRET_KEY = "sk_test_offline"
    settings.STRIPE_WEBHOOK_SECRET = STRIPE_WEBHOOK_SECRET
    settings.PAYMENT_PURPOSE_HANDLERS = {"test_purchase": "tests.payments.conftest.record_purchase"}
    HANDLED.clear()
    return settings


@pytest.fixture
def handled() -> list[int]:
    return HANDLED


@pytest.fixture
def webhook_transport(monkeypatch):
    """Sandbox deliveries go through Django's test client instead of HTTP; returns the responses."""
    client = Client()
    responses = []

    def post(url, data, headers):
        extra = {name: value for name, value in headers.items() if name != "Content-Type"}
        response = client.post(urlsplit(url).path, data, content_type=headers["Content-Type"], headers=extra)
        responses.append(response)
        if response.status_code >= 400:  # as urllib does
            raise HTTPError(url, response.status_code, response.content.decode(), None, None)
        return response.status_code

    monkeypatch.setattr(sandbox, "http_post", post)
    return responses

