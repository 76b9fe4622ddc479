"""`/services/<slug>/buy/?retry=<purchase token>` restores the earlier form only for the session that made the
purchase or the signed-in buyer; for anybody else holding the link it prefills nothing."""

import pytest
from django.test import Client

from apps.servicedesk.models import Purchase
from tests.factories import UserFactory
from tests.servicedesk.conftest import buy

pytestmark = pytest.mark.django_db


def _retry_page(client, service, token) -> str:
    response = client.get(f"/services/{service.slug}/buy/", {"retry": token})
    assert response.status_code == 200
    return response.content.decode()


def test_the_same_session_gets_its_form_back(client, service):
    buy(client, service)
    page = _retry_page(client, service, Purchase.objects.get().token)
    assert 'value="Mariam Sylla"' in page and "mariam@example.com" in page


def test_another_visitor_with_the_link_gets_an_empty_form(client, service):
    buy(client, service)
    page = _retry_page(Client(), service, Purchase.objects.get().token)
    assert "Mariam Sylla" not in page and "mariam@example.com" not in page and "620 11 22 33" not in page
    assert "Oil change" not in page


def test_the_signed_in_buyer_gets_its_form_back_in_another_session(client, service):
    buyer = UserFactory(email="mariam.account@example.com")
    client.force_login(buyer)
    buy(client, service)
    other_device = Client()
    other_device.force_login(buyer)
    assert "Oil change and brakes check" in _retry_page(other_device, service, Purchase.objects.get().token)


def test_another_account_gets_nothing_of_the_buyer(client, service):
    client.force_login(UserFactory(email="mariam.account@example.com"))
    buy(client, service)
    stranger = Client()
    stranger.force_login(UserFactory(email="stranger@example.com", full_name="Stranger"))
    page = _retry_page(stranger, service, Purchase.objects.get().token)
    assert "Mariam Sylla" not in page and "Oil change" not in page
    assert "stranger@example.com" in page  # their own details instead


@pytest.mark.parametrize("token", ["not-a-uuid", "1", "../../etc/passwd", "0" * 500, "١٢٣"])
def test_a_malformed_retry_value_is_ignored(client, service, token):
    page = _retry_page(client, service, token)
    assert "Mariam Sylla" not in page
