"""?ref=CODE on any page: a signed cookie remembers the affiliate for the purchase that follows."""

import time

import pytest
from django.core import signing
from django.test import RequestFactory

from apps.affiliates.middleware import COOKIE_NAME, COOKIE_SALT, affiliate_code_from_request
from tests.factories import AffiliateFactory

pytestmark = pytest.mark.django_db


def _code_read_back(client) -> str | None:
    """What a later request from this browser (same cookies) attributes the purchase to."""
    request = RequestFactory().get("/services/")
    request.COOKIES = {name: morsel.value for name, morsel in client.cookies.items()}
    return affiliate_code_from_request(request)


def test_ref_link_sets_a_signed_http_only_cookie(client):
    AffiliateFactory(code="AMINATA10")

    response = client.get("/", {"ref": "aminata10"})  # links get retyped in lower case

    assert response.status_code == 200
    cookie = response.cookies[COOKIE_NAME]
    assert cookie.value != "AMINATA10" and cookie.value.startswith("AMINATA10:")  # signed, not bare
    assert cookie["max-age"] == 30 * 86400
    assert cookie["httponly"] is True and cookie["samesite"] == "Lax"
    assert _code_read_back(client) == "AMINATA10"


def test_cookie_survives_later_requests_without_ref(client):
    AffiliateFactory(code="AMINATA10")
    client.get("/", {"ref": "AMINATA10"})

    later = client.get("/affiliates/")

    assert COOKIE_NAME not in later.cookies  # neither reset nor deleted
    assert _code_read_back(client) == "AMINATA10"


def test_the_latest_link_followed_wins(client):
    AffiliateFactory(code="FIRST1")
    AffiliateFactory(code="SECOND2")

    client.get("/", {"ref": "FIRST1"})
    client.get("/", {"ref": "SECOND2"})

    assert _code_read_back(client) == "SECOND2"


@pytest.mark.parametrize("ref", ["NOSUCHCODE", "PAUSED99", "x' OR 1=1 --", "A" * 500, ""])
def test_unknown_inactive_or_garbage_codes_are_ignored(client, ref):
    AffiliateFactory(code="PAUSED99", is_active=False)

    response = client.get("/", {"ref": ref})

    assert response.status_code == 200
    assert COOKIE_NAME not in response.cookies


def test_an_unknown_code_keeps_the_previous_referral(client):
    AffiliateFactory(code="AMINATA10")
    client.get("/", {"ref": "AMINATA10"})

    client.get("/", {"ref": "NOSUCHCODE"})

    assert _code_read_back(client) == "AMINATA10"


def test_only_get_requests_set_the_cookie(client):
    AffiliateFactory(code="AMINATA10")

    response = client.post("/?ref=AMINATA10")

    assert COOKIE_NAME not in response.cookies


def test_cookie_lifetime_follows_the_setting(client, settings):
    settings.AFFILIATE_COOKIE_DAYS = 7
    AffiliateFactory(code="AMINATA10")

    response = client.get("/", {"ref": "AMINATA10"})

    assert response.cookies[COOKIE_NAME]["max-age"] == 7 * 86400


def _signed_cookie(code: str, *, age_days: float) -> str:
    signer = signing.get_cookie_signer(salt=COOKIE_NAME + COOKIE_SALT)
    signer.timestamp = lambda: signing.b62_encode(int(time.time() - age_days * 86400))
    return signer.sign(code)


def test_an_expired_cookie_is_refused_even_if_the_browser_kept_it(settings):
    settings.AFFILIATE_COOKIE_DAYS = 7
    AffiliateFactory(code="AMINATA10")
    request = RequestFactory().get("/")

    request.COOKIES = {COOKIE_NAME: _signed_cookie("AMINATA10", age_days=6.9)}
    assert affiliate_code_from_request(request) == "AMINATA10"
    request.COOKIES = {COOKIE_NAME: _signed_cookie("AMINATA10", age_days=7.1)}
    assert affiliate_code_from_request(request) is None


def test_a_forged_or_paused_referral_is_not_credited(client):
    affiliate = AffiliateFactory(code="AMINATA10")
    AffiliateFactory(code="OTHER777")
    client.get("/", {"ref": "AMINATA10"})
    request = RequestFactory().get("/")

    # the code swapped by hand: the signature no longer matches
    request.COOKIES = {COOKIE_NAME: client.cookies[COOKIE_NAME].value.replace("AMINATA10", "OTHER777")}
    assert affiliate_code_from_request(request) is None
    # the affiliate paused after the visit
    affiliate.is_active = False
    affiliate.save(update_fields=["is_active"])
    assert _code_read_back(client) is None
