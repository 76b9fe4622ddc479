"""Guests without a session share rendered shop pages for SHOP_LIST_CACHE_SECONDS, each with their own CSRF token."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.catalog.models import Product
from apps.catalog.views_shop import CSRF_PLACEHOLDER
from tests.factories import ProductFactory, UserFactory, VendorFactory
from tests.shop.pages import HTMX, listed

LIST_URL = "/shop/"


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.SHOP_LIST_CACHE_SECONDS = 30


@pytest.fixture
def radio(db):
    return ProductFactory(name="Radio", vendor=VendorFactory(slug="madina-market"))


def _tokens(response) -> set[str]:
    html = response.content.decode()
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)) | set(
        re.findall(r'"X-CSRFToken": "([^"]+)"', html))


def test_a_guest_gets_the_page_from_the_cache_without_a_query(client, radio):
    client.get(LIST_URL)  # the first guest fills the cache
    Product.objects.filter(pk=radio.pk).update(name="Renamed radio")

    with CaptureQueriesContext(connection) as queries:
        response = Client().get(LIST_URL)

    assert listed(response) == ["Radio"]
    assert len(queries) == 0


@pytest.mark.parametrize("path", [LIST_URL, "/shop/stores/madina-market/"])
def test_each_guest_gets_their_own_csrf_token_in_the_shared_page(radio, path):
    first, second = Client().get(path), Client().get(path)

    assert CSRF_PLACEHOLDER not in first.content.decode() + second.content.decode()
    assert len(_tokens(first)) == len(_tokens(second)) == 1
    assert _tokens(first) != _tokens(second)
    assert settings.CSRF_COOKIE_NAME in second.cookies


def test_the_token_in_a_page_from_the_cache_is_accepted(radio):
    Client().get(LIST_URL)
    guest = Client(enforce_csrf_checks=True)
    token = _tokens(guest.get(LIST_URL)).pop()

    accepted = guest.post(f"/favorites/{radio.pk}/toggle/", {"csrfmiddlewaretoken": token, "next": "/shop/"})
    refused = guest.post(f"/favorites/{radio.pk}/toggle/", {"csrfmiddlewaretoken": "x" * 64, "next": "/shop/"})

    assert accepted.status_code == 302 and accepted["Location"].startswith("/accounts/login/")
    assert refused.status_code == 403


def test_the_fragment_and_the_page_are_kept_apart(client, radio):
    client.get(LIST_URL)

    fragment = Client().get(LIST_URL, **HTMX)

    assert "<html" not in fragment.content.decode() and listed(fragment) == ["Radio"]


def test_each_query_string_has_its_own_page(client, radio):
    ProductFactory(name="Kettle")

    assert sorted(listed(client.get(LIST_URL))) == ["Kettle", "Radio"]
    assert listed(Client().get(LIST_URL, {"q": "kettle"})) == ["Kettle"]


def test_signed_in_buyers_always_get_a_fresh_page(client, radio):
    client.get(LIST_URL)
    Product.objects.filter(pk=radio.pk).update(name="Renamed radio")
    buyer = Client()
    buyer.force_login(UserFactory())

    response = buyer.get(LIST_URL)

    assert listed(response) == ["Renamed radio"]
    assert 'class="favorite-toggle"' in response.content.decode()


def test_a_guest_with_a_session_gets_a_fresh_page(client, radio):
    client.get(LIST_URL)
    Product.objects.filter(pk=radio.pk).update(name="Renamed radio")
    guest = Client()
    guest.cookies[settings.SESSION_COOKIE_NAME] = "a-guest-with-a-cart"

    assert listed(guest.get(LIST_URL)) == ["Renamed radio"]


def test_a_guest_with_a_message_waiting_gets_a_fresh_page_showing_it(client, radio):
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpResponse
    from django.test import RequestFactory

    client.get(LIST_URL)
    # a message left for this guest by the previous page, in the messages cookie
    storage = CookieStorage(RequestFactory().get("/"))
    storage.add(20, "Signed out.")
    response = HttpResponse()
    storage.update(response)
    guest = Client()
    guest.cookies[storage.cookie_name] = response.cookies[storage.cookie_name].value

    page = guest.get(LIST_URL).content.decode()

    assert "Signed out." in page
    assert "Signed out." not in Client().get(LIST_URL).content.decode()


def test_setting_zero_turns_the_cache_off(client, radio, settings):
    settings.SHOP_LIST_CACHE_SECONDS = 0
    client.get(LIST_URL)
    Product.objects.filter(pk=radio.pk).update(name="Renamed radio")

    assert listed(Client().get(LIST_URL)) == ["Renamed radio"]
